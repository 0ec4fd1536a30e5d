/**
 * Jest globalSetup: ONE database server for the whole run (see postgres-server.ts for how it is chosen), the
 * database `kawal_template` with every migration applied, and the connection info published to test files via
 * process.env.KAWAL_TEST_DB_INFO (inherited by workers; shared with --runInBand) and a JSON file in os.tmpdir().
 * env KAWAL_TEST_DB_ENGINE=none skips all of it (for quick unit-only runs).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { applyMigrations } from '../../libs/database/src/migrations';
import { globalTestState, newRunId, registerCleanup, startTestDatabaseServer, type StartedServer } from './postgres-server';
import { TEMPLATE_DB, TEST_DB_INFO_ENV, infoFilePath, quoteIdent, withDatabase, type TestDbInfo } from './postgres';

async function prepareTemplate(server: StartedServer): Promise<{ templateDb: string; applied: string[] }> {
  if (server.engine === 'pglite') {
    // One database only: migrate it in place (checks the migrations once, early).
    const { applied } = await applyMigrations(server.adminUrl);
    return { templateDb: 'postgres', applied };
  }
  const admin = new Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    const t = quoteIdent(TEMPLATE_DB);
    // Left over by an earlier run on an external server: rebuild it so it matches this checkout's migrations.
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [TEMPLATE_DB]);
    if (exists.rowCount) {
      await admin.query(`ALTER DATABASE ${t} IS_TEMPLATE false`);
      await admin.query(`DROP DATABASE ${t} WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${t} TEMPLATE template0 ENCODING 'UTF8'`);
    const { applied } = await applyMigrations(withDatabase(server.adminUrl, TEMPLATE_DB));
    // Cloning needs the template to have no connections: close whatever a pool may have left behind.
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [TEMPLATE_DB],
    );
    await admin.query(`ALTER DATABASE ${t} IS_TEMPLATE true`);
    return { templateDb: TEMPLATE_DB, applied };
  } finally {
    await admin.end().catch(() => undefined);
  }
}

export default async function globalSetup(): Promise<void> {
  if (process.env.KAWAL_TEST_DB_ENGINE === 'none') return;
  const started = Date.now();
  const state = globalTestState();
  const server = await startTestDatabaseServer();
  state.server = server;
  try {
    const { templateDb, applied } = await prepareTemplate(server);
    const info: TestDbInfo = {
      engine: server.engine,
      adminUrl: server.adminUrl,
      templateDb,
      migrationsApplied: applied,
      runId: newRunId(),
      jestPid: process.pid,
      serverVersion: server.serverVersion,
      ...(server.controlUrl ? { controlUrl: server.controlUrl } : {}),
    };
    state.info = info;
    process.env[TEST_DB_INFO_ENV] = JSON.stringify(info);
    state.infoFile = infoFilePath(process.pid);
    const infoFile = state.infoFile;
    writeFileSync(infoFile, JSON.stringify(info, null, 2));
    state.unregisterInfoFileCleanup = registerCleanup(() => rmSync(infoFile, { force: true }));
    process.stderr.write(
      `\n[test-db] ${server.description}; ${templateDb}: ${applied.length} migration(s) applied ` +
        `(${((Date.now() - started) / 1000).toFixed(1)}s)\n`,
    );
  } catch (err) {
    await server.stop().catch(() => undefined);
    state.server = undefined;
    throw err;
  }
}
