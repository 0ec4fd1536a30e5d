/**
 * Embedded PostgreSQL for `npm start`: PGlite (PostgreSQL 17, WebAssembly) persisted in a folder, served over the
 * PostgreSQL wire protocol by pglite-socket. Started as a child process by startEmbeddedPostgres().
 *
 *   node dist/scripts/pglite-server.js --data-dir .data/pglite --port 5433 [--host 127.0.0.1] [--max-connections 32]
 *
 * On SIGINT/SIGTERM it stops accepting connections and awaits db.close(), so nothing is left half-written.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { installBatchScheduler, type PgliteQueryQueue } from '../libs/runtime/src/pglite-batch-queue';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) {
    process.stderr.write(`pglite-server: --${name} is required\n`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const dataDir = path.resolve(arg('data-dir'));
  const port = Number(arg('port'));
  const host = arg('host', '127.0.0.1');
  const maxConnections = Number(arg('max-connections', '32'));
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a port number (got ${port})`);

  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  const server = new PGLiteSocketServer({ db, port, host, maxConnections });
  // Several connections share the one PGlite session: keep each extended-protocol batch together (see the module).
  const queue = (server as unknown as { queryQueue?: PgliteQueryQueue }).queryQueue;
  if (!queue || typeof queue.processQueue !== 'function') throw new Error('pglite-socket changed: its query queue is not where Kawal expects it');
  installBatchScheduler(queue);

  let closing: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = (async () => {
      try {
        await server.stop();
      } catch (err) {
        process.stderr.write(`pglite-server: stopping the socket server failed: ${(err as Error).message}\n`);
      }
      await db.close();
    })().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`pglite-server: closing PGlite after ${signal} failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));

  try {
    await server.start();
  } catch (err) {
    await db.close().catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'EADDRINUSE' ? `port ${port} is already in use` : (err as Error).message);
  }
  process.stdout.write(`PGlite ready on ${host}:${port} (data ${dataDir}, up to ${maxConnections} connections)\n`);
}

main().catch((err) => {
  process.stderr.write(`pglite-server: ${(err as Error).message}\n`);
  process.exit(1);
});
