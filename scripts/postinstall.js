#!/usr/bin/env node
// npm postinstall: generate the Prisma Client (must succeed), then install the Temporal tools (never fails).
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const node = (script) => spawnSync(process.execPath, [path.join(__dirname, script)], { cwd: root, stdio: 'inherit' });

const generate = node('prisma-generate.js');
if (generate.status !== 0) {
  console.error(`postinstall: prisma generate failed (${generate.error ? generate.error.message : `exit ${generate.status}`})`);
  process.exit(generate.status || 1);
}
node('setup-tools.js');
process.exit(0);
