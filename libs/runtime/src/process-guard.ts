/**
 * `node process-guard.js <command> [args...]`: runs a non-Node executable (the Temporal CLI) so that it cannot
 * outlive scripts/start.js. Forwards SIGTERM/SIGINT/SIGHUP to the command, exits with its status, and stops it when
 * the parent process disappears (the command itself cannot watch its parent).
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: process-guard <command> [args...]\n');
  process.exit(2);
}

const parentAtStart = process.ppid;
const child = spawn(command, args, { stdio: 'inherit' });
let killTimer: NodeJS.Timeout | undefined;

function terminate(signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  if (!killTimer) {
    killTimer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    killTimer.unref();
  }
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => terminate(signal));

const watch = setInterval(() => {
  if (process.ppid !== parentAtStart) terminate('SIGTERM');
}, 1000);
watch.unref();

child.on('error', (err) => {
  process.stderr.write(`cannot run ${command}: ${err.message}\n`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  clearInterval(watch);
  if (signal) process.exit(128 + (os.constants.signals[signal] ?? 1));
  process.exit(code ?? 0);
});
