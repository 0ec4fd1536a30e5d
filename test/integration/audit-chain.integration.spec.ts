/**
 * The audit chain the database builds (migration add_auth_evidence_versions_and_audit_chain), against a real
 * PostgreSQL: existing events are chained when the migration runs, concurrent writers of one chain never fork it,
 * a writer cannot choose its own position or hash, and AuditService.verify finds a changed event.
 */
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { createPrismaClient } from '@kawal/database';
import { applyMigrations, projectRoot } from '../../libs/database/src/migrations';
import { AuditService } from '../../apps/api/src/audit/audit.service';
import { createTestDatabase, testDbInfo, type TestDatabase } from '../support/postgres';

const CHAIN_MIGRATION = '20261122143003_add_auth_evidence_versions_and_audit_chain';
const realPostgres = testDbInfo().engine !== 'pglite';

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('audit chain in PostgreSQL', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('chains the events that existed before the migration, per case / programme / directory, in time order', async () => {
    // Migrate up to the migration before the chain, write events the old way, then apply the rest.
    const all = (await readdir(path.join(projectRoot(), 'prisma', 'migrations'), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    const before = all.slice(0, all.indexOf(CHAIN_MIGRATION));
    expect(before.length).toBeGreaterThan(0);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kawal-migrations-'));
    try {
      await cp(path.join(projectRoot(), 'prisma', 'migrations', 'migration_lock.toml'), path.join(dir, 'migration_lock.toml'));
      for (const name of before) await cp(path.join(projectRoot(), 'prisma', 'migrations', name), path.join(dir, name), { recursive: true });
      await applyMigrations(db.url, { migrationsDir: dir });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const programmeId = '11111111-1111-4111-8111-111111111111';
    await withClient(db.url, async (c) => {
      await c.query(`INSERT INTO audit_events (actor, action, reason, at) VALUES ('admin@kawal.test', 'unit.created', NULL, '2026-01-02T00:00:00Z')`);
      await c.query(`INSERT INTO audit_events (actor, action, programme_id, after, at) VALUES ('clock', 'programme.launched', $1, '{"units": 3}', '2026-01-03T00:00:00Z')`, [programmeId]);
      // Written out of time order: the backfill orders by time.
      await c.query(`INSERT INTO audit_events (actor, action, at) VALUES ('admin@kawal.test', 'person.created', '2026-01-01T00:00:00Z')`);
    });

    const { applied } = await applyMigrations(db.url);
    expect(applied).toContain(CHAIN_MIGRATION);
    const rows = await withClient(db.url, async (c) => (await c.query(`SELECT chain, seq, action, prev_hash, hash FROM audit_events ORDER BY chain, seq`)).rows);
    expect(rows.map((r) => [r.chain, r.seq, r.action])).toEqual([
      ['admin', 1, 'person.created'],
      ['admin', 2, 'unit.created'],
      [`programme:${programmeId}`, 1, 'programme.launched'],
    ]);
    expect(rows[0].prev_hash).toBeNull();
    expect(rows[1].prev_hash).toBe(rows[0].hash);

    const prisma = createPrismaClient(db.url, 2);
    try {
      const audit = new AuditService(prisma as never);
      expect(await audit.verify('admin')).toMatchObject({ valid: true, length: 2, headHash: rows[1].hash });
      // New events continue the backfilled chain.
      await audit.record({ actor: 'admin@kawal.test', action: 'unit.updated', before: { name: 'Lama' }, after: { name: 'Baru' } });
      expect(await audit.verify('admin')).toMatchObject({ valid: true, length: 3 });
    } finally {
      await prisma.$disconnect();
    }
  });

  it('never forks a chain under concurrent writers, and ignores a position or hash the writer made up', async () => {
    const caseless = 'programme:22222222-2222-4222-8222-222222222222';
    const writers = realPostgres ? 8 : 1;
    const perWriter = 25;
    await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        withClient(db.url, async (c) => {
          for (let i = 0; i < perWriter; i++) {
            await c.query('BEGIN');
            await c.query(`INSERT INTO audit_events (actor, action, programme_id, after) VALUES ($1, 'task.reminded', $2, $3)`, [`writer${w}`, caseless.slice('programme:'.length), JSON.stringify({ i })]);
            await c.query('COMMIT');
          }
        }),
      ),
    );
    await withClient(db.url, (c) => c.query(`INSERT INTO audit_events (actor, action, programme_id, chain, seq, prev_hash, hash) VALUES ('mallory', 'forged', $1, $2, 999, 'x', 'y')`, [caseless.slice('programme:'.length), caseless]));

    const seqs = await withClient(db.url, async (c) => (await c.query(`SELECT seq, actor, hash FROM audit_events WHERE chain = $1 ORDER BY seq`, [caseless])).rows);
    expect(seqs.map((r) => r.seq)).toEqual(Array.from({ length: writers * perWriter + 1 }, (_, i) => i + 1));
    expect(seqs[seqs.length - 1]).toMatchObject({ actor: 'mallory' });
    expect(seqs[seqs.length - 1].hash).toMatch(/^[0-9a-f]{64}$/);

    const prisma = createPrismaClient(db.url, 2);
    try {
      const audit = new AuditService(prisma as never);
      expect(await audit.verify(caseless)).toMatchObject({ valid: true, length: writers * perWriter + 1 });
      // A changed reason on one event, with the guard switched off by someone holding the database: found.
      await withClient(db.url, async (c) => {
        await c.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
        await c.query(`UPDATE audit_events SET after = '{"i": 99}' WHERE chain = $1 AND seq = 7`, [caseless]);
        await c.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
      });
      expect(await audit.verify(caseless)).toMatchObject({ valid: false, brokenAt: 7 });
      // Recomputing that one hash to hide the change breaks the link to the next event instead.
      await withClient(db.url, async (c) => {
        await c.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
        await c.query(
          `UPDATE audit_events SET hash = kawal_audit_hash(prev_hash, chain, seq, programme_id, case_id, actor, action, reason, before, after, at, idempotency_key) WHERE chain = $1 AND seq = 7`,
          [caseless],
        );
        await c.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
      });
      expect(await audit.verify(caseless)).toMatchObject({ valid: false, brokenAt: 8 });
    } finally {
      await prisma.$disconnect();
    }
  });
});
