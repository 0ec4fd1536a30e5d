/**
 * What the benches share: the log, the Kota Banjarbaru seed constants, option parsing, a teardown that stops what a
 * bench started, Ctrl-C handling, a throwaway database and the slice template.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import YAML from 'yaml';
import type { KawalConfig } from '@kawal/config';
import type { TemplateDefinition } from '@kawal/domain';
import { parseTemplate } from '@kawal/templates';
import { LogFn, prefixedLogger, redactUrl, startEmbeddedPostgres } from '@kawal/runtime';
import { findPostgresBinDir, startPostgresFromBinaries } from '../test/support/postgres-server';
import { freePort } from '../test/support/ports';
import { UsageError } from './index';

export { freePort };

export const log: LogFn = prefixedLogger('bench', process.stderr);

export const KOTA = { code: '63.72', name: 'Kota Banjarbaru' };
export const TIME_ZONE = 'Asia/Makassar' as const; // Kalimantan Selatan: WITA

export const secondsSince = (t: number) => ((performance.now() - t) / 1000).toFixed(1);

/**
 * `--flag N` or `--flag=N` options, each a whole number within its bounds, keyed as in `flags`; a UsageError for a
 * value out of bounds and for any option not in `flags`.
 */
export function parseWholeNumberOptions<K extends string>(argv: string[], flags: Record<K, { flag: string; min: number; max: number }>): Partial<Record<K, number>> {
  const options: Partial<Record<K, number>> = {};
  const specs = Object.entries(flags) as Array<[K, { flag: string; min: number; max: number }]>;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    const found = specs.find(([, spec]) => spec.flag === flag);
    if (!found) throw new UsageError(`unknown option ${argv[i]}`);
    const [key, { min, max }] = found;
    const raw = inline ?? argv[++i];
    const n = Number(raw);
    if (raw === undefined || !/^\d+$/.test(raw) || n < min || n > max) throw new UsageError(`${flag} needs a whole number from ${min} to ${max} (got ${raw ?? 'nothing'})`);
    options[key] = n;
  }
  return options;
}

/** Cleanups run last-in first-out, each awaited and bounded; failures are reported, not thrown. */
export class Teardown {
  private readonly steps: Array<{ name: string; run: () => Promise<unknown>; timeoutMs: number }> = [];
  private running?: Promise<void>;

  add(name: string, run: () => Promise<unknown>, timeoutMs = 30_000): void {
    this.steps.push({ name, run, timeoutMs });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            step.run(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`did not finish within ${step.timeoutMs / 1000}s`)), step.timeoutMs);
            }),
          ]);
        } catch (err) {
          log(`stopping ${step.name} failed: ${(err as Error).message}`);
        } finally {
          if (timer) clearTimeout(timer);
        }
      }
    })();
    return this.running;
  }
}

export const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Ctrl-C (and SIGTERM, SIGHUP) while a bench runs: the first signal runs the teardown and exits with 130, a second
 * exits at once without cleaning up. `interrupted` names the signal once one came; release() stops listening.
 */
export class SignalTrap {
  interrupted: string | undefined;

  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.interrupted) {
      log(`${signal} again: exiting without cleaning up`);
      process.exit(130);
    }
    this.interrupted = signal;
    log(`${signal} received; stopping…`);
    void this.teardown.run().finally(() => process.exit(130));
  };

  constructor(private readonly teardown: Teardown) {
    for (const s of SIGNALS) process.on(s, this.onSignal);
  }

  /** Throws "interrupted by SIGNAL" once a signal came. */
  check(): void {
    if (this.interrupted) throw new Error(`interrupted by ${this.interrupted}`);
  }

  release(): void {
    for (const s of SIGNALS) process.removeListener(s, this.onSignal);
  }
}

/**
 * A throwaway database server, stopped at teardown: PostgreSQL from its binaries, else (none found, or it does not
 * start) PGlite. `onPostgres` turns the PostgreSQL server's admin URL into the URL to use; when it fails, PGlite is
 * used too. Returns the URL.
 */
export async function startThrowawayDatabase(teardown: Teardown, onPostgres: (adminUrl: string) => Promise<string> = async (url) => url): Promise<string> {
  const binDir = findPostgresBinDir();
  if (binDir) {
    try {
      const server = await startPostgresFromBinaries(binDir);
      teardown.add('PostgreSQL', () => server.stop());
      log(`database: throwaway ${server.description}`);
      return await onPostgres(server.adminUrl);
    } catch (err) {
      log(`PostgreSQL from ${binDir} did not start, falling back to PGlite: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kawal-bench-pglite-'));
  teardown.add('PGlite data', async () => rmSync(dataDir, { recursive: true, force: true }));
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), log: prefixedLogger('postgres', process.stderr), maxConnections: 40 });
  teardown.add('PGlite', () => server.stop());
  log(`database: throwaway PGlite in ${dataDir} (no PostgreSQL binaries; PGlite runs one query at a time, so expect lower figures)`);
  return server.url;
}

/** The slice template (templates/kawal-slice.v1.yaml), parsed and validated. */
export const loadSliceTemplate = (config: KawalConfig): TemplateDefinition =>
  parseTemplate(YAML.parse(readFileSync(path.join(config.templatesDir, 'kawal-slice.v1.yaml'), 'utf8')));

const withDatabase = (url: string, database: string): string => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A new database on `serverUrl`'s server, dropped at teardown. */
async function createDatabase(serverUrl: string, teardown: Teardown, purpose: string): Promise<string> {
  const name = `kawal_bench_${purpose}_${randomBytes(4).toString('hex')}`;
  try {
    await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  } catch (err) {
    throw new Error(`could not create the bench database ${name} on ${redactUrl(serverUrl)} (the user needs CREATEDB): ${(err as Error).message}`);
  }
  teardown.add(`database ${name}`, () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`), 60_000);
  return withDatabase(serverUrl, name);
}

/** A fresh, empty database for a bench: on DATABASE_URL's server, else on a throwaway PostgreSQL, else in PGlite. */
export async function startBenchDatabase(base: KawalConfig, teardown: Teardown, purpose: string): Promise<string> {
  if (base.database.url) {
    const url = await createDatabase(base.database.url, teardown, purpose);
    log(`database: ${redactUrl(url)} (new, on the server of DATABASE_URL)`);
    return url;
  }
  return startThrowawayDatabase(teardown, (adminUrl) => createDatabase(adminUrl, teardown, purpose));
}
