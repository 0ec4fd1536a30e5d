#!/usr/bin/env node
// Generates the Prisma Client (TypeScript, CommonJS) into libs/database/src/generated/prisma without any download:
// the CLI insists on a schema-engine binary, so point it at a stub that refuses to run.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const result = spawnSync(
  process.execPath,
  [require.resolve('prisma/build/index.js', { paths: [root] }), 'generate', '--schema', 'prisma/schema.prisma'],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: path.join(__dirname, 'no-schema-engine.js'),
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  },
);
process.exit(result.status ?? 1);
