/**
 * The committed migrations (prisma/migrations) against prisma/schema.prisma, through the offline WASM schema
 * engine: an empty database migrated from scratch must match the schema exactly (no drift), re-applying must
 * be a no-op, and creating a migration from the unchanged schema must produce nothing.
 */
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import {
  applyMigrations,
  assertMigrationName,
  createMigration,
  diffSchemaAgainstDatabase,
  migrationStatus,
  projectRoot,
} from '../../libs/database/src/migrations';
import { createTestDatabase, testDbInfo, type TestDatabase } from '../support/postgres';

const migrationsDir = path.join(projectRoot(), 'prisma', 'migrations');
// PGlite (the fallback test server when no PostgreSQL binaries exist) has one database only: no shadow database,
// no second test database. Those two tests are then not registered at all; CI always has PostgreSQL 15.
const realPostgres = testDbInfo().engine !== 'pglite';
const onRealPostgres = (name: string, fn: () => Promise<void>) => {
  if (realPostgres) it(name, fn);
};

async function localMigrations(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

async function query<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('prisma migrations (offline schema engine)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('has a PostgreSQL lock file and at least the init migration', async () => {
    expect(await readFile(path.join(migrationsDir, 'migration_lock.toml'), 'utf8')).toMatch(/^provider = "postgresql"$/m);
    const local = await localMigrations(migrationsDir);
    expect(local[0]).toMatch(/^\d{14}_init$/);
    for (const name of local) expect(name).toMatch(/^\d{14}_[a-z0-9_]+$/);
  });

  it('applies every migration to an empty database and records them as the CLI does', async () => {
    const { applied } = await applyMigrations(db.url);
    expect(applied).toEqual(await localMigrations(migrationsDir));

    const rows = await query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      db.url,
      'SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(applied);
    for (const r of rows) {
      expect(r.finished_at).not.toBeNull();
      expect(r.rolled_back_at).toBeNull();
    }
    const status = await migrationStatus(db.url);
    expect(status).toMatchObject({ pending: [], failed: [], edited: [], upToDate: true, hasMigrationsTable: true });
  });

  it('leaves no drift between the migrated database and prisma/schema.prisma', async () => {
    expect(await diffSchemaAgainstDatabase(db.url)).toBe('');
  });

  it('re-applying is a no-op', async () => {
    expect(await applyMigrations(db.url)).toEqual({ applied: [] });
    const [row] = await query<{ n: string }>(db.url, 'SELECT count(*) AS n FROM _prisma_migrations');
    expect(Number(row?.n)).toBe((await localMigrations(migrationsDir)).length);
  });

  onRealPostgres('creating a migration from the unchanged schema yields nothing and drops its shadow database', async () => {
    // A copy of the folder, so that a failure here can never write into the real prisma/migrations.
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'kawal-migrations-'));
    try {
      await cp(migrationsDir, tmp, { recursive: true });
      expect(await createMigration(db.url, 'no_change', { migrationsDir: tmp })).toEqual({ directory: null });
      expect(await localMigrations(tmp)).toEqual(await localMigrations(migrationsDir));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    const shadows = await query(db.url, "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_shadow_%'");
    expect(shadows).toEqual([]);
  });

  onRealPostgres('serialises concurrent deploys: one applies everything, the others nothing', async () => {
    const other = await createTestDatabase({ migrated: false });
    try {
      const results = await Promise.all([1, 2, 3].map(() => applyMigrations(other.url)));
      const applied = results.map((r) => r.applied).sort((a, b) => b.length - a.length);
      expect(applied[0]).toEqual(await localMigrations(migrationsDir));
      expect(applied.slice(1)).toEqual([[], []]);
    } finally {
      await other.drop();
    }
  });

  it('accepts only snake_case migration names', async () => {
    expect(() => assertMigrationName('add_task_index')).not.toThrow();
    for (const bad of ['AddIndex', 'add-index', 'add__index', '_x', '1_init', '', 'x_']) {
      expect(() => assertMigrationName(bad)).toThrow(/snake_case/);
    }
    await expect(createMigration(db.url, 'Bad Name')).rejects.toThrow(/snake_case/);
  });
});
