import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { describeExit, ManagedChild, spawnNodeApp, stopChild } from './child';
import { LogFn } from './log';
import { projectRoot } from './temporal-binaries';
import { waitFor } from './wait';

export interface EmbeddedPostgresOptions {
  /** PGlite's data folder, e.g. .data/pglite (created when missing). */
  dataDir: string;
  port: number;
  host?: string;
  log: LogFn;
  /** Concurrent client connections PGlite's socket server accepts (queries run one at a time). Default 32. */
  maxConnections?: number;
  /** The compiled server script; dist/scripts/pglite-server.js by default. */
  serverScript?: string;
  /** How long to wait for `SELECT 1`; 60 s by default (the first start initialises the folder). */
  readyTimeoutMs?: number;
  /** How long stop() waits for PGlite to close before SIGKILL; 20 s by default. */
  stopTimeoutMs?: number;
}

export interface EmbeddedPostgresHandle {
  /** postgresql://postgres:postgres@127.0.0.1:PORT/postgres?sslmode=disable */
  url: string;
  dataDir: string;
  child: ManagedChild;
  stop(): Promise<void>;
}

/** PGlite has one database, `postgres`, owned by the `postgres` user; it does not check passwords. */
export function embeddedPostgresUrl(port: number, host = '127.0.0.1'): string {
  return `postgresql://postgres:postgres@${host}:${port}/postgres?sslmode=disable`;
}

/** Resolves once `SELECT 1` succeeds on `url`. */
export async function waitForPostgres(
  url: string,
  opts: { timeoutMs: number; abort?: () => string | undefined },
): Promise<void> {
  await waitFor(
    `PostgreSQL at ${redactUrl(url)}`,
    async () => {
      const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    { timeoutMs: opts.timeoutMs, intervalMs: 300, abort: opts.abort },
  );
}

/** A connection URL with its password replaced by `***`, fit for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

/**
 * Runs PGlite (PostgreSQL 17 in WebAssembly) persisted in `dataDir` behind the PostgreSQL wire protocol on
 * host:port, in a child process (its memory stays out of the caller's, and SIGTERM closes it cleanly).
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const host = opts.host ?? '127.0.0.1';
  const script = opts.serverScript ?? path.join(projectRoot(), 'dist', 'scripts', 'pglite-server.js');
  if (!existsSync(script)) throw new Error(`${script} is missing; run \`npm run build\` first`);
  const dataDir = path.resolve(opts.dataDir);
  const child = spawnNodeApp(script, {}, 'postgres', {
    log: opts.log,
    args: ['--data-dir', dataDir, '--port', String(opts.port), '--host', host, '--max-connections', String(opts.maxConnections ?? 32)],
  });
  const url = embeddedPostgresUrl(opts.port, host);
  const stop = async () => {
    await stopChild(child, opts.stopTimeoutMs ?? 20_000);
  };
  try {
    await waitForPostgres(url, {
      timeoutMs: opts.readyTimeoutMs ?? 60_000,
      abort: () => (child.exit ? `the PGlite server ${describeExit(child.exit)}` : undefined),
    });
  } catch (err) {
    await stop();
    const tail = child.output.tail(6).join(' | ');
    throw new Error(`${(err as Error).message}${tail ? ` — last output: ${tail}` : ''}`);
  }
  return { url, dataDir, child, stop };
}
