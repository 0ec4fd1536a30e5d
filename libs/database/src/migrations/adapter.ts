/**
 * The driver adapter the WASM schema engine talks to PostgreSQL through: `@prisma/adapter-pg`, with the
 * work-arounds the migration path needs (see /work/shared/ENVIRONMENT.md, "Prisma", traps 1–3):
 *
 * 1. adapter-pg cannot map some catalog column types the engine reads while introspecting (`"char"`,
 *    OID 18): the pg client below relabels those result columns as `text` before adapter-pg sees them.
 * 2. adapter-pg's own `connectToShadowDb()` ignores the database name when given a connection string (the
 *    "shadow" is the main database) and, with discrete fields, drops the shadow while its pool still holds
 *    it open. We create a uniquely named database ourselves, close its pool, then drop it.
 * 3. adapter-pg's `executeScript()` splits on `;`, which breaks dollar-quoted plpgsql bodies. We send the
 *    script whole as one simple-protocol query, as the native engine does (PostgreSQL runs a
 *    multi-statement simple query as one implicit transaction).
 *
 * The engine expects an *error-capturing* factory (every call returns `{ ok, value | error }` instead of
 * throwing), the shape `@prisma/driver-adapter-utils`' `bindMigrationAwareSqlAdapterFactory` produces. That
 * package is only a transitive dependency here, so the few lines of binding live in this file.
 */
import { randomBytes } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';

/** Catalog scalar types adapter-pg rejects although their text form is all the engine needs. */
const CATALOG_TEXT_OIDS = new Set<number>([
  18, // "char" (pg_class.relkind, pg_constraint.contype, pg_attribute.attidentity, ...)
  19, // name (mapped by adapter-pg 7.10, kept for older adapters)
  24, // regproc
  194, // pg_node_tree
  2205, // regclass
  2206, // regtype
]);
const TEXT_OID = 25;

/** Relabel catalog columns as text in a pg result (or in each result of a multi-statement query). */
function relabelCatalogColumns<T>(result: T): T {
  for (const r of Array.isArray(result) ? result : [result]) {
    const fields = (r as { fields?: Array<{ dataTypeID: number }> } | null)?.fields;
    if (!fields) continue;
    for (const field of fields) if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  }
  return result;
}

/**
 * A pg client whose query results present catalog columns as text (trap 1). Values of those types are
 * already parsed as plain strings by pg; only the column's type id needs changing. Handles both the
 * promise form (adapter-pg inside transactions) and the callback form (pg.Pool#query).
 */
class CatalogSafeClient extends pg.Client {}
const baseQuery = pg.Client.prototype.query;
Object.defineProperty(CatalogSafeClient.prototype, 'query', {
  value: function query(this: pg.Client, ...args: unknown[]): unknown {
    const cbIndex = args.findIndex((a) => typeof a === 'function');
    if (cbIndex >= 0) {
      const cb = args[cbIndex] as (err: unknown, res: unknown) => void;
      args[cbIndex] = (err: unknown, res: unknown) => cb(err, err ? res : relabelCatalogColumns(res));
      return Reflect.apply(baseQuery, this, args);
    }
    const ret: unknown = Reflect.apply(baseQuery, this, args);
    return ret instanceof Promise ? ret.then(relabelCatalogColumns) : ret;
  },
});

/** Connection settings parsed from a `postgresql://` URL. */
export interface PgTarget {
  /** Connection string for pg, without Prisma-only query parameters (`schema`). */
  connectionString: string;
  /** The database name in the URL path. */
  database: string;
  /** Prisma's `?schema=` parameter, if any. */
  schema?: string;
}

/** Parse and validate a PostgreSQL connection URL; throws a one-line error when it is not one. */
export function parsePgUrl(databaseUrl: string): PgTarget {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error('DATABASE_URL is not a valid URL (expected postgresql://user@host:port/database)');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new Error(`DATABASE_URL must use the postgresql:// scheme, not ${url.protocol}//`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) throw new Error('DATABASE_URL must name a database in its path');
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), database, ...(schema ? { schema } : {}) };
}

/** The same server and credentials, another database. */
export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Result type of the error-capturing interface (`@prisma/driver-adapter-utils`' `Result`). */
type Result<T> = { ok: true; value: T } | { ok: false; error: Record<string, unknown> };

/** Keeps JS errors the engine cannot represent; it hands us back their ids only. */
export class ErrorRegistry {
  private readonly errors = new Map<number, unknown>();
  private nextId = 0;
  registerNewError(error: unknown): number {
    const id = this.nextId++;
    this.errors.set(id, error);
    return id;
  }
  consumeError(id: number): { error: unknown } | undefined {
    if (!this.errors.has(id)) return undefined;
    const error = this.errors.get(id);
    this.errors.delete(id);
    return { error };
  }
  /** The most recent JS error, to attach as the cause of an engine failure. */
  last(): unknown {
    return [...this.errors.values()].at(-1);
  }
}

function isDriverAdapterError(e: unknown): e is { name: 'DriverAdapterError'; cause: Record<string, unknown> } {
  return (
    typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'DriverAdapterError' &&
    typeof (e as { cause?: unknown }).cause === 'object'
  );
}

function capture<A extends unknown[], T>(registry: ErrorRegistry, fn: (...args: A) => Promise<T> | T) {
  return async (...args: A): Promise<Result<T>> => {
    try {
      return { ok: true, value: await fn(...args) };
    } catch (e) {
      if (isDriverAdapterError(e)) return { ok: false, error: e.cause };
      return { ok: false, error: { kind: 'GenericJs', id: registry.registerNewError(e) } };
    }
  };
}

function bindTransaction(registry: ErrorRegistry, tx: Transaction): Record<string, unknown> {
  const bound: Record<string, unknown> = {
    adapterName: tx.adapterName,
    provider: tx.provider,
    options: tx.options,
    queryRaw: capture(registry, (q: SqlQuery) => tx.queryRaw(q)),
    executeRaw: capture(registry, (q: SqlQuery) => tx.executeRaw(q)),
    commit: capture(registry, () => tx.commit()),
    rollback: capture(registry, () => tx.rollback()),
  };
  const { createSavepoint, rollbackToSavepoint, releaseSavepoint } = tx;
  if (createSavepoint) bound.createSavepoint = capture(registry, (n: string) => createSavepoint.call(tx, n));
  if (rollbackToSavepoint) bound.rollbackToSavepoint = capture(registry, (n: string) => rollbackToSavepoint.call(tx, n));
  if (releaseSavepoint) bound.releaseSavepoint = capture(registry, (n: string) => releaseSavepoint.call(tx, n));
  return bound;
}

function bindAdapter(registry: ErrorRegistry, adapter: SqlDriverAdapter): Record<string, unknown> {
  const bound: Record<string, unknown> = {
    adapterName: adapter.adapterName,
    provider: adapter.provider,
    errorRegistry: registry,
    queryRaw: capture(registry, (q: SqlQuery): Promise<SqlResultSet> => adapter.queryRaw(q)),
    executeRaw: capture(registry, (q: SqlQuery) => adapter.executeRaw(q)),
    executeScript: capture(registry, (script: string) => adapter.executeScript(script)),
    dispose: capture(registry, () => adapter.dispose()),
    startTransaction: async (...args: Parameters<SqlDriverAdapter['startTransaction']>) => {
      const r = await capture(registry, () => adapter.startTransaction(...args))();
      return r.ok ? { ok: true, value: bindTransaction(registry, r.value) } : r;
    },
  };
  const info = adapter.getConnectionInfo?.bind(adapter);
  if (info) {
    bound.getConnectionInfo = () => {
      try {
        return { ok: true, value: info() };
      } catch (e) {
        return { ok: false, error: { kind: 'GenericJs', id: registry.registerNewError(e) } };
      }
    };
  }
  return bound;
}

/** A unique, valid, recognisable database name for one shadow database. */
function shadowDatabaseName(): string {
  return `prisma_shadow_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
}

/**
 * The adapter factory handed to the engine, plus `close()` which disposes every connection pool it opened
 * and drops any shadow database the engine did not release (the engine does not always dispose).
 */
export class MigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@prisma/adapter-pg';
  readonly registry = new ErrorRegistry();
  private readonly open = new Set<SqlDriverAdapter>();
  private readonly shadows = new Set<string>();

  constructor(private readonly target: PgTarget, private readonly log: (line: string) => void = () => {}) {}

  private async openAdapter(connectionString: string, onDispose?: () => Promise<void>): Promise<SqlDriverAdapter> {
    const options = this.target.schema ? { schema: this.target.schema } : undefined;
    // adapter-pg ships its own (newer) @types/pg, hence the cast; at run time both are pg 8.16.
    const config = { connectionString, Client: CatalogSafeClient } as unknown as ConstructorParameters<typeof PrismaPg>[0];
    const inner = await new PrismaPg(config, options).connect();
    let disposed = false;
    const adapter: SqlDriverAdapter = {
      provider: inner.provider,
      adapterName: inner.adapterName,
      queryRaw: (q) => inner.queryRaw(q),
      executeRaw: (q) => inner.executeRaw(q),
      startTransaction: (isolation) => inner.startTransaction(isolation),
      getConnectionInfo: () => inner.getConnectionInfo(),
      // Trap 3: one query for the whole script, never split on ';'. With no parameters pg uses the
      // simple query protocol, which accepts several statements; adapter-pg still maps pg errors to the
      // DriverAdapterError the engine understands.
      executeScript: async (script: string): Promise<void> => {
        await inner.executeRaw({ sql: script, args: [], argTypes: [] });
      },
      dispose: async (): Promise<void> => {
        if (disposed) return;
        disposed = true;
        this.open.delete(adapter);
        await inner.dispose();
        await onDispose?.();
      },
    };
    this.open.add(adapter);
    return adapter;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return this.openAdapter(this.target.connectionString);
  }

  /** Trap 2: a real, uniquely named database on the same server; its pool is closed before it is dropped. */
  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = shadowDatabaseName();
    await this.admin(`CREATE DATABASE ${quoteIdent(name)}`);
    this.shadows.add(name);
    this.log(`created shadow database ${name}`);
    return this.openAdapter(withDatabase(this.target.connectionString, name), () => this.dropShadow(name));
  }

  private async dropShadow(name: string): Promise<void> {
    if (!this.shadows.delete(name)) return;
    // WITH (FORCE) (PostgreSQL 13+) ends any session the engine may still have open on it.
    await this.admin(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    this.log(`dropped shadow database ${name}`);
  }

  /** Run one statement on a short-lived connection to the main database (CREATE/DROP DATABASE). */
  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.target.connectionString });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  /** The error-capturing form the engine needs. */
  bind(): Record<string, unknown> {
    const registry = this.registry;
    return {
      adapterName: this.adapterName,
      provider: this.provider,
      errorRegistry: registry,
      connect: async () => {
        const r = await capture(registry, () => this.connect())();
        return r.ok ? { ok: true, value: bindAdapter(registry, r.value) } : r;
      },
      connectToShadowDb: async () => {
        const r = await capture(registry, () => this.connectToShadowDb())();
        return r.ok ? { ok: true, value: bindAdapter(registry, r.value) } : r;
      },
    };
  }

  /** Dispose every pool still open and drop every shadow database still there. */
  async close(): Promise<void> {
    for (const adapter of [...this.open]) await adapter.dispose().catch(() => undefined);
    for (const name of [...this.shadows]) await this.dropShadow(name);
  }
}
