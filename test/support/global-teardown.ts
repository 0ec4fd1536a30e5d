/** Jest globalTeardown: stops the run's database server and removes its files (see global-setup.ts). */
import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { globalTestState } from './postgres-server';
import { TEMPLATE_DB, quoteIdent } from './postgres';

/** On a server we did not start, drop what this run created (the template and forgotten test databases). */
async function cleanExternal(adminUrl: string, runId: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
      [`kawal\\_t\\_${runId}\\_%`, TEMPLATE_DB],
    );
    for (const { datname } of rows) {
      if (datname === TEMPLATE_DB) await admin.query(`ALTER DATABASE ${quoteIdent(datname)} IS_TEMPLATE false`);
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
}

export default async function globalTeardown(): Promise<void> {
  const state = globalTestState();
  const { server, info, infoFile, unregisterInfoFileCleanup } = state;
  state.server = undefined;
  state.info = undefined;
  state.infoFile = undefined;
  state.unregisterInfoFileCleanup = undefined;
  try {
    if (server?.engine === 'external' && info) {
      await cleanExternal(server.adminUrl, info.runId).catch((err) =>
        process.stderr.write(`[test-db] could not clean the external server: ${String(err)}\n`),
      );
    }
  } finally {
    await server?.stop();
    if (infoFile) rmSync(infoFile, { force: true });
    unregisterInfoFileCleanup?.();
  }
}
