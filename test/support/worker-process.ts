/**
 * The real Kawal worker (apps/worker's WorkerModule: Nest, Prisma, the mailer, the Temporal worker with every workflow
 * and activity) as a separate OS process, for tests that must kill it for real (SIGKILL: no shutdown hook, no
 * finally, sockets cut by the kernel). Started from the TypeScript sources, configured by the environment exactly
 * as apps/worker/src/main.ts is (loadConfig):
 *
 *   const worker = startWorkerProcess({ DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, SMTP_URL, ... });
 *   await worker.ready;            // the Temporal worker is polling
 *   process.kill(worker.pid, 'SIGKILL');
 *   await worker.exited;
 *
 * Run as a script (the child side), this file boots the module and prints READY_LINE once the worker runs.
 *
 * The email delivery rules come from the environment like the rest (MAIL_WORKING_HOURS=any makes email go out at
 * any hour, whatever day the test runs).
 * KAWAL_TEST_WORKFLOW_BUNDLE=<file> runs the workflow bundle in that file (see test/support/workflow-worker.ts) instead
 * of bundling the workflow sources again at start.
 */
import * as path from 'node:path';
import { type ChildExit, type ManagedChild, describeExit, spawnNodeApp, stopChild } from '../../libs/runtime/src/child';

const READY_LINE = 'kawal-test-worker: ready';

export interface WorkerProcess {
  readonly child: ManagedChild;
  readonly pid: number;
  /** Resolves once the worker polls its task queue; rejects if the process exits first or after 60 s. */
  readonly ready: Promise<void>;
  readonly exited: Promise<ChildExit>;
  /** SIGTERM (graceful), then SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<ChildExit>;
}

/** Spawns `node --require register-ts.js worker-process.ts` with `env` over the parent's environment. */
export function startWorkerProcess(env: Record<string, string>, label = 'worker', opts: { log?: (line: string) => void } = {}): WorkerProcess {
  let markReady!: () => void;
  const child = spawnNodeApp(__filename, env, label, {
    nodeArgs: ['--require', path.join(__dirname, 'register-ts.js')],
    log: (line) => {
      if (line.includes(READY_LINE)) markReady();
      opts.log?.(line);
    },
    detached: false,
  });
  if (child.pid === undefined) throw new Error(`${label}: could not start node`);
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} not ready within 60 s:\n${child.output.tail().join('\n')}`)), 60_000);
    markReady = () => {
      clearTimeout(timer);
      resolve();
    };
    void child.exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`${label} ${describeExit(exit)} before it was ready:\n${child.output.tail().join('\n')}`));
    });
  });
  ready.catch(() => undefined); // observed by the caller; never an unhandled rejection
  return { child, pid: child.pid, ready, exited: child.exited, stop: (timeoutMs = 10_000) => stopChild(child, timeoutMs) };
}

async function main(): Promise<void> {
  // Die with the test process (it may be killed itself): no orphan keeps polling the task queue.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(1);
  }, 500).unref();

  if (process.env.KAWAL_TEST_WORKFLOW_BUNDLE) {
    // The workflow bundle the test process already built from the same sources (webpack takes a second or two).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bundle = require('../../apps/worker/src/workflow-bundle') as { workflowCodeOptions: () => object };
    const codePath = process.env.KAWAL_TEST_WORKFLOW_BUNDLE;
    bundle.workflowCodeOptions = () => ({ workflowBundle: { codePath } });
  }

  const { DefaultLogger, Runtime } = await import('@temporalio/worker');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const { NestFactory } = await import('@nestjs/core');
  const { loadConfig, nestLogLevels } = await import('@kawal/config');
  const { WorkerModule } = await import('../../apps/worker/src/worker.module');
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: nestLogLevels(config.logLevel) });
  app.enableShutdownHooks();
  process.stdout.write(`${READY_LINE} pid=${process.pid}\n`);
}

if (require.main === module) {
  require('reflect-metadata');
  main().catch((err: Error) => {
    console.error(`test worker failed to start: ${err.stack ?? err.message}`);
    process.exit(1);
  });
}
