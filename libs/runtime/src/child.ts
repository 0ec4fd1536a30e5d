import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { LineRing, LogFn, prefixedLogger } from './log';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES...). */
  error?: Error;
}

export interface ManagedChild {
  readonly label: string;
  readonly process: ChildProcess;
  readonly pid: number | undefined;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<ChildExit>;
  /** Set once the process has exited. */
  exit?: ChildExit;
  /** True once {@link stopChild} was called: its exit is expected. */
  stopping: boolean;
  /** The last lines it printed, for error messages. */
  readonly output: LineRing;
}

export interface SpawnOptions {
  /** Merged over process.env. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where each output line goes; defaults to stdout with a `[label]` prefix. */
  log?: LogFn;
  /** Return false to hide a line (it is still kept in `output`). */
  filter?: (line: string, stream: 'stdout' | 'stderr') => boolean;
  /** Hide all output once stopping (shutdown noise). Default false. */
  quietWhenStopping?: boolean;
  /**
   * Own process group (default true on POSIX): a terminal Ctrl-C then reaches only the parent, which stops children
   * in order; {@link stopChild} can still kill the whole group.
   */
  detached?: boolean;
}

const live = new Set<ManagedChild>();
const isPosix = process.platform !== 'win32';

/** Children started through this module that have not exited yet. */
export function liveChildren(): ManagedChild[] {
  return [...live];
}

function killGroup(child: ManagedChild, signal: NodeJS.Signals): void {
  const pid = child.pid;
  if (pid === undefined) return;
  try {
    if (isPosix && (child as Internal).detached) process.kill(-pid, signal);
    else process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

interface Internal extends ManagedChild {
  detached: boolean;
}

/** SIGKILLs every live child's process group, synchronously. For a forced exit. */
export function killAllChildren(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
}

// Safety net: whatever path the parent takes to exit, never leave children behind.
process.once('exit', killAllChildren);

/** Spawns a process whose output lines are prefixed with its label and which is tracked until it exits. */
export function spawnManaged(command: string, args: string[], label: string, opts: SpawnOptions = {}): ManagedChild {
  const detached = opts.detached ?? isPosix;
  const log = opts.log ?? prefixedLogger(label);
  const proc = spawn(command, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  let resolveExit!: (exit: ChildExit) => void;
  const exited = new Promise<ChildExit>((resolve) => (resolveExit = resolve));
  const child: Internal = {
    label,
    process: proc,
    pid: proc.pid,
    exited,
    stopping: false,
    output: new LineRing(40),
    detached,
  };
  live.add(child);
  const finish = (exit: ChildExit) => {
    if (child.exit) return;
    child.exit = exit;
    live.delete(child);
    resolveExit(exit);
  };
  proc.once('error', (error) => {
    // 'error' without a pid: it never started; with a pid, a later 'exit' follows.
    if (proc.pid === undefined) finish({ code: null, signal: null, error });
    else child.output.push(`error: ${error.message}`);
  });
  proc.once('exit', (code, signal) => finish({ code, signal }));

  for (const stream of ['stdout', 'stderr'] as const) {
    const input = proc[stream];
    if (!input) continue;
    const rl = readline.createInterface({ input, crlfDelay: Infinity });
    rl.on('line', (line) => {
      child.output.push(line);
      if (opts.quietWhenStopping && child.stopping) return;
      if (opts.filter && !opts.filter(line, stream)) return;
      log(line);
    });
  }
  return child;
}

/** The compiled preload that makes a Node child stop itself when its parent disappears (absent when run from .ts). */
function parentWatchPreload(): string | undefined {
  const file = path.join(__dirname, 'parent-watch.js');
  return existsSync(file) ? file : undefined;
}

/**
 * Starts `node entry` as a managed child with `env` merged over process.env, output prefixed `[label]`, in its own
 * process group, and with a preload that stops it if this process dies without stopping it.
 */
export function spawnNodeApp(
  entry: string,
  env: NodeJS.ProcessEnv,
  label: string,
  opts: Omit<SpawnOptions, 'env'> & { nodeArgs?: string[]; args?: string[] } = {},
): ManagedChild {
  const preload = parentWatchPreload();
  const nodeArgs = [...(preload ? ['--require', preload] : []), ...(opts.nodeArgs ?? [])];
  return spawnManaged(process.execPath, [...nodeArgs, entry, ...(opts.args ?? [])], label, { ...opts, env });
}

/** "exited with code 1", "was killed by SIGKILL", "could not start: spawn x ENOENT". */
export function describeExit(exit: ChildExit): string {
  if (exit.error) return `could not start: ${exit.error.message}`;
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Sends SIGTERM, waits up to `timeoutMs` for the process to exit, then SIGKILLs its whole process group. Also kills
 * anything its group left behind. Resolves with how it exited; safe to call twice or on an exited child.
 */
export async function stopChild(child: ManagedChild, timeoutMs = 10_000): Promise<ChildExit> {
  child.stopping = true;
  if (!child.exit) {
    try {
      child.process.kill('SIGTERM');
    } catch {
      /* already gone */
    }
    const result = await withTimeout(child.exited, timeoutMs);
    if (result === 'timeout') {
      child.output.push(`did not stop within ${timeoutMs} ms; killing it`);
      killGroup(child, 'SIGKILL');
      await withTimeout(child.exited, 5_000);
    }
  }
  // The leader is gone; anything else in its group is a leftover.
  if ((child as Internal).detached) killGroup(child, 'SIGKILL');
  return child.exit ?? { code: null, signal: 'SIGKILL' };
}
