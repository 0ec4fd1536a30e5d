/**
 * Lifecycle of the ONE throwaway database server of a jest run (used by global-setup.ts / global-teardown.ts only;
 * test files use postgres.ts).
 *
 * Choice of server, in order:
 *  1. env TEST_DATABASE_URL: an existing server (nothing is started; its user must be allowed to CREATE DATABASE).
 *  2. PostgreSQL binaries (env PG_BIN, /usr/lib/postgresql/<newest>/bin, `pg_config --bindir`, PATH): initdb into a
 *     temp dir and run `postgres` on 127.0.0.1:<free port> with a temp socket dir and durability off (fsync,
 *     full_page_writes, synchronous_commit). PostgreSQL refuses to run as root: as root the cluster is owned and
 *     run by the unprivileged user `kawaltest` (created with useradd when missing; `nobody` as a last resort).
 *  3. PGlite (PostgreSQL 17 in WebAssembly) served over TCP by pglite-socket inside the jest process.
 * env KAWAL_TEST_DB_ENGINE=postgres|pglite forces 2 or 3 (postgres then fails instead of falling back).
 *
 * No postgres may outlive the run: teardown stops it; process 'exit'/SIGINT/SIGTERM/SIGHUP handlers kill it; and a
 * detached watchdog shell kills it and removes the temp dir if the jest process dies without running either
 * (SIGKILL, OOM).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chownSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { applyMigrations } from '../../libs/database/src/migrations';
import { freePort } from './ports';
import { RESET_DATABASE_SQL, infoFilePath, type TestDbEngine, type TestDbInfo } from './postgres';

export const TEST_OS_USER = 'kawaltest';

export interface StartedServer {
  engine: TestDbEngine;
  /** Superuser URL of the maintenance database. */
  adminUrl: string;
  serverVersion: string;
  /** Human-readable one-liner for the log. */
  description: string;
  /** PGlite only: the reset endpoint (see startPgliteControl). */
  controlUrl?: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Local on purpose (libs/runtime has the same check): Jest's globalSetup loads this file without the module
// mapper, so nothing reachable from here may import an @kawal/* alias.
function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function versionKey(dir: string): number {
  const n = Number.parseFloat(path.basename(dir));
  return Number.isFinite(n) ? n : 0;
}

/** Directory holding initdb + postgres, or undefined. */
export function findPostgresBinDir(env = process.env): string | undefined {
  const candidates: string[] = [];
  if (env.PG_BIN) candidates.push(env.PG_BIN);
  const debianRoot = '/usr/lib/postgresql';
  try {
    const versions = readdirSync(debianRoot)
      .map((v) => path.join(debianRoot, v))
      .sort((a, b) => versionKey(b) - versionKey(a));
    candidates.push(...versions.map((v) => path.join(v, 'bin')));
  } catch {
    /* not Debian-style */
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0 && pgConfig.stdout.trim()) candidates.push(pgConfig.stdout.trim());
  for (const dir of (env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
  return candidates.find((dir) => isExecutable(path.join(dir, 'initdb')) && isExecutable(path.join(dir, 'postgres')));
}

interface OsUser {
  uid: number;
  gid: number;
  name: string;
}

function lookupUser(name: string): OsUser | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name };
}

/** The unprivileged user that owns and runs the cluster when we are root (created when missing). */
function unprivilegedUser(): OsUser {
  let user = lookupUser(TEST_OS_USER);
  if (!user) {
    const add = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', TEST_OS_USER], {
      encoding: 'utf8',
    });
    if (add.status !== 0) {
      const alt = spawnSync('adduser', ['-S', '-D', '-H', TEST_OS_USER], { encoding: 'utf8' }); // busybox/alpine
      if (alt.status !== 0) process.stderr.write(`[test-db] could not create user ${TEST_OS_USER}: ${add.stderr || add.error}\n`);
    }
    user = lookupUser(TEST_OS_USER) ?? lookupUser('nobody');
  }
  if (!user) throw new Error(`running as root and no unprivileged user (${TEST_OS_USER} or nobody) to run PostgreSQL`);
  return user;
}

function chownTree(dir: string, user: OsUser): void {
  chownSync(dir, user.uid, user.gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, user);
    else chownSync(p, user.uid, user.gid);
  }
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---- process-death safety net ------------------------------------------------------------------------------

type Cleanup = () => void;
const cleanups = new Set<Cleanup>();
let handlersInstalled = false;

function runCleanupsSync(): void {
  for (const c of [...cleanups]) {
    cleanups.delete(c);
    try {
      c();
    } catch {
      /* best effort */
    }
  }
}

/** Runs `fn` (synchronously) when the jest process exits or is interrupted, unless unregistered first. */
export function registerCleanup(fn: Cleanup): () => void {
  cleanups.add(fn);
  installExitHandlers();
  return () => cleanups.delete(fn);
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', runCleanupsSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = () => {
      runCleanupsSync();
      process.removeListener(sig, handler);
      // Keep the default behaviour (terminate) unless somebody else handles the signal.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

/**
 * A detached shell that waits for this process to die, then kills `pid` (if still ours) and removes `dir` and the
 * run's info file.
 */
function startWatchdog(pid: number, dir: string): ChildProcess {
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
    `if grep -q "$1" /proc/${pid}/cmdline 2>/dev/null; then kill -QUIT ${pid} 2>/dev/null; sleep 3; kill -KILL ${pid} 2>/dev/null; fi`,
    `rm -rf "$1" "$2"`,
  ].join('\n');
  const child = spawn('sh', ['-c', script, 'kawal-test-db-watchdog', dir, infoFilePath(process.pid)], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child;
}

function killWatchdog(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL'); // its own process group (detached): the shell and its `sleep`
  } catch {
    /* already gone */
  }
}

// ---- PostgreSQL from binaries ------------------------------------------------------------------------------

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`postgres exited (${child.exitCode ?? child.signalCode}) during startup:\n${tail(logFile)}`);
    }
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
      return rows[0].v;
    } catch (err) {
      lastError = err;
      await sleep(100);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`postgres did not accept connections within ${timeoutMs} ms (${String(lastError)}):\n${tail(logFile)}`);
}

export async function startPostgresFromBinaries(binDir: string): Promise<StartedServer> {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const user = asRoot ? unprivilegedUser() : undefined;
  // /tmp (or TMPDIR) must be traversable by the unprivileged user; a private TMPDIR under /root would not be.
  let base = mkdtempSync(path.join(os.tmpdir(), 'kawal-pg-'));
  if (user && !os.tmpdir().startsWith('/tmp') && existsDir('/tmp')) {
    rmSync(base, { recursive: true, force: true });
    base = mkdtempSync('/tmp/kawal-pg-');
  }
  const dataDir = path.join(base, 'data');
  const sockDir = path.join(base, 'sock');
  const logFile = path.join(base, 'postgres.log');
  mkdirSync(dataDir, { mode: 0o700 });
  mkdirSync(sockDir, { mode: 0o700 });
  closeSync(openSync(logFile, 'a'));
  if (user) chownTree(base, user);

  const spawnOpts = {
    cwd: base,
    env: { ...process.env, HOME: base, LC_ALL: 'C', LANG: 'C', PGDATA: dataDir },
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  };
  let cleanupBase: Cleanup = () => rmSync(base, { recursive: true, force: true });
  cleanups.add(cleanupBase);
  installExitHandlers();

  const init = spawnSync(
    path.join(binDir, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync', '--no-instructions'],
    { ...spawnOpts, encoding: 'utf8' },
  );
  if (init.status !== 0) {
    cleanups.delete(cleanupBase);
    cleanupBase();
    throw new Error(`initdb failed (${init.status ?? init.error}):\n${init.stdout}\n${init.stderr}`);
  }

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const logFd = openSync(logFile, 'a');
    const child = spawn(
      path.join(binDir, 'postgres'),
      [
        '-D', dataDir,
        '-p', String(port),
        '-h', '127.0.0.1',
        '-k', sockDir,
        '-c', 'fsync=off',
        '-c', 'full_page_writes=off',
        '-c', 'synchronous_commit=off',
        '-c', 'max_connections=300',
        '-c', 'shared_buffers=128MB',
        '-c', 'logging_collector=off',
        '-c', 'log_min_messages=warning',
      ],
      { ...spawnOpts, stdio: ['ignore', logFd, logFd] },
    );
    closeSync(logFd);
    child.unref();
    const pid = child.pid!;
    const killNow: Cleanup = () => {
      try {
        process.kill(pid, 'SIGQUIT'); // immediate shutdown
      } catch {
        /* gone */
      }
    };
    // Order matters for the exit handler: kill the server before removing its directory.
    cleanups.delete(cleanupBase);
    cleanups.add(killNow);
    cleanups.add(cleanupBase);
    const watchdog = startWatchdog(pid, base);
    const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    try {
      const version = await waitUntilReady(adminUrl, child, logFile, 60_000);
      return {
        engine: 'postgres',
        adminUrl,
        serverVersion: `PostgreSQL ${version}`,
        description: `PostgreSQL ${version} on 127.0.0.1:${port} (${binDir}${user ? `, run as ${user.name}` : ''}, data in ${base})`,
        async stop() {
          cleanups.delete(killNow);
          for (const sig of ['SIGINT', 'SIGQUIT', 'SIGKILL'] as const) {
            if (child.exitCode !== null || child.signalCode !== null) break;
            try {
              process.kill(pid, sig); // SIGINT = fast shutdown, SIGQUIT = immediate
            } catch {
              break;
            }
            if (await waitForExit(child, sig === 'SIGKILL' ? 5000 : 10_000)) break;
          }
          killWatchdog(watchdog);
          cleanups.delete(cleanupBase);
          cleanupBase();
          cleanupBase = () => undefined;
        },
      };
    } catch (err) {
      lastError = err;
      cleanups.delete(killNow);
      killNow();
      await waitForExit(child, 5000);
      killWatchdog(watchdog);
      if (!/could not bind|already in use/i.test(String(err))) break;
    }
  }
  cleanups.delete(cleanupBase);
  cleanupBase();
  throw lastError;
}

function existsDir(dir: string): boolean {
  try {
    return readdirSync(dir) !== undefined;
  } catch {
    return false;
  }
}

// ---- PGlite fallback ---------------------------------------------------------------------------------------

/**
 * PGlite has a single database, and test files cannot touch the PGlite instance (it lives in this process, outside
 * Jest's sandbox; and the Prisma schema engine cannot run migrations from inside the sandbox either). So test
 * files reset the shared database through a tiny HTTP endpoint served here: `POST /reset` with
 * `{"migrated": true|false}` empties the database (all user schemas dropped, `public` recreated) and re-applies
 * the migrations when asked. Requests are serialised.
 */
function startPgliteControl(reset: (migrated: boolean) => Promise<void>): Promise<{ url: string; close(): Promise<void> }> {
  let chain: Promise<unknown> = Promise.resolve();
  const server = createHttpServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/reset') {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      let migrated = true;
      try {
        migrated = (JSON.parse(body || '{}') as { migrated?: boolean }).migrated !== false;
      } catch {
        /* default */
      }
      const job = chain.then(() => reset(migrated));
      chain = job.catch(() => undefined);
      job.then(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
        (err: unknown) =>
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: String(err) })),
      );
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.unref();
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}

import { installBatchScheduler, type PgliteQueryQueue } from '../../libs/runtime/src/pglite-batch-queue';

export async function startPglite(): Promise<StartedServer> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create(); // in memory
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 20 });
    // As scripts/pglite-server.ts does for npm start: keep each connection's extended-protocol batch together.
    installBatchScheduler((server as unknown as { queryQueue: PgliteQueryQueue }).queryQueue);
    try {
      await server.start();
    } catch (err) {
      lastError = err;
      continue;
    }
    const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    const control = await startPgliteControl(async (migrated) => {
      await db.exec(RESET_DATABASE_SQL);
      if (migrated) await applyMigrations(adminUrl);
    });
    const { rows } = await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return {
      engine: 'pglite',
      adminUrl,
      controlUrl: control.url,
      serverVersion: `PostgreSQL ${rows[0].v} (PGlite)`,
      description: `PGlite (PostgreSQL ${rows[0].v}, in memory) via pglite-socket on 127.0.0.1:${port} -- one shared database`,
      async stop() {
        await control.close().catch(() => undefined);
        await server.stop().catch(() => undefined);
        await db.close().catch(() => undefined);
      },
    };
  }
  await db.close().catch(() => undefined);
  throw lastError;
}

// ---- external server ---------------------------------------------------------------------------------------

export async function useExternalServer(url: string): Promise<StartedServer> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    const safe = new URL(url);
    if (safe.password) safe.password = '***';
    return {
      engine: 'external',
      adminUrl: url,
      serverVersion: `PostgreSQL ${rows[0].v}`,
      description: `existing server from TEST_DATABASE_URL (${safe.toString()}), PostgreSQL ${rows[0].v}`,
      async stop() {
        /* not ours */
      },
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Starts (or attaches to) the run's database server according to the order in the module comment. */
export async function startTestDatabaseServer(env = process.env): Promise<StartedServer> {
  if (env.TEST_DATABASE_URL) return useExternalServer(env.TEST_DATABASE_URL);
  const forced = env.KAWAL_TEST_DB_ENGINE;
  if (forced === 'pglite') return startPglite();
  const binDir = findPostgresBinDir(env);
  if (binDir) {
    try {
      return await startPostgresFromBinaries(binDir);
    } catch (err) {
      if (forced === 'postgres') throw err;
      process.stderr.write(`[test-db] PostgreSQL from ${binDir} failed to start, falling back to PGlite:\n${String(err)}\n`);
    }
  } else if (forced === 'postgres') {
    throw new Error('KAWAL_TEST_DB_ENGINE=postgres but no PostgreSQL binaries found (set PG_BIN)');
  }
  return startPglite();
}

export function newRunId(): string {
  return randomBytes(3).toString('hex');
}

// ---- state shared by global-setup.ts and global-teardown.ts -------------------------------------------------

export interface GlobalTestState {
  server?: StartedServer;
  info?: TestDbInfo;
  infoFile?: string;
  unregisterInfoFileCleanup?: () => void;
}

/** Shared with global-teardown.ts (same process, separate module registry in some jest versions). */
export function globalTestState(): GlobalTestState {
  const g = globalThis as unknown as { __KAWAL_TEST_STATE__?: GlobalTestState };
  g.__KAWAL_TEST_STATE__ ??= {};
  return g.__KAWAL_TEST_STATE__;
}

