/**
 * Offline Prisma migrations.
 *
 * The Prisma 7 CLI cannot run here (it downloads a native schema engine first), so these functions drive
 * Prisma's official WebAssembly schema engine directly, through `@prisma/adapter-pg`. They read and write
 * the same files as the CLI (prisma/migrations/<timestamp>_<name>/migration.sql, migration_lock.toml) and
 * the engine records applied migrations in `_prisma_migrations` exactly as `prisma migrate deploy` does,
 * so the CLI and these functions can be used interchangeably on one database.
 *
 *   applyMigrations            ~ prisma migrate deploy
 *   createMigration            ~ prisma migrate dev --create-only (shadow database, nothing applied)
 *   migrationStatus            ~ prisma migrate status
 *   diffSchemaAgainstDatabase  ~ prisma migrate diff --from-config-datasource --to-schema … --script
 *
 * Every function takes the database URL explicitly; none reads the environment.
 */
import * as path from 'node:path';
import pg from 'pg';
import type { DiagnoseMigrationHistoryOutput, SchemaFilter } from '@prisma/schema-engine-wasm';
import { parsePgUrl, type PgTarget } from './adapter';
import { withSchemaEngine } from './engine';
import { defaultMigrationsDir, defaultSchemaPath, readMigrationsList, readSchema, writeMigration } from './files';

export { SchemaEngineError } from './engine';
export { projectRoot } from './files';
export { parsePgUrl } from './adapter';

export interface MigrationOptions {
  /** Default: <project root>/prisma/migrations. */
  migrationsDir?: string;
  /** Default: <project root>/prisma/schema.prisma. */
  schemaPath?: string;
  /** Receives progress lines and the engine's log. Default: silent. */
  logger?: (line: string) => void;
}

export interface MigrationStatus {
  /** Migration folders on disk, oldest first. */
  local: string[];
  /** Local migrations the database has applied. */
  applied: string[];
  /** Local migrations the database has not applied yet. */
  pending: string[];
  /** Migrations recorded in the database but missing on disk. */
  missingLocally: string[];
  /** Migrations recorded as failed (need `prisma migrate resolve`). */
  failed: string[];
  /** Applied migrations whose migration.sql changed since. */
  edited: string[];
  /** Whether `_prisma_migrations` exists. */
  hasMigrationsTable: boolean;
  /** True when every local migration is applied and nothing is failed, edited or unknown. */
  upToDate: boolean;
}

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

/** Migration names: snake_case, as the CLI's generated folder names (`<timestamp>_<name>`). */
const MIGRATION_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

export function assertMigrationName(name: string): void {
  if (!MIGRATION_NAME.test(name) || name.length > 200) {
    throw new Error(`Invalid migration name "${name}": use snake_case (lower-case letters, digits, single underscores), e.g. add_task_index`);
  }
}

function resolveOptions(opts: MigrationOptions | undefined) {
  return {
    migrationsDir: path.resolve(opts?.migrationsDir ?? defaultMigrationsDir()),
    schemaPath: path.resolve(opts?.schemaPath ?? defaultSchemaPath()),
    logger: opts?.logger,
  };
}

/** Arbitrary advisory-lock key ("Kawal" in ASCII), distinct from the one Prisma's engine may take itself. */
const MIGRATION_LOCK_KEY = '323303383404';

/** PGlite (embedded PostgreSQL behind pglite-socket) runs every connection in one backend session. */
async function isPglite(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ v: string }>('SELECT version() AS v');
  return /emscripten|wasm/i.test(rows[0]?.v ?? '');
}

async function targetIsPglite(target: PgTarget): Promise<boolean> {
  const client = new pg.Client({ connectionString: target.connectionString });
  await client.connect();
  try {
    return await isPglite(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Hold a session-level advisory lock on the database while `fn` runs, so that two processes migrating the
 * same database run one after the other (the second then finds nothing to apply). On PGlite every
 * connection shares one session, so an advisory lock excludes nothing there, and pglite-socket may serve a
 * single connection at a time: we close our probe connection and run `fn` unlocked.
 */
async function withMigrationLock<T>(target: PgTarget, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: target.connectionString });
  await client.connect();
  let locked = false;
  try {
    if (await isPglite(client)) {
      await client.end();
      log('PGlite detected: running without an advisory lock (single session)');
      return await fn();
    }
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    locked = true;
    return await fn();
  } finally {
    if (locked) {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
    await client.end().catch(() => undefined);
  }
}

/**
 * Apply every pending migration from the migrations folder, like `prisma migrate deploy`. Idempotent (a
 * second run applies nothing) and safe to call from several processes at once (advisory lock).
 */
export async function applyMigrations(databaseUrl: string, opts?: MigrationOptions): Promise<{ applied: string[] }> {
  const o = resolveOptions(opts);
  const target = parsePgUrl(databaseUrl);
  const log = o.logger ?? (() => {});
  return withMigrationLock(target, log, async () => {
    const migrationsList = await readMigrationsList(o.migrationsDir);
    log(`${migrationsList.migrationDirectories.length} migration(s) found in ${o.migrationsDir}`);
    const { appliedMigrationNames } = await withSchemaEngine(target, { schema: await readSchema(o.schemaPath), logger: o.logger }, (engine) =>
      engine.applyMigrations({ migrationsList, filters: NO_FILTER }),
    );
    for (const name of appliedMigrationNames) log(`applied ${name}`);
    if (appliedMigrationNames.length === 0) log('no pending migrations');
    return { applied: appliedMigrationNames };
  });
}

/**
 * Write the next migration, like `prisma migrate dev --create-only --name <name>`: the engine replays the
 * existing migrations on a temporary shadow database (created on the same server, dropped afterwards) and
 * diffs the result against the schema. Nothing is applied to the database. Returns the new folder, or
 * null when the schema needs no change.
 */
export async function createMigration(
  databaseUrl: string,
  name: string,
  opts?: MigrationOptions,
): Promise<{ directory: string | null }> {
  assertMigrationName(name);
  const o = resolveOptions(opts);
  const target = parsePgUrl(databaseUrl);
  const schema = await readSchema(o.schemaPath);
  const migrationsList = await readMigrationsList(o.migrationsDir);
  // PGlite answers every database name with its single database, so the "shadow" would be the main one.
  if (await targetIsPglite(target)) {
    throw new Error('createMigration needs a PostgreSQL server that can host a shadow database; PGlite has a single database');
  }
  const result = await withSchemaEngine(target, { schema, logger: o.logger }, async (engine) => {
    // Trap 4: the engine only reaches the shadow database after devDiagnostic ran on the same instance.
    // It also checks the development database against the history, as `migrate dev` does.
    const diagnostic = await engine.devDiagnostic({ migrationsList, filters: NO_FILTER });
    if (diagnostic.action.tag === 'reset') return { resetReason: diagnostic.action.reason };
    const created = await engine.createMigration({
      draft: false,
      migrationName: name,
      migrationsList,
      schema: { files: [{ path: schema[0], content: schema[1] }] },
      filters: NO_FILTER,
    });
    return { created };
  });
  if (!result.created) {
    throw new Error(`The database is out of step with the migrations folder (migrate dev would reset it): ${result.resetReason}`);
  }
  const out = result.created;
  if (out.migrationScript === null) {
    o.logger?.('no schema changes: no migration created');
    return { directory: null };
  }
  const directory = await writeMigration(o.migrationsDir, out.generatedMigrationName, out.migrationScript, out.connectorType);
  o.logger?.(`created ${path.relative(process.cwd(), path.join(directory, `migration.${out.extension}`))}`);
  return { directory };
}

/** Which local migrations are applied / pending, like `prisma migrate status`. Never uses a shadow database. */
export async function migrationStatus(databaseUrl: string, opts?: MigrationOptions): Promise<MigrationStatus> {
  const o = resolveOptions(opts);
  const target = parsePgUrl(databaseUrl);
  const migrationsList = await readMigrationsList(o.migrationsDir);
  const d: DiagnoseMigrationHistoryOutput = await withSchemaEngine(
    target,
    { schema: await readSchema(o.schemaPath), logger: o.logger },
    (engine) => engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTER }),
  );
  const local = migrationsList.migrationDirectories.map((m) => m.path);
  const h = d.history;
  const pending = h && h.diagnostic !== 'migrationsDirectoryIsBehind' ? h.unappliedMigrationNames : [];
  const missingLocally = h && h.diagnostic !== 'databaseIsBehind' ? h.unpersistedMigrationNames : [];
  return {
    local,
    applied: local.filter((m) => !pending.includes(m)),
    pending,
    missingLocally,
    failed: d.failedMigrationNames,
    edited: d.editedMigrationNames,
    hasMigrationsTable: d.hasMigrationsTable,
    upToDate: h === null && d.failedMigrationNames.length === 0 && d.editedMigrationNames.length === 0,
  };
}

/**
 * The SQL that would take the live database to prisma/schema.prisma; '' when there is no drift. Prisma's
 * own bookkeeping table `_prisma_migrations` is not part of the comparison.
 */
export async function diffSchemaAgainstDatabase(databaseUrl: string, opts?: Omit<MigrationOptions, 'migrationsDir'>): Promise<string> {
  const o = resolveOptions(opts);
  const target = parsePgUrl(databaseUrl);
  const schema = await readSchema(o.schemaPath);
  const files = [{ path: schema[0], content: schema[1] }];
  const { stdout } = await withSchemaEngine(target, { schema, logger: o.logger }, (engine) =>
    engine.diff({
      from: { tag: 'schemaDatasource', files, configDir: path.dirname(schema[0]) },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    }),
  );
  return isEmptyScript(stdout ?? '') ? '' : (stdout ?? '');
}

/** The engine answers "-- This is an empty migration." for no difference: only comments and blanks. */
function isEmptyScript(sql: string): boolean {
  return sql.split('\n').every((line) => line.trim() === '' || line.trim().startsWith('--'));
}
