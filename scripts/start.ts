/**
 * `npm start`: the whole of Kawal on one machine, with one command.
 *
 * Starts what is not configured externally — a Temporal dev server (unless TEMPORAL_ADDRESS), embedded PostgreSQL
 * (unless DATABASE_URL), a maildev mail catcher (unless SMTP_URL/SMTP_HOST) — applies the database migrations,
 * then runs the worker and the API as child processes, waits for GET /health and prints where everything is.
 * Ctrl-C (or SIGTERM, or any child dying) stops the API, the worker, the mail catcher, PostgreSQL and Temporal, in
 * that order, each within a time limit; a second Ctrl-C forces.
 *
 * On the embedded PostgreSQL, unless KAWAL_DEMO=false (or --no-demo), the API seeds the demo: Kota Banjarbaru, demo
 * people for every role and a running Kelurahan Bebas Maladministrasi programme (README, "The demo"). An external
 * DATABASE_URL gets it only with KAWAL_DEMO=true.
 *
 * Developer options (not needed normally):
 *   --no-demo                do not seed the demo (same as KAWAL_DEMO=false)
 *   --services-only          start Temporal, PostgreSQL and the mail catcher and apply migrations, but not the apps
 *   --api-entry FILE         run this file as the API instead of dist/apps/api/src/main.js
 *   --worker-entry FILE      run this file as the worker instead of dist/apps/worker/src/main.js
 */
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, KawalConfig, loadConfig } from '@kawal/config';
import {
  assertPortFree,
  describeExit,
  EmbeddedPostgresHandle,
  killAllChildren,
  liveChildren,
  LogFn,
  MailCatcherHandle,
  ManagedChild,
  prefixedLogger,
  projectRoot,
  spawnNodeApp,
  startEmbeddedPostgres,
  startMailCatcher,
  startTemporalDevServer,
  stopChild,
  TemporalDevServerHandle,
  waitForHttp,
} from '@kawal/runtime';
import { applyMigrations } from '../libs/database/src/migrations';

const log: LogFn = prefixedLogger('kawal');
const logError: LogFn = prefixedLogger('kawal', process.stderr);

interface Options {
  servicesOnly: boolean;
  demo: boolean;
  apiEntry?: string;
  workerEntry?: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { servicesOnly: false, demo: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--services-only') options.servicesOnly = true;
    else if (a === '--no-demo') options.demo = false;
    else if (a === '--api-entry') options.apiEntry = argv[++i];
    else if (a === '--worker-entry') options.workerEntry = argv[++i];
    else throw new ConfigError(`Unknown option ${a} (known: --no-demo, --services-only, --api-entry FILE, --worker-entry FILE)`);
  }
  return options;
}

/** dist/apps/<app>/src/main.js (Nest layout) or dist/apps/<app>/main.js. */
function appEntry(app: 'api' | 'worker', explicit?: string): string {
  if (explicit) {
    const file = path.resolve(explicit);
    if (!existsSync(file)) throw new Error(`--${app}-entry ${explicit} does not exist`);
    return file;
  }
  const root = projectRoot();
  const candidates = [path.join(root, 'dist', 'apps', app, 'src', 'main.js'), path.join(root, 'dist', 'apps', app, 'main.js')];
  const found = candidates.find((f) => existsSync(f));
  if (!found) throw new Error(`The ${app} app is not built (${path.relative(root, candidates[0])} is missing); run \`npm run build\``);
  return found;
}

function display(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** host:port/db of a connection URL, never its user or password. */
function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

function describeSmtp(config: KawalConfig): string {
  if (config.smtp.url) {
    try {
      const u = new URL(config.smtp.url);
      return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`;
    } catch {
      return 'SMTP_URL';
    }
  }
  return `${config.smtp.host}${config.smtp.port ? `:${config.smtp.port}` : ''}`;
}

function probeHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}

async function withTimeout<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)}s`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

class Stack {
  temporal?: TemporalDevServerHandle;
  postgres?: EmbeddedPostgresHandle;
  mail?: MailCatcherHandle;
  worker?: ManagedChild;
  api?: ManagedChild;
  private stopping?: Promise<void>;
  private firstSignalAt = 0;

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Stops everything in order and exits with `code`. Idempotent. */
  shutdown(code: number, reason: string): Promise<void> {
    if (this.stopping) return this.stopping;
    const anything = !!(this.api || this.worker || this.mail || this.postgres || this.temporal || liveChildren().length);
    if (anything) log(`${reason}; stopping…`);
    this.stopping = this.stopAll().then(
      () => {
        if (anything) log('stopped');
        process.exit(code);
      },
      (err) => {
        logError(`shutdown failed: ${(err as Error).message}`);
        killAllChildren();
        process.exit(code || 1);
      },
    );
    return this.stopping;
  }

  onSignal(signal: NodeJS.Signals): void {
    if (!this.stopping) {
      this.firstSignalAt = Date.now();
      void this.shutdown(0, `${signal} received`);
      return;
    }
    // npm forwards the terminal's SIGINT a moment after the terminal delivered it: that is not a second Ctrl-C.
    if (Date.now() - this.firstSignalAt < 750) return;
    logError(`${signal} again: forcing exit`);
    killAllChildren();
    process.exit(130);
  }

  /** Exits (non-zero) when a process dies that nobody asked to stop. */
  watch(child: ManagedChild, name: string): void {
    void child.exited.then((exit) => {
      if (child.stopping || this.stopping) return;
      logError(`${name} ${describeExit(exit)} unexpectedly`);
      void this.shutdown(1, `${name} is gone`);
    });
  }

  private async step(name: string, stop: () => Promise<unknown>, timeoutMs: number): Promise<void> {
    const t0 = Date.now();
    try {
      await withTimeout(`stopping ${name}`, stop(), timeoutMs);
      log(`${name} stopped (${seconds(t0)})`);
    } catch (err) {
      logError(`${(err as Error).message}`);
    }
  }

  private async stopAll(): Promise<void> {
    // stopChild SIGKILLs after its own limit; the outer limit is a backstop.
    if (this.api) await this.step('API', () => stopChild(this.api!, 15_000), 25_000);
    if (this.worker) await this.step('worker', () => stopChild(this.worker!, 30_000), 40_000);
    if (this.mail) await this.step('mail catcher', () => this.mail!.stop(), 15_000);
    if (this.postgres) await this.step('PostgreSQL', () => this.postgres!.stop(), 30_000);
    if (this.temporal) await this.step('Temporal', () => this.temporal!.stop(), 25_000);
    // Whatever was still starting when the stop began.
    for (const child of liveChildren()) await this.step(child.label, () => stopChild(child, 10_000), 20_000);
  }
}

async function checkPorts(config: KawalConfig, wants: { temporal: boolean; postgres: boolean; mail: boolean; apps: boolean }) {
  const ports: Array<{ port: number; host: string; label: string; env: string }> = [];
  if (wants.apps) ports.push({ port: config.api.port, host: config.api.host, label: 'API', env: 'API_PORT' });
  if (wants.temporal) {
    ports.push({ port: config.temporal.localPort, host: '127.0.0.1', label: 'Temporal dev server', env: 'TEMPORAL_PORT' });
    ports.push({ port: config.temporal.localUiPort, host: '127.0.0.1', label: 'Temporal UI', env: 'TEMPORAL_UI_PORT' });
  }
  if (wants.postgres) ports.push({ port: config.database.embeddedPort, host: '127.0.0.1', label: 'embedded PostgreSQL', env: 'EMBEDDED_PG_PORT' });
  if (wants.mail) {
    ports.push({ port: config.smtp.maildevSmtpPort, host: '127.0.0.1', label: 'mail catcher SMTP', env: 'MAILDEV_SMTP_PORT' });
    ports.push({ port: config.smtp.maildevWebPort, host: '127.0.0.1', label: 'mail catcher web UI', env: 'MAILDEV_WEB_PORT' });
  }
  const problems: string[] = [];
  const seen = new Map<number, string>();
  for (const p of ports) {
    const other = seen.get(p.port);
    if (other) problems.push(`${other} and ${p.env} are both ${p.port}; give each service its own port`);
    else seen.set(p.port, p.env);
  }
  for (const p of ports) {
    try {
      await assertPortFree(p.port, p.host, p.label, p.env);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length) throw new Error(problems.join('\n'));
}

async function main(): Promise<void> {
  let config: KawalConfig;
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  const stack = new Stack();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stack.onSignal(signal));

  const wants = {
    temporal: !config.temporal.address,
    postgres: !config.database.url,
    mail: !config.smtp.configured,
    apps: !options.servicesOnly,
  };
  const t0 = Date.now();
  try {
    const entries = wants.apps ? { api: appEntry('api', options.apiEntry), worker: appEntry('worker', options.workerEntry) } : undefined;
    await checkPorts(config, wants);
    mkdirSync(config.dataDir, { recursive: true });

    // Temporal, PostgreSQL and the mail catcher do not depend on each other: start them together.
    const starting: Array<Promise<void>> = [];
    if (wants.temporal) {
      starting.push(
        startTemporalDevServer({
          port: config.temporal.localPort,
          uiPort: config.temporal.localUiPort,
          dbFile: path.join(config.dataDir, 'temporal.sqlite'),
          namespace: config.temporal.namespace,
          cliPath: config.temporal.cliPath,
          log: prefixedLogger('temporal'),
        }).then((h) => {
          stack.temporal = h;
          if (h.child) stack.watch(h.child, 'Temporal dev server');
          log(`Temporal dev server ready at ${h.address} (${h.source === 'sdk-download' ? 'SDK download' : display(h.binaryPath!)}, ${seconds(t0)})`);
        }),
      );
    }
    if (wants.postgres) {
      starting.push(
        startEmbeddedPostgres({
          dataDir: path.join(config.dataDir, 'pglite'),
          port: config.database.embeddedPort,
          maxConnections: Math.max(20, config.database.poolSize * 2 + 10),
          log: prefixedLogger('postgres'),
        }).then((h) => {
          stack.postgres = h;
          stack.watch(h.child, 'embedded PostgreSQL');
          log(`embedded PostgreSQL ready on 127.0.0.1:${config.database.embeddedPort} (${seconds(t0)})`);
        }),
      );
    }
    if (wants.mail) {
      starting.push(
        startMailCatcher({
          smtpPort: config.smtp.maildevSmtpPort,
          webPort: config.smtp.maildevWebPort,
          mailDirectory: path.join(config.dataDir, 'maildev'),
          log: prefixedLogger('mail'),
        }).then((h) => {
          stack.mail = h;
          stack.watch(h.child, 'mail catcher');
          log(`mail catcher ready (${seconds(t0)})`);
        }),
      );
    }
    const results = await Promise.allSettled(starting);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length) throw new Error(failures.map((f) => (f.reason as Error).message).join('\n'));
    if (stack.isStopping) return;

    const databaseUrl = stack.postgres?.url ?? config.database.url!;
    const temporalAddress = stack.temporal?.address ?? config.temporal.address!;
    const tm = Date.now();
    const { applied } = await applyMigrations(databaseUrl, { logger: prefixedLogger('migrate') });
    log(applied.length ? `applied ${applied.length} migration(s) (${seconds(tm)})` : 'database schema is up to date');
    if (stack.isStopping) return;

    const apiUrl = `http://${probeHost(config.api.host)}:${config.api.port}`;
    if (entries) {
      const env: NodeJS.ProcessEnv = {
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: temporalAddress,
        TEMPORAL_NAMESPACE: config.temporal.namespace,
        API_HOST: config.api.host,
        API_PORT: String(config.api.port),
        KAWAL_DATA_DIR: config.dataDir,
        // The first administrator (created once, when there is none): the API logs a generated password unless one is given.
        KAWAL_ADMIN_EMAIL: config.auth.adminEmail ?? LOCAL_ADMIN_EMAIL,
        // The demo is on for npm start unless switched off (KAWAL_DEMO=false or --no-demo) or in production.
        KAWAL_DEMO: String(demoWanted(options, config)),
        ...(stack.mail ? { SMTP_URL: stack.mail.smtpUrl } : {}),
      };
      stack.worker = spawnNodeApp(entries.worker, env, 'worker');
      stack.watch(stack.worker, 'worker');
      stack.api = spawnNodeApp(entries.api, env, 'api');
      stack.watch(stack.api, 'API');
      const api = stack.api;
      await waitForHttp(`${apiUrl}/health`, {
        timeoutMs: 120_000,
        intervalMs: 500,
        abort: () => (stack.isStopping ? 'stopping' : api.exit ? `the API ${describeExit(api.exit)}` : undefined),
      });
    }
    if (stack.isStopping) return;
    printSummary(config, stack, apiUrl, databaseUrl, temporalAddress, !!entries && demoWanted(options, config), !!entries, seconds(t0));
  } catch (err) {
    if (stack.isStopping) return;
    for (const line of (err as Error).message.split('\n')) logError(line);
    await stack.shutdown(1, 'startup failed');
  }
}

/**
 * The demo is on by default only on the embedded PostgreSQL: an external database (DATABASE_URL) may hold real
 * units and people, so it gets the demo only when KAWAL_DEMO=true says so.
 */
function demoWanted(options: Options, config: KawalConfig): boolean {
  if (!options.demo || config.env === 'production') return false;
  const raw = process.env.KAWAL_DEMO?.trim();
  return raw ? config.demo : !config.database.url;
}

/** The administrator `npm start` creates when the database has none and KAWAL_ADMIN_EMAIL is not set. */
const LOCAL_ADMIN_EMAIL = 'admin@kawal.local';

function printSummary(
  config: KawalConfig,
  stack: Stack,
  apiUrl: string,
  databaseUrl: string,
  temporalAddress: string,
  demo: boolean,
  apps: boolean,
  took: string,
): void {
  const rows: Array<[string, string]> = [];
  if (apps) {
    rows.push(['API', apiUrl]);
    rows.push(['API docs', `${apiUrl}/docs`]);
    rows.push(['OpenAPI', `${apiUrl}/openapi.json`]);
    rows.push([
      'Administrator',
      `${config.auth.adminEmail ?? LOCAL_ADMIN_EMAIL} (${config.auth.adminPassword ? 'password from KAWAL_ADMIN_PASSWORD' : 'on the first start the API logs a generated password above'}; sign in: POST ${apiUrl}/auth/sign-in)`,
    ]);
  }
  if (demo) {
    rows.push(['Demo', `being seeded in the background (the API logs "demo ready"); sign in as organisasi@demo.kawal.local, lurah.loktabatutara@demo.kawal.local, ... with the password kawal-demo-2026 (README "The demo"; off: KAWAL_DEMO=false)`]);
  }
  const ns = `namespace ${config.temporal.namespace}`;
  if (stack.temporal) {
    rows.push(['Temporal', `${temporalAddress} (dev server, ${ns}, data ${display(path.join(config.dataDir, 'temporal.sqlite'))})`]);
    if (stack.temporal.uiUrl) rows.push(['Temporal UI', stack.temporal.uiUrl]);
  } else {
    rows.push(['Temporal', `${temporalAddress} (external, ${ns})`]);
  }
  if (stack.mail) {
    rows.push(['Mail UI', `${stack.mail.webUrl} (catches everything sent to ${stack.mail.smtpUrl})`]);
  } else {
    rows.push(['Mail', `${describeSmtp(config)} (external SMTP)`]);
  }
  rows.push([
    'Database',
    stack.postgres
      ? `embedded PostgreSQL (PGlite) at ${describeDatabaseUrl(databaseUrl)}, data ${display(stack.postgres.dataDir)}`
      : `external PostgreSQL at ${describeDatabaseUrl(databaseUrl)}`,
  ]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [
    '',
    `Kawal is running (${took}).`,
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  logError((err as Error).stack ?? String(err));
  killAllChildren();
  process.exit(1);
});
