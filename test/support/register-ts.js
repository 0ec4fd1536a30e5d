/**
 * `node --require test/support/register-ts.js some.ts`: runs the TypeScript sources in a plain Node child process,
 * the way ts-jest runs them in the test process (for tests that need a real separate OS process, e.g. a worker that
 * is SIGKILLed). Each .ts file is transpiled on load with TypeScript's transpileModule (no type check: `npm run
 * typecheck` does that), with the settings of tsconfig.json (CommonJS, decorators and their metadata for Nest), and
 * the tsconfig paths (@kawal/*) resolve to the sources. Like test/support/jest-resolver.js, a relative './x.js' that
 * exists only as './x.ts' (the generated Prisma client) resolves to the .ts file. Transpiled output is cached in the
 * temp directory, keyed by the file's content and the compiler settings (a worker then starts a second faster).
 */
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const ts = require('typescript');

const root = path.resolve(__dirname, '..', '..');
const configFile = path.join(root, 'tsconfig.json');
const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configFile, ts.sys.readFile).config, ts.sys, root);
const compilerOptions = { ...parsed.options, sourceMap: false, inlineSourceMap: true, inlineSources: false, declaration: false, noEmit: false };

/** '@kawal/x' -> absolute source path, from tsconfig paths (exact entries only, as tsconfig.json has). */
const aliases = new Map(Object.entries(parsed.options.paths ?? {}).map(([k, [target]]) => [k, path.join(root, target)]));

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveFilename(request, parent, ...rest) {
  const alias = aliases.get(request);
  if (alias) return originalResolve.call(this, alias, parent, ...rest);
  try {
    return originalResolve.call(this, request, parent, ...rest);
  } catch (err) {
    if (/^\.{1,2}\/.*\.js$/.test(request) && parent && parent.filename && parent.filename.endsWith('.ts')) {
      return originalResolve.call(this, request.slice(0, -3), parent, ...rest);
    }
    throw err;
  }
};

const cacheDir = path.join(os.tmpdir(), 'kawal-register-ts');
const settings = JSON.stringify([ts.version, compilerOptions]);

function transpile(source, filename) {
  const key = createHash('sha256').update(settings).update('\0').update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    /* not cached yet */
  }
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename, reportDiagnostics: false });
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, outputText);
    fs.renameSync(tmp, cached); // atomic: a concurrent reader sees all of it or nothing
  } catch {
    /* a read-only temp dir only costs speed */
  }
  return outputText;
}

require.extensions['.ts'] = function compileTs(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
