/**
 * `npm run bench -- launch --units N [--batch-size N]`: how fast a programme launches N unit cases.
 *
 * Seeds N kelurahan (Kota Banjarbaru, WITA), the slice template, a coordinator, a programme and its N case rows;
 * runs a real worker in this process; starts the programme workflow and measures the wall-clock time until every
 * case workflow was started AND wrote its first state to the read model (cases.version > 0). Then reads the
 * longest workflow history (the programme's runs and every case). Prints one line:
 *
 *   launch units=N seconds=S cases_per_second=R max_history_events=E
 *
 * Services: a Temporal dev server (in memory, free port) unless TEMPORAL_ADDRESS is set; a throwaway PostgreSQL
 * (the real binaries, else PGlite) unless DATABASE_URL is set. Everything the bench started is stopped at the end;
 * on external services the bench terminates its workflows and deletes its programme (units are kept for reuse).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { caseWorkflowId, programmeWorkflowId, type ProgrammeWorkflowInput } from '@kawal/contracts';
import { KawalConfig, loadConfig, temporalConnectionOptions } from '@kawal/config';
import { createPrismaClient, type PrismaClient } from '@kawal/database';
import { localDateAt } from '@kawal/domain';
import { Mailer } from '@kawal/mail';
import { prefixedLogger, redactUrl, startTemporalDevServer } from '@kawal/runtime';
import { createActivities } from '../activities';
import { workflowCodeOptions } from '../apps/worker/src/workflow-bundle';
import { applyMigrations } from '../libs/database/src/migrations';
import { UsageError } from './index';
import { KOTA, SignalTrap, TIME_ZONE, Teardown, freePort, loadSliceTemplate, log, parseWholeNumberOptions, secondsSince, startThrowawayDatabase } from './support';
/** Kemendagri kelurahan codes are 1001..1999 within a kecamatan, so the units are spread over as many kecamatan as needed. */
const PER_KECAMATAN = 999;
const MAX_UNITS = 99 * PER_KECAMATAN;
const CHUNK = 1_000;
const POLL_MS = 500;
const PROGRESS_MS = 5_000;
/** No new case recorded for this long while the programme is still running: give up and say so. */
const STALL_MS = 180_000;
const DESCRIBE_IN_FLIGHT = 50;
/**
 * Every cached case workflow holds about 2 MB of the worker's heap (the workflow bundle's modules, zod included, are
 * instantiated per workflow). The SDK's default cache (about 2,300 workflows for a 4 GB heap) fills that heap during a
 * 10,000-unit launch: activations then exceed the 5 s isolate timeout and workflow tasks time out. Launched cases
 * wait days for their next timer, so keeping them cached buys nothing.
 */
const DEFAULT_MAX_CACHED_WORKFLOWS = 500;

interface LaunchOptions {
  units: number;
  batchSize?: number;
  /** Worker tuning (DEFAULT_MAX_CACHED_WORKFLOWS, else the SDK's defaults, when absent). */
  maxCachedWorkflows?: number;
  maxWorkflowTasks?: number;
  maxActivities?: number;
}

function parseArgs(argv: string[]): LaunchOptions {
  const options = parseWholeNumberOptions(argv, {
    units: { flag: '--units', min: 1, max: MAX_UNITS },
    batchSize: { flag: '--batch-size', min: 1, max: 10_000 },
    maxCachedWorkflows: { flag: '--max-cached-workflows', min: 2, max: 1_000_000 },
    maxWorkflowTasks: { flag: '--max-workflow-tasks', min: 2, max: 10_000 },
    maxActivities: { flag: '--max-activities', min: 1, max: 10_000 },
  });
  if (options.units === undefined) throw new UsageError('--units is required');
  return { ...options, units: options.units };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `each` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await each(items[next++]);
  });
  await Promise.all(lanes);
}

/**
 * The SDK's warnings, on stderr. The ones that repeat once per workflow task under load (a task that took over 5 s,
 * a task the server had already timed out) are printed once and then counted.
 */
class WorkerLog {
  static readonly REPEATING: Record<string, RegExp> = {
    slow_tasks: /TMPRL1104|Workflow task duration exceeded/,
    timed_out_tasks: /Task not found when completing|Workflow task not found/,
    failed_tasks: /Failing workflow task|Failed to process Workflow Activation/,
  };
  readonly counts: Record<string, number> = Object.fromEntries(Object.keys(WorkerLog.REPEATING).map((k) => [k, 0]));

  write(entry: { level: string; message: string; meta?: Record<string, unknown> }): void {
    // Errors in meta would serialise as {}; taskToken is noise.
    const replacer = (key: string, value: unknown) =>
      key === 'taskToken' ? undefined : value instanceof Error ? `${value.name}: ${value.message.split('\n')[0]}` : value;
    const line = `${entry.message}${entry.meta && Object.keys(entry.meta).length ? ` ${JSON.stringify(entry.meta, replacer)}` : ''}`;
    for (const [kind, re] of Object.entries(WorkerLog.REPEATING)) {
      if (!re.test(line)) continue;
      if (this.counts[kind]++ > 0) return;
      process.stderr.write(`[worker] ${entry.level} ${line}\n[worker] (further ${kind.replace(/_/g, ' ')} are counted, not printed)\n`);
      return;
    }
    process.stderr.write(`[worker] ${entry.level} ${line}\n`);
  }

  summary(): string {
    return Object.entries(this.counts)
      .map(([k, n]) => `${k}=${n}`)
      .join(' ');
  }
}

const workerLog = new WorkerLog();

interface Database {
  url: string;
  external: boolean;
}

async function startDatabase(config: KawalConfig, teardown: Teardown): Promise<Database> {
  if (config.database.url) {
    log(`database: DATABASE_URL (${redactUrl(config.database.url)})`);
    return { url: config.database.url, external: true };
  }
  return { url: await startThrowawayDatabase(teardown), external: false };
}

interface Temporal {
  connectionOptions: ReturnType<typeof temporalConnectionOptions>;
  external: boolean;
}

async function startTemporal(config: KawalConfig, teardown: Teardown): Promise<Temporal> {
  if (config.temporal.address) {
    log(`Temporal: TEMPORAL_ADDRESS ${config.temporal.address}, namespace ${config.temporal.namespace}`);
    return { connectionOptions: temporalConnectionOptions(config.temporal), external: true };
  }
  const t = performance.now();
  const server = await startTemporalDevServer({
    port: await freePort(),
    namespace: config.temporal.namespace,
    cliPath: config.temporal.cliPath,
    log: prefixedLogger('temporal', process.stderr),
  });
  teardown.add('Temporal dev server', () => server.stop());
  log(`Temporal: dev server (in memory) at ${server.address}, ready in ${secondsSince(t)}s`);
  return { connectionOptions: { address: server.address }, external: false };
}

function kelurahanCode(i: number): { kecamatan: string; code: string } {
  const kec = Math.floor(i / PER_KECAMATAN) + 1;
  const kecamatan = `${KOTA.code}.${String(kec).padStart(2, '0')}`;
  return { kecamatan, code: `${kecamatan}.${1001 + (i % PER_KECAMATAN)}` };
}

/**
 * Units (kota > kecamatan > N kelurahan, no unit heads, so nothing is mailed at launch), the slice template, a
 * coordinator, the programme and N case rows. Existing units, template and coordinator are reused (DATABASE_URL).
 */
async function seed(prisma: PrismaClient, config: KawalConfig, units: number): Promise<{ programmeId: string }> {
  const definition = loadSliceTemplate(config);
  await prisma.template.createMany({
    data: [{ key: definition.key, version: definition.version, name: definition.name.id, definition: definition as never, checksum: 'bench', publishedAt: new Date() }],
    skipDuplicates: true,
  });
  const template = await prisma.template.findUniqueOrThrow({ where: { key_version: { key: definition.key, version: definition.version } } });

  await prisma.unit.createMany({ data: [{ code: KOTA.code, name: KOTA.name, kind: 'KOTA', timeZone: TIME_ZONE }], skipDuplicates: true });
  const kota = await prisma.unit.findUniqueOrThrow({ where: { code: KOTA.code } });
  const kecCodes = [...new Set(Array.from({ length: units }, (_, i) => kelurahanCode(i).kecamatan))];
  await prisma.unit.createMany({
    data: kecCodes.map((code, k) => ({ code, name: `Kecamatan ${k + 1}`, kind: 'KECAMATAN' as const, parentId: kota.id, timeZone: TIME_ZONE })),
    skipDuplicates: true,
  });
  const kecIds = new Map((await prisma.unit.findMany({ where: { code: { in: kecCodes } }, select: { id: true, code: true } })).map((u) => [u.code, u.id]));

  const coordinator = await prisma.person.upsert({
    where: { email: 'organisasi@banjarbarukota.go.id' },
    create: { email: 'organisasi@banjarbarukota.go.id', name: 'Bagian Organisasi', roles: { create: [{ role: 'COORDINATOR', unitId: kota.id }] } },
    update: {},
  });

  const programmeId = randomUUID();
  await prisma.programme.create({
    data: {
      id: programmeId,
      name: `Bench peluncuran ${units} kelurahan`,
      templateId: template.id,
      coordinatorId: coordinator.id,
      startDate: new Date(`${localDateAt(Date.now(), TIME_ZONE)}T00:00:00Z`),
      workflowId: programmeWorkflowId(programmeId),
    },
  });

  let withHeads = 0;
  for (let from = 0; from < units; from += CHUNK) {
    const chunk = Array.from({ length: Math.min(CHUNK, units - from) }, (_, j) => from + j);
    const rows = chunk.map((i) => ({ i, ...kelurahanCode(i) }));
    await prisma.unit.createMany({
      data: rows.map((r) => ({ code: r.code, name: `Kelurahan ${r.i + 1}`, kind: 'KELURAHAN' as const, parentId: kecIds.get(r.kecamatan)!, timeZone: TIME_ZONE })),
      skipDuplicates: true,
    });
    const stored = await prisma.unit.findMany({
      where: { code: { in: rows.map((r) => r.code) } },
      select: { id: true, code: true, _count: { select: { roles: { where: { role: 'UNIT_HEAD' } } } } },
    });
    withHeads += stored.filter((u) => u._count.roles > 0).length;
    await prisma.case.createMany({ data: stored.map((u) => ({ programmeId, unitId: u.id, workflowId: caseWorkflowId(programmeId, u.code) })) });
  }
  if (withHeads > 0) log(`warning: ${withHeads} reused unit(s) have unit heads; their cases will try to send email (to nowhere)`);
  return { programmeId };
}

/** Longest history among the programme's runs (it may have continued as new) and every case (describe()). */
async function maxHistoryEvents(client: Client, programmeId: string, caseWorkflowIds: string[]): Promise<number> {
  let max = 0;
  const programmeRuns: Array<string | undefined> = [];
  try {
    for await (const run of client.workflow.list({ query: `WorkflowId = "${programmeWorkflowId(programmeId)}"` })) programmeRuns.push(run.runId);
  } catch (err) {
    log(`listing the programme's runs failed (${(err as Error).message}); describing its latest run only`);
  }
  if (programmeRuns.length === 0) programmeRuns.push(undefined);
  for (const runId of programmeRuns) {
    const d = await client.workflow.getHandle(programmeWorkflowId(programmeId), runId).describe();
    max = Math.max(max, d.historyLength);
  }
  log(`programme workflow: ${programmeRuns.length} run(s), longest history ${max} events`);
  // Visibility records of running workflows are not updated on every event, so list() would under-report: describe each.
  let caseMax = 0;
  await pool(caseWorkflowIds, DESCRIBE_IN_FLIGHT, async (id) => {
    const d = await client.workflow.getHandle(id).describe();
    caseMax = Math.max(caseMax, d.historyLength);
  });
  log(`case workflows: ${caseWorkflowIds.length} described, longest history ${caseMax} events`);
  return Math.max(max, caseMax);
}

export async function launchBench(argv: string[]): Promise<string> {
  const options = parseArgs(argv);
  const config = loadConfig();
  const teardown = new Teardown();
  const signals = new SignalTrap(teardown);

  try {
    // Before any connection exists: the SDK's logs go to stderr, and signals are ours (worker shutdown is in teardown).
    Runtime.install({
      logger: new DefaultLogger('WARN', (entry) => workerLog.write(entry)),
      // Core's own logs would go to stdout, which is reserved for the result line.
      telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
      shutdownSignals: [],
    });

    const tSetup = performance.now();
    const [temporal, database] = await Promise.all([startTemporal(config, teardown), startDatabase(config, teardown)]);
    const { applied } = await applyMigrations(database.url);
    log(`migrations: ${applied.length} applied`);

    const prisma = createPrismaClient(database.url, config.database.poolSize);
    teardown.add('Prisma (activities)', () => prisma.$disconnect());
    // A connection of its own, so polling never queues behind the activities' queries.
    const poll = createPrismaClient(database.url, 1);
    teardown.add('Prisma (poll)', () => poll.$disconnect());

    const tSeed = performance.now();
    const { programmeId } = await seed(prisma, config, options.units);
    log(`seeded ${options.units} units and cases in ${secondsSince(tSeed)}s (programme ${programmeId})`);
    const caseIds = (await poll.case.findMany({ where: { programmeId }, select: { workflowId: true } })).map((c) => c.workflowId);
    if (database.external) teardown.add('bench programme rows', () => prisma.programme.delete({ where: { id: programmeId } }), 120_000);

    const connection = await Connection.connect(temporal.connectionOptions);
    teardown.add('Temporal client connection', () => connection.close());
    const client = new Client({ connection, namespace: config.temporal.namespace });
    if (temporal.external) {
      // Leave nothing running on a shared server: its timers would fire long after this database is gone.
      teardown.add(
        'bench workflows',
        async () => {
          let terminated = 0;
          await pool([programmeWorkflowId(programmeId), ...caseIds], DESCRIBE_IN_FLIGHT, async (id) => {
            try {
              await client.workflow.getHandle(id).terminate('bench finished');
              terminated++;
            } catch (err) {
              if (!(err instanceof WorkflowNotFoundError)) throw err;
            }
          });
          log(`terminated ${terminated} bench workflow(s)`);
        },
        600_000,
      );
    }

    const mailer = new Mailer({ host: '127.0.0.1', port: await freePort(), from: config.smtp.from });
    teardown.add('mailer', async () => mailer.close());
    const nativeConnection = await NativeConnection.connect(temporal.connectionOptions);
    teardown.add('worker connection', () => nativeConnection.close());
    // Its own task queue: on a shared server no other worker picks these workflows up.
    const taskQueue = `kawal-bench-${programmeId.slice(0, 8)}`;
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: config.temporal.namespace,
      taskQueue,
      ...workflowCodeOptions(),
      activities: createActivities({ prisma, mailer, client, taskQueue, publicBaseUrl: config.api.publicBaseUrl }),
      shutdownGraceTime: '10 seconds',
      maxCachedWorkflows: options.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
      ...(options.maxWorkflowTasks !== undefined ? { maxConcurrentWorkflowTaskExecutions: options.maxWorkflowTasks } : {}),
      ...(options.maxActivities !== undefined ? { maxConcurrentActivityTaskExecutions: options.maxActivities } : {}),
    });
    const wo = worker.options;
    const slots = (s: { type: string; numSlots?: number }) => (s.type === 'fixed-size' ? String(s.numSlots) : s.type);
    log(
      `worker: maxCachedWorkflows=${wo.maxCachedWorkflows} workflow task slots=${slots(wo.tuner.workflowTaskSlotSupplier as never)} ` +
        `activity slots=${slots(wo.tuner.activityTaskSlotSupplier as never)} workflowThreadPoolSize=${wo.workflowThreadPoolSize} database pool=${config.database.poolSize}`,
    );
    const running = worker.run();
    let workerError: Error | undefined;
    running.catch((err: Error) => {
      workerError = err;
    });
    teardown.add(
      'worker',
      async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
      },
      60_000,
    );
    log(`worker running on task queue ${taskQueue}; setup took ${secondsSince(tSetup)}s`);

    // ---- the measured part ----
    const input: ProgrammeWorkflowInput = { programmeId, caseCount: options.units, ...(options.batchSize ? { batchSize: options.batchSize } : {}) };
    const t0 = performance.now();
    const programme = await client.workflow.start('programmeWorkflow', { taskQueue, workflowId: programmeWorkflowId(programmeId), args: [input] });
    let recorded = 0;
    let lastChange = performance.now();
    let lastProgress = performance.now();
    while (recorded < options.units) {
      signals.check();
      if (workerError) throw new Error(`the worker stopped: ${workerError.message}`);
      await sleep(POLL_MS);
      const now = await poll.case.count({ where: { programmeId, version: { gt: 0 } } });
      if (now !== recorded) lastChange = performance.now();
      recorded = now;
      if (recorded >= options.units) break;
      if (performance.now() - lastProgress >= PROGRESS_MS) {
        lastProgress = performance.now();
        const launched = await poll.case.count({ where: { programmeId, launchedAt: { not: null } } });
        const { status } = await programme.describe();
        const ws = worker.getStatus();
        const rss = Math.round(process.memoryUsage().rss / 2 ** 20);
        log(
          `${secondsSince(t0)}s: ${launched}/${options.units} launched, ${recorded} recorded (programme ${status.name}; ` +
            `worker: ${ws.numCachedWorkflows} cached, ${ws.numInFlightActivities} activities in flight, rss ${rss} MiB, ${workerLog.summary()})`,
        );
        if (status.name !== 'RUNNING') throw new Error(`the programme workflow is ${status.name} with ${recorded}/${options.units} cases recorded`);
      }
      if (performance.now() - lastChange > STALL_MS) {
        throw new Error(`no case recorded its state for ${STALL_MS / 1000}s (${recorded}/${options.units} recorded); see the [worker] lines above`);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    log(`all ${options.units} cases launched and recorded in ${seconds.toFixed(1)}s (${workerLog.summary()})`);
    // ---- end of the measured part ----

    const tHist = performance.now();
    const maxEvents = await maxHistoryEvents(client, programmeId, caseIds);
    log(`history lengths read in ${secondsSince(tHist)}s`);

    return `launch units=${options.units} seconds=${seconds.toFixed(1)} cases_per_second=${(options.units / seconds).toFixed(1)} max_history_events=${maxEvents}`;
  } finally {
    if (!signals.interrupted) {
      const t = performance.now();
      await teardown.run();
      log(`stopped everything in ${secondsSince(t)}s`);
    }
    signals.release();
  }
}
