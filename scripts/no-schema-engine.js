#!/usr/bin/env node
// Stand-in for Prisma's native schema engine, which the CLI would download from Prisma's servers.
// `prisma generate` does not need it; migrations run through @prisma/schema-engine-wasm (see scripts/db.ts).
console.error('Kawal does not use the native Prisma schema engine: run `npm run db:migrate` (WebAssembly engine) instead.');
process.exit(1);
