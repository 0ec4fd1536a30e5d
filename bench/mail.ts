/**
 * `npm run bench -- mail --recipients N [--concurrency C] [--failure-rate P] [--outage-seconds S]`: how fast the
 * outbox sends N emails through an unreliable SMTP server, and whether any arrives twice or never.
 *
 * The REAL outbox code (activities/notification.activities.ts: `notificationActivities(prisma, mailer, domain,
 * deadAfterMs).sendNotification`, with the real `Mailer` of @kawal/mail, i.e. nodemailer) sends one reminder per
 * recipient into a real SMTP server over TCP (test/support/smtp.ts: smtp-server + mailparser, in this process), with
 * the outbox rows in a real, freshly migrated PostgreSQL database. The bench plays Temporal's part:
 *
 *  - at most C attempts run at once (as a worker's activity slots); a transient failure goes back to the queue after a
 *    backoff (100 ms, x2, at most 2 s: Temporal's retry policy, scaled down) and does not hold a slot meanwhile; a
 *    non-retryable ApplicationFailure (InvalidRecipient, NotificationDead) ends the request, as Temporal would;
 *  - the SMTP server refuses each mail transaction with a 451 with probability P, and is down (451 to everything) for
 *    S seconds once half of the emails went out;
 *  - a redelivery pass then runs a random 10% of the completed requests again: an activity retry after its completion
 *    was lost (the worker died after the send, or the completion never reached the server).
 *
 * At the receiver: duplicates = deliveries beyond the first of each Message-ID; lost = expected Message-IDs (derived
 * from the idempotency keys, as the outbox derives them) never delivered. A message counts as delivered once the 250
 * reply to its DATA was written. Prints one line:
 *
 *   mail messages=N seconds=S per_second=R duplicates=D lost=L
 *
 * seconds = wall-clock time from the first attempt to the end of the redelivery pass (the outage included);
 * per_second = N / seconds. Database: a new database on the server of DATABASE_URL when set (dropped at the end),
 * else a throwaway PostgreSQL (the real binaries, else PGlite). Temporal is not used. Everything the bench started is
 * stopped at the end, also on failure and on Ctrl-C.
 */
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ApplicationFailure } from '@temporalio/common';
import type { NotificationRequest, NotificationResult } from '@kawal/contracts';
import { loadConfig } from '@kawal/config';
import { createPrismaClient } from '@kawal/database';
import { Mailer } from '@kawal/mail';
import { DEFAULT_MAIL_DEAD_AFTER_MS, notificationActivities } from '../activities/notification.activities';
import { applyMigrations } from '../libs/database/src/migrations';
import { startSmtpReceiver } from '../test/support/smtp';
import { UsageError } from './index';
import { SignalTrap, Teardown, log, parseWholeNumberOptions, secondsSince, startBenchDatabase } from './support';

const MAIL_DOMAIN = 'bench.kawal.test';
const REDELIVERY_SHARE = 0.1;
/** Temporal's retry policy for sendNotification (5 s, x2, at most 10 min), scaled down for a bench. */
const RETRY = { initialMs: 100, coefficient: 2, maximumMs: 2_000 };
const PROGRESS_MS = 2_000;

interface MailOptions {
  recipients: number;
  concurrency: number;
  failureRate: number;
  outageSeconds: number;
}

/** `--failure-rate 0.05` or `--failure-rate 5%`; the whole-number options go to parseWholeNumberOptions. */
function parseArgs(argv: string[]): MailOptions {
  const rest: string[] = [];
  let failureRate = 0.05;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    if (flag !== '--failure-rate') {
      rest.push(argv[i]);
      continue;
    }
    const raw = inline ?? argv[++i];
    const m = raw === undefined ? null : /^(\d+(?:\.\d+)?)(%?)$/.exec(raw);
    const value = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
    if (!(value >= 0 && value <= 0.9)) throw new UsageError(`--failure-rate needs a probability from 0 to 0.9 (or 0% to 90%) (got ${raw ?? 'nothing'})`);
    failureRate = value;
  }
  return {
    recipients: 2_000,
    concurrency: 20,
    outageSeconds: 5,
    ...parseWholeNumberOptions(rest, {
      recipients: { flag: '--recipients', min: 1, max: 200_000 },
      concurrency: { flag: '--concurrency', min: 1, max: 1_000 },
      outageSeconds: { flag: '--outage-seconds', min: 0, max: 3_600 },
    }),
    failureRate,
  };
}

/** One request to the activity and how far it got. */
interface Job {
  request: NotificationRequest;
  attempt: number;
}

/**
 * The task queue of a worker with `slots` activity slots: a job is taken by a free slot when it is ready; a job
 * waiting for its retry's backoff is in a timer, not in a slot.
 */
class Queue {
  private readonly ready: Job[] = [];
  private readonly idle: Array<(job: Job | null) => void> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  push(job: Job): void {
    const slot = this.idle.shift();
    if (slot) slot(job);
    else this.ready.push(job);
  }

  later(job: Job, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.push(job);
    }, ms);
    this.timers.add(timer);
  }

  take(): Promise<Job | null> {
    const job = this.ready.shift();
    if (job) return Promise.resolve(job);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.idle.push(resolve));
  }

  close(): void {
    this.closed = true;
    this.timers.forEach((t) => clearTimeout(t));
    this.timers.clear();
    for (const slot of this.idle.splice(0)) slot(null);
  }
}

interface PassStats {
  results: Map<NotificationResult['status'] | 'dead', number>;
  attempts: number;
  transientFailures: number;
}

/**
 * Runs every request to its end as Temporal would (C at a time, transient failures retried with backoff, a
 * non-retryable failure ends it). `onDone` is told of each request that ended.
 */
async function runPass(
  requests: NotificationRequest[],
  concurrency: number,
  send: (request: NotificationRequest) => Promise<NotificationResult>,
  onDone: (request: NotificationRequest, finished: number) => void = () => undefined,
  check: () => void = () => undefined,
): Promise<PassStats> {
  const stats: PassStats = { results: new Map(), attempts: 0, transientFailures: 0 };
  if (requests.length === 0) return stats;
  const queue = new Queue();
  let finished = 0;
  let failure: Error | undefined;
  const finish = (request: NotificationRequest, outcome: NotificationResult['status'] | 'dead') => {
    stats.results.set(outcome, (stats.results.get(outcome) ?? 0) + 1);
    finished += 1;
    onDone(request, finished);
    if (finished === requests.length) queue.close();
  };
  for (const request of requests) queue.push({ request, attempt: 1 });
  const slot = async () => {
    for (;;) {
      const job = await queue.take();
      if (!job) return;
      try {
        check();
      } catch (err) {
        failure = err as Error;
        queue.close();
        return;
      }
      stats.attempts += 1;
      try {
        const result = await send(job.request);
        finish(job.request, result.status);
      } catch (err) {
        if (err instanceof ApplicationFailure && err.nonRetryable) {
          log(`${job.request.to.email}: ${err.type}: ${err.message}`);
          finish(job.request, 'dead');
          continue;
        }
        stats.transientFailures += 1;
        const backoff = Math.min(RETRY.maximumMs, RETRY.initialMs * RETRY.coefficient ** (job.attempt - 1));
        queue.later({ request: job.request, attempt: job.attempt + 1 }, backoff);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, slot));
  if (failure) throw failure;
  return stats;
}

const describeResults = (stats: PassStats) =>
  [...stats.results.entries()].map(([k, v]) => `${k}=${v}`).join(' ') + ` attempts=${stats.attempts} transient_failures=${stats.transientFailures}`;

function shuffled<T>(items: T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export async function mailBench(argv: string[]): Promise<string> {
  const options = parseArgs(argv);
  const config = loadConfig();
  const teardown = new Teardown();
  const signals = new SignalTrap(teardown);

  try {
    const tSetup = performance.now();
    const [url, smtp] = await Promise.all([startBenchDatabase(config, teardown, 'mail'), startSmtpReceiver({ failureRate: options.failureRate })]);
    teardown.add('SMTP receiver', () => smtp.close());
    const { applied } = await applyMigrations(url);
    log(`migrations: ${applied.length} applied`);
    const prisma = createPrismaClient(url, config.database.poolSize);
    teardown.add('Prisma', () => prisma.$disconnect());
    const mailer = new Mailer({ host: smtp.host, port: smtp.port, secure: false, from: `Kawal <kawal@${MAIL_DOMAIN}>` });
    teardown.add('mailer', async () => mailer.close());
    const { sendNotification } = notificationActivities(prisma, mailer, MAIL_DOMAIN, DEFAULT_MAIL_DEAD_AFTER_MS);
    log(`SMTP receiver on ${smtp.host}:${smtp.port}; setup took ${secondsSince(tSetup)}s`);
    log(
      `sending ${options.recipients} reminders, ${options.concurrency} at a time, ${(options.failureRate * 100).toFixed(1)}% refused at random, ` +
        (options.outageSeconds > 0 ? `an outage of ${options.outageSeconds}s halfway` : 'no outage'),
    );

    const run = randomBytes(4).toString('hex');
    const requests: NotificationRequest[] = Array.from({ length: options.recipients }, (_, i) => {
      const n = String(i + 1).padStart(6, '0');
      return {
        idempotencyKey: `kawal-bench/${run}/remind/${n}/lurah.${n}@banjarbarukota.go.id`,
        to: { email: `lurah.${n}@banjarbarukota.go.id`, name: `Lurah Kelurahan ${i + 1}`, locale: i % 5 === 0 ? 'en' : 'id' },
        message: {
          kind: 'reminder',
          programmeName: 'Tindak Lanjut Standar Pelayanan 2027',
          unitName: `Kelurahan ${i + 1}`,
          taskTitle: 'Unggah dokumen standar pelayanan',
          dueDate: '2027-03-17',
          timeZone: 'WITA',
          workingDaysBefore: 2,
          link: `https://${MAIL_DOMAIN}/cases/${n}/tasks/standar-pelayanan`,
        },
      };
    });
    const expected = new Set(requests.map((r) => `<${createHash('sha256').update(r.idempotencyKey).digest('hex').slice(0, 40)}@${MAIL_DOMAIN}>`));

    let outageStarted = false;
    let outage: Promise<void> = Promise.resolve();
    const startOutage = () => {
      outageStarted = true;
      smtp.setDown(true);
      log(`SMTP outage: down for ${options.outageSeconds}s`);
      outage = new Promise((resolve) =>
        setTimeout(() => {
          smtp.setDown(false);
          log('SMTP outage: back up');
          resolve();
        }, options.outageSeconds * 1000),
      );
    };
    let sent = 0;
    const progress = setInterval(() => log(`sent ${sent}/${options.recipients}, delivered ${smtp.messages.length}, refused (451) ${smtp.rejected}`), PROGRESS_MS);
    teardown.add('progress', async () => clearInterval(progress));

    const t0 = performance.now();
    const main = await runPass(
      requests,
      options.concurrency,
      sendNotification,
      (_request, finished) => {
        sent = finished;
        if (options.outageSeconds > 0 && !outageStarted && finished >= Math.floor(options.recipients / 2)) startOutage();
      },
      () => signals.check(),
    );
    log(`main pass (${secondsSince(t0)}s): ${describeResults(main)}`);
    await outage;

    // Redelivery: a random 10% of the completed requests run again, as after a lost activity completion.
    const again = shuffled(requests).slice(0, Math.ceil(options.recipients * REDELIVERY_SHARE));
    const tAgain = performance.now();
    const redelivery = await runPass(again, options.concurrency, sendNotification, undefined, () => signals.check());
    log(`redelivery pass of ${again.length} (${secondsSince(tAgain)}s): ${describeResults(redelivery)}`);
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(progress);

    // Every reply was written before its client saw it; a held reply would still show here.
    for (let i = 0; i < 50 && smtp.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 200));
    const counts = smtp.countsByMessageId();
    let duplicates = 0;
    let strays = 0;
    for (const [id, n] of counts) {
      duplicates += n - 1;
      if (!expected.has(id)) strays += n;
    }
    const lost = [...expected].filter((id) => !counts.has(id)).length;
    const rows = await prisma.notification.groupBy({ by: ['status'], _count: { _all: true } });
    log(`outbox rows: ${rows.map((r) => `${r.status}=${r._count._all}`).join(' ')}; SMTP: ${smtp.messages.length} delivered, ${smtp.rejected} refused with 451, ${smtp.dropped.length} dropped`);
    if (strays > 0) log(`warning: ${strays} delivered message(s) carry a Message-ID no request should have`);
    return `mail messages=${options.recipients} seconds=${seconds.toFixed(1)} per_second=${(options.recipients / seconds).toFixed(1)} duplicates=${duplicates} lost=${lost}`;
  } finally {
    signals.release();
    await teardown.run();
  }
}
