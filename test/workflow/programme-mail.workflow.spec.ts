import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import {
  NotificationRequest,
  PendingProgrammeAction,
  ProgrammeActivities,
  ProgrammeProgress,
  ProgrammeStatus,
  ProgrammeWorkflowInput,
  Recipient,
  isoWeekKey,
  isoWeekRange,
  programmeActionRequestUpdate,
  programmeProgressQuery,
  programmeWorkflowId,
  unitsJoinedUpdate,
} from '@kawal/contracts';
import { IndonesianTimeZone, addCalendarDays, dayOfWeek, localDateAt, localTimeToInstant, zoneAbbreviation } from '@kawal/domain';
import { renderMessage } from '@kawal/mail';
import { firstSummaryAt } from '../../workflows/programme.workflow';
import { createTimeSkippingEnv, uniqueTaskQueue } from '../support/temporal';
import { createTestWorker, recordHistoryIfAsked } from '../support/workflow-worker';
import { waitUntil } from '../support/eventually';

/**
 * The programme workflow's emails to its coordinator, on the time-skipping server: the launched notice once the
 * launch is done, a summary every Monday at 07:30 local for the week that ended, nothing while suspended or after
 * closing, across continue-as-new, and never in the way of the launch or an action. The activities are routed to a
 * fake programme per test (as in engine.workflow.spec.ts); the NotificationRequests the workflow sends are asserted
 * here, and the real read model, outbox and SMTP in test/integration/programme-mail.integration.spec.ts.
 */

const COORDINATOR: Recipient = { email: 'organisasi@banjarbarukota.go.id', name: 'Bagian Organisasi', locale: 'id' };
const BY = { by: COORDINATOR.email };

interface Sent {
  request: NotificationRequest;
  /** Server (time-skipped) time the send was scheduled: when the workflow decided to send. */
  at: number;
}

/** One programme's world: its units, what the workflow launched, applied, recorded, prepared and sent. */
class FakeProgramme {
  readonly programmeId = randomUUID();
  readonly workflowId = programmeWorkflowId(this.programmeId);
  total: number;
  launched = 0;
  readonly launchBatches: { at: number; launchedAfter: number }[] = [];
  readonly actions: { at: number; action: PendingProgrammeAction }[] = [];
  readonly statuses: ProgrammeStatus[] = [];
  readonly prepared: { kind: string; weekKey?: string; at: number }[] = [];
  readonly sendAttempts: Sent[] = [];
  readonly sent: Sent[] = [];
  /** Set to hold sendNotification until released (an SMTP server that hangs). */
  gate?: Promise<void>;
  /** The coordinator's address is refused by the SMTP server (5xx): every send fails for good. */
  refused = false;

  constructor(
    units: number,
    readonly zone: IndonesianTimeZone,
    readonly coordinator: Recipient = COORDINATOR,
  ) {
    this.total = units;
  }

  get summaries() {
    return this.sent.filter((s) => s.request.message.kind === 'programme-weekly-summary');
  }
  get launchedNotices() {
    return this.sent.filter((s) => s.request.message.kind === 'programme-launched');
  }

  activities(now: () => number): Partial<ProgrammeActivities> & { sendNotification(r: NotificationRequest): Promise<{ status: 'sent'; messageId: string }> } {
    const tz = zoneAbbreviation(this.zone);
    const link = `https://kawal.test/programmes/${this.programmeId}`;
    return {
      launchCaseBatch: async ({ limit }) => {
        this.launched = Math.min(this.total, this.launched + limit);
        this.launchBatches.push({ at: now(), launchedAfter: this.launched });
        return { started: limit, alreadyRunning: 0, remaining: this.total - this.launched };
      },
      applyActionBatch: async ({ action }) => {
        this.actions.push({ at: now(), action });
        return { applied: this.launched, skipped: 0, cursor: null };
      },
      recordProgrammeState: async ({ status }) => {
        this.statuses.push(status);
      },
      programmeTimeZone: async () => this.zone,
      programmeLaunchedNotice: async () => {
        this.prepared.push({ kind: 'launched', at: now() });
        return {
          idempotencyKey: `programme/${this.programmeId}/launched`,
          to: this.coordinator,
          message: { kind: 'programme-launched', programmeName: 'Program Uji Surat', timeZone: tz, link, unitsLaunched: this.launched, startDate: '2027-01-04', templateName: 'Uji', templateVersion: 2, summaryTime: '07:30' },
        };
      },
      programmeWeeklySummary: async ({ weekKey }) => {
        this.prepared.push({ kind: 'weekly-summary', weekKey, at: now() });
        const { monday, sunday } = isoWeekRange(weekKey);
        return {
          idempotencyKey: `programme/${this.programmeId}/weekly/${weekKey}`,
          to: this.coordinator,
          message: {
            kind: 'programme-weekly-summary',
            programmeName: 'Program Uji Surat',
            timeZone: tz,
            link,
            weekKey,
            weekStart: monday,
            weekEnd: sunday,
            unitCount: this.total,
            taskCount: this.total * 2,
            tasksByState: { BLOCKED: 0, OPEN: this.total, SUBMITTED: 0, IN_REVIEW: 0, RETURNED: 0, APPROVED: this.total, WAIVED: 0 },
            percentApproved: 50,
            approvedThisWeek: 1,
            overdueUnitCount: 1,
            overdueTaskCount: 1,
            overdueUnits: [{ code: '63.72.01.1001', name: 'Kelurahan 1', overdueTasks: 1, percentApproved: 50 }],
            worstUnits: [{ code: '63.72.01.1001', name: 'Kelurahan 1', overdueTasks: 1, percentApproved: 50 }],
          },
        };
      },
      sendNotification: async (request) => {
        const at = now();
        this.sendAttempts.push({ request, at });
        if (this.refused) throw ApplicationFailure.create({ type: 'InvalidRecipient', message: `550 5.1.1 <${request.to.email}>: Recipient address rejected`, nonRetryable: true });
        await this.gate;
        this.sent.push({ request, at });
        return { status: 'sent', messageId: `<${request.idempotencyKey}>` };
      },
    };
  }
}

/** Monday (1), 07:30:00 to 07:30:59 local. */
function expectMondayMorning(at: number, zone: IndonesianTimeZone) {
  const day = localDateAt(at, zone);
  expect(dayOfWeek(day)).toBe(1);
  const opens = localTimeToInstant(day, '07:30', zone);
  expect(at).toBeGreaterThanOrEqual(opens);
  expect(at).toBeLessThan(opens + 60_000);
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  await waitUntil(check, what, timeoutMs, 50);
}

describe('weekly summary helpers (pure)', () => {
  it('names ISO weeks, including the ones that straddle a new year', () => {
    expect(isoWeekKey('2027-03-08')).toBe('2027-W10');
    expect(isoWeekKey('2027-03-14')).toBe('2027-W10');
    expect(isoWeekKey('2027-01-01')).toBe('2026-W53'); // a Friday: the week of 28 December 2026
    expect(isoWeekKey('2025-12-29')).toBe('2026-W01'); // a Monday: 2026's first Thursday is 1 January
    expect(isoWeekRange('2027-W10')).toEqual({ monday: '2027-03-08', sunday: '2027-03-14' });
    expect(isoWeekRange('2026-W53')).toEqual({ monday: '2026-12-28', sunday: '2027-01-03' });
    expect(isoWeekRange('2026-W01')).toEqual({ monday: '2025-12-29', sunday: '2026-01-04' });
    expect(() => isoWeekRange('2027-W53')).toThrow(RangeError); // 2027 has 52 weeks
    expect(() => isoWeekRange('2027-10')).toThrow(RangeError);
  });

  it('sends the first summary on the Monday after the launch day at 07:30 local, so it covers the launch week', () => {
    // Wednesday 10 March 2027, 10:00 WITA -> Monday 15 March 07:30 WITA.
    expect(firstSummaryAt(localTimeToInstant('2027-03-10', '10:00', 'Asia/Makassar'), 'Asia/Makassar')).toBe(localTimeToInstant('2027-03-15', '07:30', 'Asia/Makassar'));
    // Launched on a Monday before 07:30: not that morning (the week that ended had no programme) but a week later.
    expect(firstSummaryAt(localTimeToInstant('2027-03-15', '06:00', 'Asia/Jayapura'), 'Asia/Jayapura')).toBe(localTimeToInstant('2027-03-22', '07:30', 'Asia/Jayapura'));
    // Sunday 23:30 WIB (Monday 00:30 WITA): the zone decides which day it is.
    const sundayNight = localTimeToInstant('2027-03-14', '23:30', 'Asia/Jakarta');
    expect(firstSummaryAt(sundayNight, 'Asia/Jakarta')).toBe(localTimeToInstant('2027-03-15', '07:30', 'Asia/Jakarta'));
    expect(firstSummaryAt(sundayNight, 'Asia/Makassar')).toBe(localTimeToInstant('2027-03-22', '07:30', 'Asia/Makassar'));
  });
});

describe('programme workflow: emails to the coordinator (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('programme-mail');
  /** Each test's programmes answer from that test's fake; one worker serves them all for the whole file. */
  const programmes = new Map<string, FakeProgramme>();
  const routed =
    (name: keyof ReturnType<FakeProgramme['activities']>) =>
    async (arg: never) => {
      const info = Context.current().info;
      const fake = programmes.get(info.workflowExecution?.workflowId ?? '');
      if (!fake) throw new Error('no fake programme for this workflow');
      // When the workflow decided: the (time-skipped) server time the activity was scheduled.
      const activities = fake.activities(() => info.currentAttemptScheduledTimestampMs);
      return (activities[name] as (a: never) => Promise<unknown>)(arg);
    };

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    const names = ['launchCaseBatch', 'applyActionBatch', 'recordProgrammeState', 'programmeTimeZone', 'programmeLaunchedNotice', 'programmeWeeklySummary', 'sendNotification'] as const;
    worker = await createTestWorker(env, taskQueue, Object.fromEntries(names.map((n) => [n, routed(n)])));
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
    await env?.teardown();
  });

  /** Skips the server's clock to the next `weekday` (0 = Sunday) at `time` local, so a test's Mondays are known. */
  async function skipTo(weekday: number, time: string, zone: IndonesianTimeZone): Promise<number> {
    const now = await env.currentTimeMs();
    let day = localDateAt(now, zone);
    while (dayOfWeek(day) !== weekday || localTimeToInstant(day, time, zone) <= now) day = addCalendarDays(day, 1);
    const target = localTimeToInstant(day, time, zone);
    await env.sleep(target - now);
    return env.currentTimeMs();
  }

  async function start(fake: FakeProgramme, extra: Partial<ProgrammeWorkflowInput> = {}) {
    programmes.set(fake.workflowId, fake);
    return env.client.workflow.start('programmeWorkflow', {
      taskQueue,
      workflowId: fake.workflowId,
      args: [{ programmeId: fake.programmeId, caseCount: fake.total, batchSize: 2, ...extra }],
    });
  }

  /** Closes the programme the way a coordinator does and waits for the workflow to end (no workflow is left running). */
  async function close(handle: WorkflowHandle): Promise<ProgrammeProgress> {
    await handle.executeUpdate(programmeActionRequestUpdate, { args: [{ kind: 'close', ...BY, reason: 'Akhir uji' }] });
    return handle.result();
  }

  it('announces the launch once, after the last launch batch; then every Monday at 07:30 WITA summarises the week that ended; nothing after closing', async () => {
    const zone = 'Asia/Makassar';
    const fake = new FakeProgramme(5, zone);
    const launchedAt = await skipTo(3, '10:00', zone); // a Wednesday morning
    const handle = await start(fake);
    await eventually(() => fake.launchedNotices.length === 1, 'the launched notice');

    // Three launch batches of 2, 2 and 1, then the notice (built when every unit had been launched).
    expect(fake.launchBatches.map((b) => b.launchedAfter)).toEqual([2, 4, 5]);
    const [notice] = fake.launchedNotices;
    expect(notice.at).toBeGreaterThanOrEqual(fake.launchBatches[2].at);
    expect(notice.request).toMatchObject({ idempotencyKey: `programme/${fake.programmeId}/launched`, to: COORDINATOR, message: { kind: 'programme-launched', unitsLaunched: 5, timeZone: 'WITA' } });
    expect(renderMessage(notice.request.message, COORDINATOR.name, 'id').subject).toBe('[Kawal] Program diluncurkan: "Program Uji Surat" (5 unit)');

    // A week on, two units join: they are launched, and the launch is not announced again.
    await env.sleep('8 days');
    fake.total += 2;
    await handle.executeUpdate(unitsJoinedUpdate, { args: [{ count: 2, ...BY, reason: 'Pemekaran' }] });
    await eventually(() => fake.launched === 7, 'the joined units to be launched');

    await env.sleep(launchedAt + 21 * 86_400_000 - (await env.currentTimeMs()));
    expect(await handle.query(programmeProgressQuery)).toMatchObject({ status: 'RUNNING', total: 7, launched: 7 });
    expect(fake.launchedNotices).toHaveLength(1);

    // Three weeks after a Wednesday launch: exactly three Mondays, each at 07:30 WITA, each for the week before it.
    const summaries = fake.summaries;
    expect(summaries).toHaveLength(3);
    const firstMonday = localTimeToInstant(addCalendarDays(localDateAt(launchedAt, zone), 5), '07:30', zone);
    summaries.forEach((s, i) => {
      expectMondayMorning(s.at, zone);
      expect(s.at - firstMonday - i * 7 * 86_400_000).toBeLessThan(60_000);
      const weekKey = isoWeekKey(addCalendarDays(localDateAt(s.at, zone), -1));
      expect(s.request).toMatchObject({ idempotencyKey: `programme/${fake.programmeId}/weekly/${weekKey}`, to: COORDINATOR, message: { kind: 'programme-weekly-summary', weekKey } });
    });
    // The first covers the launch week; the summaries go week after week; one send per key.
    const { monday, sunday } = isoWeekRange((summaries[0].request.message as { weekKey: string }).weekKey);
    expect(localDateAt(launchedAt, zone) >= monday && localDateAt(launchedAt, zone) <= sunday).toBe(true);
    expect(new Set(fake.sendAttempts.map((s) => s.request.idempotencyKey)).size).toBe(fake.sendAttempts.length);
    // Each one was built from the read model on its Monday morning, for its week.
    const built = fake.prepared.filter((p) => p.kind === 'weekly-summary');
    expect(built.map((p) => p.weekKey)).toEqual(summaries.map((s) => (s.request.message as { weekKey: string }).weekKey));
    for (const p of built) expectMondayMorning(p.at, zone);

    const closedAt = await env.currentTimeMs();
    expect(await close(handle)).toMatchObject({ status: 'COMPLETED', total: 7 });
    await env.sleep('21 days');
    expect(fake.summaries).toHaveLength(3);
    expect(fake.prepared.every((p) => p.at <= closedAt)).toBe(true);
    expect(fake.statuses.at(-1)).toBe('COMPLETED');
    await recordHistoryIfAsked(handle, 'v3-programme-coordinator-mail');
  });

  it('skips the weeks the programme is suspended and picks up again on the Monday after it resumes (WIT, in English)', async () => {
    const zone = 'Asia/Jayapura';
    const fake = new FakeProgramme(3, zone, { ...COORDINATOR, email: 'ortala@jayapurakota.go.id', locale: 'en' });
    const launchedAt = await skipTo(4, '15:00', zone); // a Thursday afternoon
    const handle = await start(fake);
    await env.sleep('5 days'); // past Monday 07:30 WIT
    expect(fake.summaries).toHaveLength(1);

    await handle.executeUpdate(programmeActionRequestUpdate, { args: [{ kind: 'suspend', ...BY, reason: 'Pilkada' }] });
    await eventually(() => fake.statuses.includes('SUSPENDED'), 'the suspension to be recorded');
    const suspendedAt = await env.currentTimeMs();
    await env.sleep('14 days'); // two Mondays while suspended
    expect(fake.summaries).toHaveLength(1);

    await handle.executeUpdate(programmeActionRequestUpdate, { args: [{ kind: 'resume', ...BY, reason: 'Pilkada selesai' }] });
    const resumedAt = await env.currentTimeMs();
    await env.sleep('7 days');
    expect(fake.summaries).toHaveLength(2);
    const [first, second] = fake.summaries;
    for (const s of [first, second]) expectMondayMorning(s.at, zone);
    expect(second.at).toBeGreaterThan(resumedAt);
    expect(fake.sent.filter((s) => s.at > suspendedAt && s.at < resumedAt)).toEqual([]);
    // The Mondays are 4 weeks apart: the summaries of the two suspended weeks were skipped, not sent late.
    expect(Math.abs(second.at - first.at - 3 * 7 * 86_400_000)).toBeLessThan(60_000);

    // In the coordinator's language, with the week in WIT.
    const mail = renderMessage(second.request.message, 'Coordinator', second.request.to.locale);
    const { monday, sunday } = isoWeekRange((second.request.message as { weekKey: string }).weekKey);
    expect(sunday).toBe(addCalendarDays(localDateAt(second.at, zone), -1));
    expect(mail.subject).toMatch(/^\[Kawal\] Weekly summary "Program Uji Surat" \(\d{4}-W\d{2}\): 50% approved, 1 unit overdue$/);
    expect(mail.text).toContain(`(${Number(monday.slice(8))} `);
    expect(mail.text).toMatch(/\(WIT\)\)\./);
    expect(launchedAt).toBeLessThan(first.at);
    expect(await close(handle)).toMatchObject({ status: 'COMPLETED' });
    await recordHistoryIfAsked(handle, 'v3-programme-mail-suspend-resume');
  });

  it('keeps its promises across continue-as-new: one launched notice, one summary per Monday', async () => {
    const zone = 'Asia/Jakarta';
    const fake = new FakeProgramme(12, zone);
    const launchedAt = await skipTo(2, '09:00', zone); // a Tuesday
    // A tiny history limit: the run continues as new during the launch and every week or so afterwards.
    const handle = await start(fake, { historyLimit: 25 });
    await env.sleep(launchedAt + 21 * 86_400_000 - (await env.currentTimeMs()));
    const description = await handle.describe();
    expect(description.runId).not.toBe(handle.firstExecutionRunId);

    expect(fake.launchBatches.map((b) => b.launchedAfter)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(fake.launchedNotices).toHaveLength(1);
    expect(fake.launchedNotices[0].request.message).toMatchObject({ unitsLaunched: 12 });
    const summaries = fake.summaries;
    expect(summaries).toHaveLength(3);
    for (const s of summaries) expectMondayMorning(s.at, zone);
    expect(summaries.map((s) => (s.request.message as { weekKey: string }).weekKey)).toEqual(
      [6, 13, 20].map((d) => isoWeekKey(addCalendarDays(localDateAt(launchedAt, zone), d - 1))),
    );
    expect(new Set(fake.sendAttempts.map((s) => s.request.idempotencyKey)).size).toBe(fake.sendAttempts.length);
    // With this limit the run continues as new right after the close reached every case: the new run still knows
    // it is closing (it completes instead of waiting for the next Monday), and no summary follows.
    const before = (await handle.describe()).runId;
    expect(await close(handle)).toMatchObject({ status: 'COMPLETED', launched: 12 });
    expect((await handle.describe()).runId).not.toBe(before);
    await env.sleep('14 days');
    expect(fake.summaries).toHaveLength(3);
  });

  it('goes on when the coordinator’s address is refused, and an email stuck on SMTP never holds up an action', async () => {
    const zone = 'Asia/Makassar';
    const refused = new FakeProgramme(2, zone, { ...COORDINATOR, email: 'salah@banjarbarukota.go.id' });
    refused.refused = true;
    await skipTo(3, '10:00', zone);
    const a = await start(refused);
    await env.sleep('14 days');
    // Tried once each (InvalidRecipient is final), nothing sent, and the programme runs on.
    expect(refused.sendAttempts.map((s) => s.request.message.kind)).toEqual(['programme-launched', 'programme-weekly-summary', 'programme-weekly-summary']);
    expect(refused.sent).toEqual([]);
    expect((await a.query(programmeProgressQuery)).status).toBe('RUNNING');
    expect(await close(a)).toMatchObject({ status: 'COMPLETED' });

    // The launched notice hangs on a slow SMTP server; a suspension still reaches the cases meanwhile.
    const slow = new FakeProgramme(2, zone);
    let release!: () => void;
    slow.gate = new Promise<void>((r) => (release = r));
    const b = await start(slow);
    await eventually(() => slow.sendAttempts.length === 1, 'the launched notice to be on its way');
    await b.executeUpdate(programmeActionRequestUpdate, { args: [{ kind: 'suspend', ...BY, reason: 'Pilkada' }] });
    await eventually(() => slow.actions.length === 1, 'the suspension to reach the cases');
    expect(slow.sent).toEqual([]);
    release();
    await eventually(() => slow.launchedNotices.length === 1, 'the launched notice');
    expect(await close(b)).toMatchObject({ status: 'COMPLETED' });
    expect(slow.launchedNotices).toHaveLength(1);
  });
});
