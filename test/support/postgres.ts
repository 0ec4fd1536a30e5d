/**
 * Test databases for Kawal's tests.
 *
 * Jest's globalSetup (test/support/global-setup.ts) starts ONE throwaway PostgreSQL server for the whole run
 * (see postgres-server.ts), creates the database `kawal_template` and applies every migration to it. Test files
 * then ask for their own database:
 *
 *   const db = await createTestDatabase();                      // migrated: a clone of kawal_template
 *   const empty = await createTestDatabase({ migrated: false }); // an empty database
 *   ...
 *   await db.drop();
 *
 * A migrated database is `CREATE DATABASE x TEMPLATE kawal_template` (a file-level copy: milliseconds, no
 * migration run per test).
 *
 * Engines (published by globalSetup in KAWAL_TEST_DB_INFO, see TestDbInfo):
 *  - 'postgres': a real PostgreSQL (15 here) started from its binaries, one database per call.
 *  - 'external': TEST_DATABASE_URL was set; same behaviour as 'postgres' on that server (its user must be allowed
 *    to CREATE DATABASE).
 *  - 'pglite': fallback when no PostgreSQL binaries are found (PGlite 0.4 = PostgreSQL 17 in WebAssembly, served
 *    over TCP by pglite-socket inside the jest process). LIMITATION: PGlite has exactly ONE database and serialises
 *    all queries. Every createTestDatabase() call returns that same database after resetting it through an HTTP
 *    endpoint of the jest process (all user schemas dropped, `public` recreated) and, for migrated=true,
 *    re-applying the migrations there (about a second, not milliseconds). Only one test database may be live at a
 *    time per test file (drop() the previous one first, otherwise this throws), and test files must not run in
 *    parallel (`npm test` uses --runInBand). Separate schemas per test are not an option: Prisma migrations
 *    hard-code the `public` schema. Force this engine with KAWAL_TEST_DB_ENGINE=pglite.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

export type TestDbEngine = 'postgres' | 'pglite' | 'external';

/** What globalSetup publishes (env KAWAL_TEST_DB_INFO as JSON, and the file infoFilePath(jestPid)). */
export interface TestDbInfo {
  engine: TestDbEngine;
  /** A superuser connection to the maintenance database (`postgres`), used to create and drop databases. */
  adminUrl: string;
  /** The migrated template database (`kawal_template`; on PGlite the single database `postgres`). */
  templateDb: string;
  /** Migrations applied to the template by globalSetup. */
  migrationsApplied: string[];
  /** Random id of this jest run; every database created by createTestDatabase carries it in its name. */
  runId: string;
  /** pid of the jest process that ran globalSetup. */
  jestPid: number;
  /** e.g. "PostgreSQL 15.x"; informational. */
  serverVersion: string;
  /** PGlite only: HTTP endpoint (in the jest process) that resets the single database, see postgres-server.ts. */
  controlUrl?: string;
}

export const TEST_DB_INFO_ENV = 'KAWAL_TEST_DB_INFO';
export const TEMPLATE_DB = 'kawal_template';

/** Fallback channel when process.env does not reach a test (e.g. a custom runner): one JSON file per jest pid. */
export function infoFilePath(jestPid: number): string {
  return path.join(os.tmpdir(), `kawal-test-db-${jestPid}.json`);
}

/** The connection info published by globalSetup; throws with a hint when it is missing. */
export function testDbInfo(): TestDbInfo {
  const fromEnv = process.env[TEST_DB_INFO_ENV];
  if (fromEnv) return JSON.parse(fromEnv) as TestDbInfo;
  // With --runInBand the tests run in the jest process itself; in a worker the jest process is the parent.
  for (const pid of [process.pid, process.ppid]) {
    const file = infoFilePath(pid);
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as TestDbInfo;
  }
  throw new Error(
    'No test database server: test/support/global-setup.ts did not run (run the tests through jest.config.js, ' +
      'e.g. `npm test` or `npx jest <file>`), or KAWAL_TEST_DB_ENGINE=none was set.',
  );
}

/** `url` with its database name replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface TestDatabase {
  /** Connection string for this database (postgresql://postgres@127.0.0.1:PORT/NAME). */
  url: string;
  name: string;
  /** Drops the database (terminating its connections). Idempotent. No-op on PGlite. */
  drop(): Promise<void>;
}

let counter = 0;
let pgliteLive = 0;

async function withAdmin<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A fresh database with a unique name. migrated=true (default): a clone of kawal_template, i.e. every migration
 * applied; migrated=false: an empty database (for testing migrations themselves). See the module comment for PGlite.
 */
export async function createTestDatabase(opts: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = opts.migrated ?? true;
  const info = testDbInfo();
  if (info.engine === 'pglite') return pgliteDatabase(info, migrated);

  counter += 1;
  const name = `kawal_t_${info.runId}_${process.pid}_${counter}_${randomBytes(2).toString('hex')}`;
  const source = migrated ? info.templateDb : 'template0';
  await withAdmin(info.adminUrl, async (admin) => {
    // CREATE DATABASE ... TEMPLATE fails (55006) while anyone else is connected to the template, including a
    // concurrent CREATE DATABASE from the same template in another jest worker: retry for a while.
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(source)}`);
        return;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== '55006' || Date.now() > deadline) throw err;
        await sleep(50 + Math.random() * 100);
      }
    }
  });
  let dropped = false;
  return {
    name,
    url: withDatabase(info.adminUrl, name),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin(info.adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
    },
  };
}

/** SQL that empties a database: every non-system schema dropped, `public` recreated. */
export const RESET_DATABASE_SQL = `
DO $$
DECLARE s text;
BEGIN
  FOR s IN SELECT nspname FROM pg_namespace
           WHERE nspname NOT IN ('information_schema') AND nspname NOT LIKE 'pg\\_%'
  LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP;
  CREATE SCHEMA public;
END
$$;`;

async function pgliteDatabase(info: TestDbInfo, migrated: boolean): Promise<TestDatabase> {
  if (pgliteLive > 0) {
    throw new Error(
      'PGlite fallback: there is only one database; drop() the previous test database of this file before ' +
        'creating another (or install PostgreSQL so that each test gets its own).',
    );
  }
  if (!info.controlUrl) throw new Error('PGlite test server without a control endpoint (global-setup.ts too old?)');
  pgliteLive += 1;
  try {
    await postJson(`${info.controlUrl}/reset`, { migrated });
  } catch (err) {
    pgliteLive -= 1;
    throw err;
  }
  let dropped = false;
  return {
    name: info.templateDb,
    url: info.adminUrl,
    async drop() {
      if (dropped) return;
      dropped = true;
      pgliteLive -= 1;
    },
  };
}

function postJson(url: string, body: unknown): Promise<void> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false, // no keep-alive socket left behind
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`PGlite reset failed (${res.statusCode}): ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
