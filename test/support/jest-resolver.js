// Jest resolver: the generated Prisma client (TypeScript, CommonJS output) imports its siblings as './x.js', which
// exist only as './x.ts' in the sources. Resolve normally first; only when that fails, retry without '.js'.
// (A blanket moduleNameMapper would also rewrite requires inside node_modules, which breaks protobufjs.)
module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch (err) {
    if (/^\.{1,2}\/.*\.js$/.test(request)) return options.defaultResolver(request.slice(0, -3), options);
    throw err;
  }
};
