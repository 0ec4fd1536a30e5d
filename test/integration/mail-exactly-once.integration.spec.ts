import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { ParsedMail } from 'mailparser';
import { createActivities } from '@kawal/activities';
import { ProgrammeWorkflowInput, caseWorkflowId, programmeActionRequestUpdate, programmeWorkflowId } from '@kawal/contracts';
import { PrismaClient, createPrismaClient } from '@kawal/database';
import { localDateAt } from '@kawal/domain';
import { Mailer } from '@kawal/mail';
import { TestDatabase, createTestDatabase } from '../support/postgres';
import { seedProgramme } from '../support/seed';
import { SmtpReceiver, startSmtpReceiver } from '../support/smtp';
import { createLocalDevEnv, uniqueTaskQueue } from '../support/temporal';
import { workflowBundle } from '../support/workflow-worker';
import { WorkerProcess, startWorkerProcess } from '../support/worker-process';
import { waitUntil } from '../support/eventually';

/**
 * "Never twice, never lost" for email, with every real part: the Temporal dev server (real time), PostgreSQL, an SMTP
 * server over TCP, the real workflows and the real outbox activity. Work that emails a known set of people: a
 * programme for a few kelurahan, then the coordinator's `remind` action, which makes every case email its unit head a
 * reminder per open task (2 tasks per unit in the slice template; a case sends its emails one after the other).
 *
 * The outage test and the slow-server test run the worker in this process. The crash tests run the real worker
 * (apps/worker's WorkerModule, configured through the environment) as separate OS processes
 * (test/support/worker-process.ts) and SIGKILL them. Those children lift the working-hours gate, so reminders go out
 * on whatever day and hour the test runs.
 *
 * Retry timing is the workflow's own (sendNotification: initialInterval 5 s, backoff x2, startToCloseTimeout 2 min,
 * no heartbeat). What follows for these tests:
 *  - An SMTP outage costs 5 s, 15 s, 35 s... per email. The outage test keeps the server down ~7 s (two refusals).
 *  - A killed worker's attempt is retried only once Temporal times it out. That is startToCloseTimeout, 2 minutes,
 *    because the activity does not heartbeat. To stay well under CI's budget, the crash tests shorten the timeout of
 *    the running attempts right after the kill, with Temporal's operator API (UpdateActivityOptions, which is what
 *    `temporal activity update-options` calls). Nothing else about the retry changes.
 *  - The dead worker's cached workflows would also wait 10 s for their sticky queue (the SDK's default
 *    schedule-to-start). The tests clear it with ResetStickyTaskQueue, as a graceful shutdown would.
 *  - In production, a crash mid-send costs 2 min + 5 s (+ 10 s) before the email goes out.
 *
 * What "delivered" means at the receiver (test/support/smtp.ts): the 250 reply to DATA was written to a connection
 * that was still open. A message whose sender died before that reply is not delivered (`dropped`): the sender cannot
 * know it was accepted, and sends it again.
 */
/** How long one attempt holds an email in these tests (production: 3 minutes); above the longest reply the tests hold. */
const SEND_LEASE_MS = 12_000;

describe('email exactly once through an SMTP outage and a worker crash (dev server, PostgreSQL, SMTP over TCP)', () => {
  let env: TestWorkflowEnvironment;
  const workers: WorkerProcess[] = [];
  /** The workflow bundle, built once here and run by every worker (in this process and in the children). */
  let bundleDir: string;
  let bundleFile: string;

  beforeAll(async () => {
    let bundle: { code: string };
    [env, bundle] = await Promise.all([createLocalDevEnv(), workflowBundle()]);
    bundleDir = mkdtempSync(path.join(os.tmpdir(), 'kawal-mail-bundle-'));
    bundleFile = path.join(bundleDir, 'workflow-bundle.js');
    writeFileSync(bundleFile, bundle.code);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop(5_000)));
    await env?.teardown();
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  });

  const COORDINATOR = 'organisasi@banjarbarukota.go.id';
  const MAIL_DOMAIN = 'kawal.test';

  /** One database, one SMTP receiver and one task queue per test: counts are never mixed up. */
  interface Stage {
    db: TestDatabase;
    prisma: PrismaClient;
    smtp: SmtpReceiver;
    taskQueue: string;
    programmeId: string;
    unitCodes: string[];
    /** Starts the programme (one case per kelurahan) and waits until every case runs. */
    launch(): Promise<WorkflowHandle>;
    close(): Promise<void>;
  }
  const stages: Stage[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop(5_000)));
    await Promise.all(stages.splice(0).map((s) => s.close()));
  });

  async function stage(kelurahan: number, name: string): Promise<Stage> {
    const [db, smtp] = await Promise.all([createTestDatabase(), startSmtpReceiver()]);
    const prisma = createPrismaClient(db.url, 5);
    const programmeId = randomUUID();
    const { units } = await seedProgramme(prisma, { programmeId, startDate: localDateAt(Date.now(), 'Asia/Makassar'), kelurahan });
    const s: Stage = {
      db,
      prisma,
      smtp,
      taskQueue: uniqueTaskQueue(name),
      programmeId,
      unitCodes: units.map((u) => u.code),
      async launch() {
        const input: ProgrammeWorkflowInput = { programmeId, caseCount: kelurahan, batchSize: kelurahan };
        const handle = await env.client.workflow.start('programmeWorkflow', { taskQueue: s.taskQueue, workflowId: programmeWorkflowId(programmeId), args: [input] });
        await eventually(async () => (await prisma.case.count({ where: { programmeId, version: { gt: 0 } } })) === kelurahan, `${kelurahan} cases launched`);
        // Whatever the launch itself emails (e.g. the coordinator's notice) goes out first; the tests count the
        // reminders only.
        let quietSince = Date.now();
        let seen = -1;
        await eventually(async () => {
          const n = await prisma.notification.count();
          const unsent = await prisma.notification.count({ where: { status: { in: ['PENDING', 'FAILED'] } } });
          if (n !== seen || unsent > 0) [seen, quietSince] = [n, Date.now()];
          return Date.now() - quietSince >= 1_000;
        }, 'the launch emails to go out');
        smtp.clear();
        return handle;
      },
      async close() {
        await prisma.$disconnect();
        await smtp.close();
        await db.drop();
      },
    };
    stages.push(s);
    return s;
  }

  /** The worker in this test process (real workflows and activities), for tests that do not kill it. */
  async function inProcessWorker(s: Stage): Promise<{ stop(): Promise<void> }> {
    const mailer = new Mailer({ host: s.smtp.host, port: s.smtp.port, secure: false, from: 'Kawal <kawal@kawal.test>' });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: s.taskQueue,
      workflowBundle: await workflowBundle(),
      // No working hours or digest here (created without `delivery`); a short claim so a blocked retry soon tries again.
      activities: createActivities({ prisma: s.prisma, mailer, client: env.client, taskQueue: s.taskQueue, publicBaseUrl: `https://${MAIL_DOMAIN}`, mailSendLeaseMs: SEND_LEASE_MS }),
    });
    const running = worker.run();
    return {
      async stop() {
        worker.shutdown();
        await running;
        mailer.close();
      },
    };
  }

  /** The real worker (apps/worker's WorkerModule) as its own OS process, configured through the environment. */
  async function workerProcess(s: Stage, label: string): Promise<WorkerProcess> {
    const output: string[] = [];
    const w = startWorkerProcess(
      {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: s.db.url,
        DATABASE_POOL_SIZE: '5',
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: env.namespace ?? 'default',
        TEMPORAL_TASK_QUEUE: s.taskQueue,
        SMTP_URL: `smtp://${s.smtp.host}:${s.smtp.port}`,
        MAIL_FROM: 'Kawal <kawal@kawal.test>',
        PUBLIC_BASE_URL: `https://${MAIL_DOMAIN}`,
        // Reminders go out at once on any day and hour the test runs (see test/support/worker-process.ts).
        MAIL_WORKING_HOURS: 'any',
        MAIL_DIGEST_THRESHOLD: '1000',
        MAIL_SEND_LEASE_SECONDS: String(SEND_LEASE_MS / 1000),
        KAWAL_TEST_WORKFLOW_BUNDLE: bundleFile,
      },
      label,
      // KAWAL_TEST_WORKER_LOG=1 shows the worker's own output.
      { log: (line) => (process.env.KAWAL_TEST_WORKER_LOG === '1' ? process.stderr.write(`[${label}] ${line}\n`) : output.push(line)) },
    );
    workers.push(w);
    await w.ready.catch((err: Error) => {
      throw new Error(`${err.message}\n${output.join('\n')}`);
    });
    return w;
  }

  async function remind(programme: WorkflowHandle, unitCodes?: string[]): Promise<void> {
    await programme.executeUpdate(programmeActionRequestUpdate, { args: [{ kind: 'remind', by: COORDINATOR, reason: 'Uji pengiriman email', ...(unitCodes ? { unitCodes } : {}) }] });
  }

  /**
   * Shortens the start-to-close timeout of the sendNotification attempts running in these cases (Temporal's
   * UpdateActivityOptions): a dead worker's attempt then times out now instead of after 2 minutes, and Temporal
   * retries it with the workflow's own backoff. Cases with no email in flight are skipped.
   */
  async function shortenRunningSends(client: Client, workflowIds: string[], timeout: Duration): Promise<number> {
    let updated = 0;
    for (const workflowId of workflowIds) {
      try {
        await client.workflowService.updateActivityOptions({
          namespace: env.namespace ?? 'default',
          execution: { workflowId },
          type: 'sendNotification',
          activityOptions: { startToCloseTimeout: msToTs(timeout) },
          updateMask: { paths: ['start_to_close_timeout'] },
          identity: 'mail-exactly-once test',
        });
        updated += 1;
      } catch (err) {
        if (!/not found|no pending|NOT_FOUND/i.test((err as Error).message)) throw err;
      }
    }
    return updated;
  }

  /**
   * What a worker's graceful shutdown tells the server and a SIGKILL cannot: its cached workflows' next tasks must
   * not wait on its sticky queue (10 s, the SDK's sticky schedule-to-start timeout, before the server gives up on it)
   * but go to the task queue the new worker polls (ResetStickyTaskQueue, per workflow).
   */
  async function forgetStickyQueues(client: Client, workflowIds: string[]): Promise<void> {
    for (const workflowId of workflowIds) {
      await client.workflowService.resetStickyTaskQueue({ namespace: env.namespace ?? 'default', execution: { workflowId } });
    }
  }

  const expectedMessageId = (idempotencyKey: string) => `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}@${MAIL_DOMAIN}>`;
  const header = (mail: ParsedMail, name: string) => String(mail.headers.get(name) ?? '');

  /**
   * How often each reminder was delivered, by Message-ID: the messages that carry the id of a reminder row
   * (X-Kawal-Notification). Anything else the programme may email meanwhile (e.g. a weekly summary) is left out.
   */
  async function reminderDeliveries(s: Stage): Promise<{ counts: Map<string, number>; messages: Array<{ mail: ParsedMail; to: string[] }> }> {
    const ids = new Set((await reminderRows(s)).map((r) => r.id));
    const messages = s.smtp.messages.map((mail, i) => ({ mail, to: s.smtp.envelopes[i].to })).filter(({ mail }) => ids.has(header(mail, 'x-kawal-notification')));
    const counts = new Map<string, number>();
    for (const { mail } of messages) counts.set(mail.messageId!, (counts.get(mail.messageId!) ?? 0) + 1);
    return { counts, messages };
  }

  /**
   * Every reminder row was delivered exactly once, as itself: one message carrying its id (X-Kawal-Notification), its
   * stable Message-ID (derived from the idempotency key), to its recipient (SMTP envelope), with its subject. And no
   * Message-ID arrived twice, reminder or not. Returns the rows.
   */
  async function expectEachRowDeliveredOnce(s: Stage, expectedRows: number) {
    const rows = await reminderRows(s);
    expect(rows).toHaveLength(expectedRows);
    expect([...s.smtp.countsByMessageId().entries()].filter(([, n]) => n > 1)).toEqual([]);
    const { counts, messages } = await reminderDeliveries(s);
    expect(messages).toHaveLength(expectedRows);
    expect(counts.size).toBe(expectedRows);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'SENT', lastError: null, messageId: expectedMessageId(row.idempotencyKey) });
      const copies = messages.filter(({ mail }) => header(mail, 'x-kawal-notification') === row.id);
      expect(copies).toHaveLength(1);
      expect(copies[0].mail.messageId).toBe(row.messageId);
      expect(copies[0].to).toEqual([row.recipient]);
      expect(copies[0].mail.subject).toBe(row.subject);
    }
    // By recipient and kind too: each unit head got one reminder per task, never the same one twice.
    expect(new Set(messages.map(({ mail, to }) => `${to.join(',')} ${mail.subject}`)).size).toBe(expectedRows);
    expect(rows.every((r) => r.kind === 'reminder')).toBe(true);
    return rows;
  }

  /** The outbox rows of the `remind` action (idempotency key <case workflow>/remind/<action>/<task>/<email>). */
  const reminderRows = (s: Stage) => s.prisma.notification.findMany({ where: { idempotencyKey: { contains: '/remind/' } }, orderBy: { createdAt: 'asc' } });

  /** Waits until `rows` reminder rows are SENT and `delivered` reminders arrived, then a little longer for strays. */
  async function settle(s: Stage, rows: number, delivered = rows, timeoutMs = 45_000): Promise<void> {
    await eventually(async () => {
      const all = await reminderRows(s);
      return all.length === rows && all.every((r) => r.status === 'SENT');
    }, `${rows} reminder rows SENT`, timeoutMs);
    await eventually(async () => (await reminderDeliveries(s)).messages.length >= delivered, `${delivered} reminders delivered`, 5_000);
    await new Promise((r) => setTimeout(r, 1_500)); // a duplicate would arrive now
  }

  it('SMTP down for a while and then back up: every message arrives exactly once', async () => {
    const s = await stage(3, 'mail-outage');
    const worker = await inProcessWorker(s);
    try {
      const programme = await s.launch();
      s.smtp.setDown(true);
      await remind(programme);
      // Each case's first reminder is refused (451); Temporal retries it 5 s later, refused again, then 15 s after
      // the first try the server is back. The second reminder of each case waits behind the first.
      await eventually(async () => s.smtp.rejected >= 3, 'the first three attempts refused');
      await eventually(async () => (await reminderRows(s)).filter((r) => r.status === 'FAILED').length === 3, 'three FAILED rows');
      // The retries come back while the server is still down: wait for them rather than for a fixed time.
      await eventually(async () => s.smtp.rejected >= 6, 'each first reminder refused twice');
      expect((await reminderDeliveries(s)).messages).toHaveLength(0);
      s.smtp.setDown(false);

      await settle(s, 6);
      expect(s.smtp.rejected).toBeGreaterThanOrEqual(6);
      const rows = await expectEachRowDeliveredOnce(s, 6);
      expect(rows.filter((r) => r.attempts > 1).length).toBeGreaterThanOrEqual(3);
      expect(rows.some((r) => r.status === 'DEAD')).toBe(false);
      // Each lurah: two reminders, one per task (lurah2 reads English).
      for (const i of [1, 2, 3]) expect(rows.filter((r) => r.recipient === `lurah${i}@banjarbarukota.go.id`)).toHaveLength(2);
      expect((await reminderDeliveries(s)).messages.filter(({ mail }) => mail.subject?.startsWith('[Kawal] Reminder:'))).toHaveLength(2);
    } finally {
      await worker.stop();
    }
  });

  /*
   * What the kill test covers, and the windows that remain (the KNOWN DUPLICATE test pins the one that remains):
   *
   * - Covered: the worker dies while the message is in flight (the server holds its reply to DATA), so the server never
   *   said 250 and the message is not delivered; the row is still PENDING; Temporal retries the attempt on the new
   *   worker, which sends it once. Each email of the case after it goes out once too.
   * - Window 1, not covered by the kill test: the server accepted the message (250) and the worker died before it
   *   wrote the SENT row. The row still says "not sent", so the retry sends the message again: a duplicate, with the
   *   same Message-ID. This window is as short as one PostgreSQL round trip, and the first KNOWN DUPLICATE test hits it
   *   deterministically (SIGSTOP just before the 250). SMTP has no idempotent submission, so no code in the activity
   *   can close it. Not re-sending would lose the email whenever the 250 never came. The stable Message-ID lets a mail
   *   client that de-duplicates by Message-ID show the email once.
   * - Window 2, closed: an attempt still sending when Temporal times it out runs next to its retry. The activity now
   *   claims the row before sending (claimed_until, MAIL_SEND_LEASE_SECONDS, above the Mailer's bounded timeouts);
   *   a retry that finds a live claim fails retryably and finds the row SENT later. The slow-server test shows it.
   */
  it('The worker is killed in the middle of sending: every message arrives exactly once', async () => {
    const s = await stage(3, 'mail-kill');
    const worker = await workerProcess(s, 'worker-1');
    const programme = await s.launch();

    // The server holds its reply to DATA: the emails are in flight when the worker dies.
    s.smtp.setHoldReply(2_000);
    const inFlight = new Promise<void>((resolve) => {
      const off = s.smtp.onReceived(() => {
        off();
        process.kill(worker.pid, 'SIGKILL');
        resolve();
      });
    });
    await remind(programme);
    await inFlight;
    expect(await worker.exited).toMatchObject({ signal: 'SIGKILL' });
    const caseIds = s.unitCodes.map((code) => caseWorkflowId(s.programmeId, code));
    const pendingBefore = await reminderRows(s);
    expect(pendingBefore.every((r) => r.status === 'PENDING' && r.attempts === 0)).toBe(true); // died before writing anything back

    s.smtp.setHoldReply(0);
    await forgetStickyQueues(env.client, [...caseIds, programmeWorkflowId(s.programmeId)]);
    const [shortened] = await Promise.all([shortenRunningSends(env.client, caseIds, '3s'), workerProcess(s, 'worker-2')]);
    expect(shortened).toBeGreaterThanOrEqual(1);

    await settle(s, 6, 6, 60_000);
    // The messages the server had received in full when the worker died were never acknowledged: not delivered, and
    // delivered once afterwards by the retry.
    expect(s.smtp.dropped.length).toBeGreaterThanOrEqual(1);
    const { counts } = await reminderDeliveries(s);
    for (const m of s.smtp.dropped) expect(counts.get(m.messageId!)).toBe(1);
    await expectEachRowDeliveredOnce(s, 6);
    // The first email of a case whose attempt died was sent by attempt 2 (the retry after the kill).
    const retried = await completedSendAttempts(env.client, caseIds);
    expect(retried.some((attempt) => attempt >= 2)).toBe(true);
  });

  it('KNOWN DUPLICATE: the worker dies after the server accepted a message and before the SENT row, and the retry sends it again', async () => {
    const s = await stage(1, 'mail-window');
    const worker = await workerProcess(s, 'worker-1');
    const programme = await s.launch();

    // Freeze the worker (SIGSTOP) just before the server writes its 250, then kill it: the message is delivered, and
    // the worker never runs a line of code after it, so the row cannot become SENT. Deterministic.
    const accepted = new Promise<string>((resolve) => {
      const off = s.smtp.onBeforeAccept((event) => {
        off();
        const pid = worker.pid;
        process.kill(pid, 'SIGSTOP');
        setImmediate(() => process.kill(pid, 'SIGKILL'));
        resolve(event.mail.messageId!);
      });
    });
    await remind(programme);
    const messageId = await accepted;
    expect(await worker.exited).toMatchObject({ signal: 'SIGKILL' });
    expect((await reminderDeliveries(s)).counts.get(messageId)).toBe(1); // delivered
    expect(await reminderRows(s)).toMatchObject([{ status: 'PENDING', attempts: 0 }]); // and not recorded

    const caseId = caseWorkflowId(s.programmeId, s.unitCodes[0]);
    await forgetStickyQueues(env.client, [caseId, programmeWorkflowId(s.programmeId)]);
    const [shortened] = await Promise.all([shortenRunningSends(env.client, [caseId], '3s'), workerProcess(s, 'worker-2')]);
    expect(shortened).toBe(1);
    await settle(s, 2, 3, 60_000);

    // The outbox's promise ends where SMTP's does: the first reminder arrived twice, with the same Message-ID (a mail
    // client that de-duplicates by Message-ID shows it once); the second once. If this starts failing with a single
    // copy, the window was closed: turn this into an exactly-once assertion.
    const { counts } = await reminderDeliveries(s);
    expect(counts.get(messageId)).toBe(2);
    expect([...counts.values()].sort()).toEqual([1, 2]);
    const rows = await reminderRows(s);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.status === 'SENT')).toBe(true);
  });

  it('an attempt that outlives its start-to-close timeout (slow SMTP server) keeps its retry from sending a second copy', async () => {
    const s = await stage(1, 'mail-slow');
    const worker = await inProcessWorker(s);
    try {
      const programme = await s.launch();
      // The server takes 9 s to answer DATA (RFC 5321 lets a client wait 10 minutes for it; nodemailer waits up to
      // its 10-minute socket timeout). Temporal times the attempt out (here after 1 s; in production after 2 min) and
      // retries it 5 s later while the first attempt still waits for its 250: nothing in the outbox row stops the retry.
      s.smtp.setHoldReply(9_000);
      const caseId = caseWorkflowId(s.programmeId, s.unitCodes[0]);
      const firstArrived = new Promise<string>((resolve) => {
        const off = s.smtp.onReceived((event) => {
          off();
          resolve(event.mail.messageId!);
        });
      });
      await remind(programme, [s.unitCodes[0]]);
      const messageId = await firstArrived;
      expect(await shortenRunningSends(env.client, [caseId], '1s')).toBe(1);
      await settle(s, 2, 2, 60_000);
      s.smtp.setHoldReply(0);

      // The retry found the email claimed by the first attempt (still waiting for its 250), failed retryably, and
      // found it SENT on a later attempt: one copy.
      const { counts } = await reminderDeliveries(s);
      expect(counts.get(messageId)).toBe(1);
      expect([...counts.values()].sort()).toEqual([1, 1]);
      expect((await reminderRows(s)).every((r) => r.status === 'SENT')).toBe(true);
    } finally {
      await worker.stop();
    }
  });
});

/** The attempt number of every completed sendNotification in these workflows' histories. */
async function completedSendAttempts(client: Client, workflowIds: string[]): Promise<number[]> {
  const attempts: number[] = [];
  for (const workflowId of workflowIds) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const sends = new Set<string>();
    const started = new Map<string, number>();
    for (const e of history.events ?? []) {
      const scheduled = e.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name === 'sendNotification') sends.add(String(e.eventId));
      if (e.activityTaskStartedEventAttributes) started.set(String(e.eventId), e.activityTaskStartedEventAttributes.attempt ?? 1);
      const completed = e.activityTaskCompletedEventAttributes;
      if (completed && sends.has(String(completed.scheduledEventId))) attempts.push(started.get(String(completed.startedEventId)) ?? 0);
    }
  }
  return attempts;
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 45_000): Promise<void> {
  await waitUntil(check, what, timeoutMs);
}
