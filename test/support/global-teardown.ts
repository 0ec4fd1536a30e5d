/**
 * Jest globalTeardown: stops the run's database server and removes its files (see global-setup.ts), then arms a
 * hang guard: if the jest process is still alive FORCE_EXIT_AFTER_MS later, something a test started (a Temporal
 * worker, a connection pool, a server) is keeping it alive; we say so and exit with jest's own exit code instead of
 * hanging until CI's timeout. KAWAL_TEST_NO_FORCE_EXIT=1 disables the guard (then use --detectOpenHandles).
 */
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

const FORCE_EXIT_AFTER_MS = 10_000;

function armHangGuard(globalConfig: { watch?: boolean; watchAll?: boolean } | undefined): void {
  if (globalConfig?.watch || globalConfig?.watchAll || process.env.KAWAL_TEST_NO_FORCE_EXIT === '1') return;
  const timer = setTimeout(() => {
    process.stderr.write(
      `\n[test-support] jest was still running ${FORCE_EXIT_AFTER_MS / 1000}s after globalTeardown: a test left ` +
        'open handles (run `npx jest --detectOpenHandles <file>`); exiting.\n',
    );
    // No argument: jest-cli sets process.exitCode (non-zero when tests failed) in its own 'exit' listener.
    process.exit();
  }, FORCE_EXIT_AFTER_MS);
  timer.unref(); // never the reason the process stays alive
}

export default async function globalTeardown(globalConfig?: { watch?: boolean; watchAll?: boolean }): Promise<void> {
  armHangGuard(globalConfig);
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
