import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import {
  CaseWorkflowInput,
  caseStateQuery,
  decideExtensionUpdate,
  programmeActionUpdate,
  reassignTaskUpdate,
  requestExtensionUpdate,
  reviewTaskUpdate,
  signOffCaseUpdate,
  submitTaskUpdate,
  waiveTaskUpdate,
} from '@kawal/contracts';
import { TemplateDefinition, WorkingCalendar, addCalendarDays, addMonths, localDateAt, localTimeToInstant } from '@kawal/domain';
import { parseTemplate } from '@kawal/templates';
import { holidaysBetween } from '@kawal/holidays';
import { createTimeSkippingEnv, uniqueTaskQueue, uniqueWorkflowId } from '../support/temporal';
import { RecordingActivities, createTestWorker, recordHistoryIfAsked, rejection } from '../support/workflow-worker';

/**
 * The programme engine's case workflow on the time-skipping server: escalation up the chain, extensions,
 * suspension, phases, dependencies, checklists, recurrence, waivers, reassignment, sign-off and continue-as-new.
 */

const LURAH = { email: 'lurah@example.go.id', name: 'Lurah Loktabat Utara', locale: 'id' as const };
const CAMAT = { email: 'camat@example.go.id', name: 'Camat Banjarbaru Utara', locale: 'id' as const };
const KOORDINATOR = { email: 'koordinator@example.go.id', name: 'Bagian Organisasi', locale: 'id' as const };

const oneTask = (extra: Partial<TemplateDefinition> = {}, dueDays = 5): TemplateDefinition =>
  parseTemplate({
    key: 'uji-eskalasi',
    version: 1,
    name: { id: 'Uji eskalasi' },
    tasks: [
      {
        key: 'laporan',
        title: { id: 'Laporan' },
        assigneeRole: 'UNIT_HEAD',
        due: { from: 'programmeStart', workingDays: dueDays },
        evidence: { minItems: 1, kinds: ['document'] },
        review: { levels: [{ role: 'COORDINATOR', name: { id: 'Bagian Organisasi' } }] },
      },
    ],
    reminders: [{ workingDaysBefore: 1 }, { workingDaysAfter: 1 }],
    escalation: [
      { afterWorkingDays: 2, to: 'UNIT_HEAD' },
      { afterWorkingDays: 3, to: 'PARENT_UNIT_HEAD' },
      { afterWorkingDays: 5, to: 'COORDINATOR' },
    ],
    ...extra,
  });

const staged: TemplateDefinition = parseTemplate({
  key: 'uji-tahapan',
  version: 1,
  name: { id: 'Uji tahapan' },
  phases: [
    { key: 'persiapan', name: { id: 'Persiapan' } },
    { key: 'pelaksanaan', name: { id: 'Pelaksanaan' }, start: { from: 'phaseCompleted', phase: 'persiapan', workingDays: 1 } },
  ],
  tasks: [
    {
      key: 'sk-tim',
      phase: 'persiapan',
      title: { id: 'SK Tim' },
      assigneeRole: 'UNIT_HEAD',
      due: { from: 'programmeStart', workingDays: 5 },
      review: { levels: [{ role: 'REVIEWER', name: { id: 'Camat' } }, { role: 'COORDINATOR', name: { id: 'Bagian Organisasi' } }] },
    },
    {
      key: 'laporan',
      phase: 'pelaksanaan',
      title: { id: 'Laporan pelaksanaan' },
      assigneeRole: 'UNIT_HEAD',
      due: { from: 'phaseStart', workingDays: 10 },
      checklist: [{ key: 'ttd', text: { id: 'Ditandatangani lurah' } }, { key: 'foto', text: { id: 'Ada foto' }, required: false }],
    },
    { key: 'pendukung', phase: 'pelaksanaan', title: { id: 'Dokumen pendukung' }, assigneeRole: 'UNIT_STAFF', due: { from: 'phaseStart', workingDays: 10 } },
    {
      key: 'monitoring',
      title: { id: 'Monitoring' },
      assigneeRole: 'UNIT_HEAD',
      due: { from: 'taskCompleted', task: 'laporan', workingDays: 5 },
      recurrence: { everyMonths: 6, times: 2 },
    },
  ],
  reminders: [{ workingDaysBefore: 0 }],
});

function input(startDate: string, template: TemplateDefinition, overrides: Partial<CaseWorkflowInput> = {}): CaseWorkflowInput {
  return {
    caseId: '00000000-0000-4000-8000-000000000011',
    programmeId: '00000000-0000-4000-8000-000000000012',
    programmeName: 'Program Uji Mesin',
    unit: { id: 'u1', code: '63.72.01.1001', name: 'Loktabat Utara', timeZone: 'Asia/Makassar' },
    startDate,
    template,
    holidays: holidaysBetween(addCalendarDays(startDate, -7), addCalendarDays(startDate, 800)),
    unitHeads: [LURAH],
    parentUnitHeads: [CAMAT],
    coordinator: KOORDINATOR,
    publicBaseUrl: 'http://localhost:3000',
    ...overrides,
  };
}


describe('programme engine: case workflow (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('engine');
  /** Each test's workflows report to that test's recorder; one worker serves them all for the whole file. */
  const recorders = new Map<string, RecordingActivities>();
  const refusedAddresses = new Set<string>();
  const routed = (name: 'recordCaseState' | 'sendNotification') =>
    async (arg: never) => {
      const recorder = recorders.get(Context.current().info.workflowExecution?.workflowId ?? "");
      if (!recorder) throw new Error('no recorder for this workflow');
      // What the real outbox activity does when the SMTP server refuses an address (5xx on RCPT TO).
      const to = (arg as { to?: { email: string } }).to?.email;
      if (name === 'sendNotification' && to && refusedAddresses.has(to)) {
        throw ApplicationFailure.create({ type: 'InvalidRecipient', message: `550 5.1.1 <${to}>: Recipient address rejected`, nonRetryable: true });
      }
      return (recorder.activities()[name] as (a: never) => Promise<unknown>)(arg);
    };

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    // One worker for the file: a workflow still running after its test (its timers keep firing as later tests
    // skip time) always has a poller, so it can never hold the test server's time skipping.
    worker = await createTestWorker(env, taskQueue, { recordCaseState: routed('recordCaseState'), sendNotification: routed('sendNotification') });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
    await env?.teardown();
  });

  let current: RecordingActivities | undefined;
  async function run(recorder: RecordingActivities, body: (start: string, today: () => Promise<string>) => Promise<void>) {
    current = recorder;
    const now = await env.currentTimeMs();
    try {
      await body(localDateAt(now, 'Asia/Makassar'), async () => localDateAt(await env.currentTimeMs(), 'Asia/Makassar'));
    } finally {
      // Workflows are left running (the shared worker keeps serving them; their recorder is this test's). Terminating
      // one with tasks still scheduled leaves the test server's time skipping locked, which hung later tests' sleeps.
      current = undefined;
    }
  }
  const start = async (args: CaseWorkflowInput) => {
    const workflowId = uniqueWorkflowId('engine');
    recorders.set(workflowId, current!);
    return env.client.workflow.start('caseWorkflow', { taskQueue, workflowId, args: [args] });
  };

  it('runs a 90-day programme over the real holiday calendar for a WITA and a WIB unit: deadlines on the right local dates, reminders only on working days at 07:30 local', async () => {
    // The time-skipping server's clock starts at the real "now" and only moves forward, so this run crosses the
    // holidays ahead of today (the 2026 Idul Fitri crossing, in the past, is driven through the same engine in
    // test/unit/case-engine.spec.ts).
    const recorder = new RecordingActivities();
    const ladder = parseTemplate({
      key: 'uji-90-hari',
      version: 1,
      name: { id: 'Uji 90 hari' },
      tasks: [20, 40, 60].map((n) => ({ key: `t${n}`, title: { id: `Tugas ${n}` }, assigneeRole: 'UNIT_HEAD', due: { from: 'programmeStart', workingDays: n } })),
      reminders: [{ workingDaysBefore: 5 }, { workingDaysBefore: 1 }, { workingDaysBefore: 0 }, { workingDaysAfter: 1 }, { workingDaysAfter: 3 }],
    });
    await run(recorder, async (startDate) => {
      const wita = input(startDate, ladder, { caseId: '00000000-0000-4000-8000-000000000091' });
      const wib = input(startDate, ladder, {
        caseId: '00000000-0000-4000-8000-000000000092',
        unit: { id: 'u2', code: '31.71.01.1001', name: 'Gambir', timeZone: 'Asia/Jakarta' },
        unitHeads: [{ email: 'lurah.gambir@example.go.id', name: 'Lurah Gambir', locale: 'en' }],
      });
      // An independent count of working days: weekdays that are not in the holiday files.
      const off = new Set(wita.holidays);
      const working = (d: string) => {
        const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
        return dow !== 0 && dow !== 6 && !off.has(d);
      };
      const plus = (from: string, n: number) => {
        let d = from;
        for (let left = n; left > 0; ) {
          d = addCalendarDays(d, 1);
          if (working(d)) left--;
        }
        return d;
      };
      let first = startDate;
      while (!working(first)) first = addCalendarDays(first, 1);
      const window = [first, plus(first, 63)];
      const weekdayHolidays = wita.holidays.filter((d) => d >= window[0] && d <= window[1] && working(d) === false && ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()));
      expect(weekdayHolidays.length).toBeGreaterThan(0); // the run really crosses holidays

      const handles = [await start(wita), await start(wib)];
      await env.sleep('100 days');
      for (const [i, handle] of handles.entries()) {
        const zone = i === 0 ? 'Asia/Makassar' : 'Asia/Jakarta';
        const state = await handle.query(caseStateQuery);
        expect(state.tasks.map((t) => t.dueDate)).toEqual([plus(first, 20), plus(first, 40), plus(first, 60)]);
        expect(state.tasks.every((t) => t.overdue)).toBe(true);
        const mine = recorder.sent.filter((s) => s.request.to.email === (i === 0 ? LURAH.email : 'lurah.gambir@example.go.id'));
        const ladderSent = mine.filter((s) => s.request.message.kind === 'reminder' || s.request.message.kind === 'overdue');
        expect(ladderSent).toHaveLength(15); // five rungs for each of three tasks, each once
        for (const s of ladderSent) {
          const localDay = localDateAt(s.scheduledAt.getTime(), zone);
          expect(working(localDay)).toBe(true);
          const at = localTimeToInstant(localDay, '07:30', zone);
          expect(s.scheduledAt.getTime()).toBeGreaterThanOrEqual(at);
          expect(s.scheduledAt.getTime()).toBeLessThan(at + 60_000);
        }
        const t20 = ladderSent.filter((s) => s.request.message.taskTitle === 'Tugas 20').map((s) => localDateAt(s.scheduledAt.getTime(), zone));
        const due = plus(first, 20);
        const minus = (n: number) => {
          let d = due;
          for (let left = n; left > 0; ) {
            d = addCalendarDays(d, -1);
            if (working(d)) left--;
          }
          return d;
        };
        expect(t20).toEqual([minus(5), minus(1), due, plus(due, 1), plus(due, 3)]);
        expect(ladderSent[0].request.message).toMatchObject({ timeZone: i === 0 ? 'WITA' : 'WIB' });
      }
    });
  });

  it('escalates an overdue task up the chain: the lurah, then the camat, then the coordinator, each at 07:30 local on a working day', async () => {
    const recorder = new RecordingActivities();
    await run(recorder, async (startDate) => {
      const args = input(startDate, oneTask());
      const calendar = new WorkingCalendar(args.holidays);
      const handle = await start(args);
      await env.sleep('25 days');
      const state = await handle.query(caseStateQuery);
      const task = state.tasks[0];
      expect(task.dueDate).toBe(calendar.addWorkingDays(calendar.onOrAfter(startDate), 5));
      expect(task).toMatchObject({ state: 'OPEN', overdue: true, escalationLevel: 3 });
      expect(task.history.filter((h) => h.action === 'escalated').map((h) => h.level)).toEqual([1, 2, 3]);

      const escalations = recorder.sent.filter((s) => s.request.message.kind === 'escalation');
      expect(escalations.map((s) => s.request.to.email)).toEqual([LURAH.email, CAMAT.email, KOORDINATOR.email]);
      const afterDays = [2, 3, 5];
      escalations.forEach((s, i) => {
        const day = calendar.addWorkingDays(task.dueDate!, afterDays[i]);
        expect(calendar.isWorkingDay(day)).toBe(true);
        // Decided when the timer fired at 07:30 local; scheduled right after the read-model write.
        const at = localTimeToInstant(day, '07:30', 'Asia/Makassar');
        expect(s.scheduledAt.getTime()).toBeGreaterThanOrEqual(at);
        expect(s.scheduledAt.getTime()).toBeLessThan(at + 60_000);
        expect(s.request.message).toMatchObject({ kind: 'escalation', level: i + 1, unitName: 'Loktabat Utara', taskTitle: 'Laporan', dueDate: task.dueDate, timeZone: 'WITA' });
        expect((s.request.message as { workingDaysLate: number }).workingDaysLate).toBe(afterDays[i]);
      });
      // The ladder: one reminder the working day before, one overdue notice the working day after; nothing twice.
      expect(recorder.sent.filter((s) => s.request.message.kind === 'reminder')).toHaveLength(1);
      expect(recorder.sent.filter((s) => s.request.message.kind === 'overdue')).toHaveLength(1);
      expect(new Set(recorder.sent.map((s) => s.request.idempotencyKey)).size).toBe(recorder.sent.length);
      await recordHistoryIfAsked(handle, 'v2-case-escalation');
    });
  });

  it('grants one extension and refuses another; an approved extension clears overdue and escalation', async () => {
    const recorder = new RecordingActivities();
    await run(recorder, async (startDate, today) => {
      const args = input(startDate, oneTask());
      const calendar = new WorkingCalendar(args.holidays);
      const handle = await start(args);
      let state = await handle.query(caseStateQuery);
      const due0 = state.tasks[0].dueDate!;

      expect(await rejection(handle.executeUpdate(decideExtensionUpdate, { args: [{ taskKey: 'laporan', by: KOORDINATOR.email, approve: true }] }))).toBe('NO_EXTENSION_REQUEST');
      expect(await rejection(handle.executeUpdate(requestExtensionUpdate, { args: [{ taskKey: 'laporan', by: LURAH.email, workingDays: 0, reason: 'x' }] }))).toBe('INVALID_WORKING_DAYS');
      expect(await rejection(handle.executeUpdate(requestExtensionUpdate, { args: [{ taskKey: 'laporan', by: LURAH.email, workingDays: 3, reason: ' ' }] }))).toBe('REASON_REQUIRED');

      state = await handle.executeUpdate(requestExtensionUpdate, { args: [{ taskKey: 'laporan', by: LURAH.email, workingDays: 3, reason: 'Menunggu tanda tangan camat' }] });
      expect(state.tasks[0].extensionRequest).toMatchObject({ requestedBy: LURAH.email, workingDays: 3 });
      expect(await rejection(handle.executeUpdate(requestExtensionUpdate, { args: [{ taskKey: 'laporan', by: LURAH.email, workingDays: 2, reason: 'lagi' }] }))).toBe('EXTENSION_PENDING');
      // Refusing needs a comment.
      expect(await rejection(handle.executeUpdate(decideExtensionUpdate, { args: [{ taskKey: 'laporan', by: KOORDINATOR.email, approve: false }] }))).toBe('COMMENT_REQUIRED');
      state = await handle.executeUpdate(decideExtensionUpdate, { args: [{ taskKey: 'laporan', by: KOORDINATOR.email, approve: false, comment: 'Tenggat sudah cukup' }] });
      expect(state.tasks[0].dueDate).toBe(due0);
      expect(state.tasks[0].extensionRequest).toBeUndefined();

      // Let the task fall overdue and escalate once, then approve a request: the deadline moves, overdue clears.
      const firstEscalation = localTimeToInstant(calendar.addWorkingDays(due0, 2), '07:30', 'Asia/Makassar');
      await env.sleep(firstEscalation - (await env.currentTimeMs()) + 60_000);
      state = await handle.query(caseStateQuery);
      expect(state.tasks[0]).toMatchObject({ overdue: true });
      expect(state.tasks[0].escalationLevel).toBeGreaterThan(0);
      await handle.executeUpdate(requestExtensionUpdate, { args: [{ taskKey: 'laporan', by: LURAH.email, workingDays: 20, reason: 'Banjir di wilayah kelurahan' }] });
      state = await handle.executeUpdate(decideExtensionUpdate, { args: [{ taskKey: 'laporan', by: KOORDINATOR.email, approve: true, comment: 'Disetujui' }] });
      expect(state.tasks[0].dueDate).toBe(calendar.addWorkingDays(due0, 20));
      expect(state.tasks[0]).toMatchObject({ overdue: false, escalationLevel: 0 });
      expect(state.tasks[0].dueDate! > (await today())).toBe(true);
      const actions = state.tasks[0].history.map((h) => h.action);
      expect(actions.filter((a) => a.startsWith('extension-'))).toEqual(['extension-requested', 'extension-refused', 'extension-requested', 'extension-approved']);

      const decided = recorder.sent.filter((s) => s.request.message.kind === 'extension-decided').map((s) => s.request.message as { approved: boolean; newDueDate: string });
      expect(decided.map((d) => d.approved)).toEqual([false, true]);
      expect(decided[1].newDueDate).toBe(state.tasks[0].dueDate);
      expect(recorder.sent.filter((s) => s.request.message.kind === 'extension-requested').every((s) => s.request.to.email === KOORDINATOR.email)).toBe(true);
      await recordHistoryIfAsked(handle, 'v2-case-extension');
    });
  });

  it('suspends the clock and, on resume, moves every open deadline by the working days suspended', async () => {
    const recorder = new RecordingActivities();
    await run(recorder, async (startDate, today) => {
      const args = input(startDate, oneTask({}, 10));
      const calendar = new WorkingCalendar(args.holidays);
      const handle = await start(args);
      const due0 = (await handle.query(caseStateQuery)).tasks[0].dueDate!;
      // The task open from the first day is announced once; nothing else goes out until the suspension ends.
      for (let i = 0; i < 100 && recorder.sent.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(recorder.sent.map((s) => s.request.message.kind)).toEqual(['task-assigned']);
      const announced = recorder.sent.length;
      const suspendedOn = await today();
      let state = await handle.executeUpdate(programmeActionUpdate, { args: [{ actionId: 'a-suspend', kind: 'suspend', by: KOORDINATOR.email, reason: 'Pemilihan kepala daerah' }] });
      expect(state.suspension).toMatchObject({ since: suspendedOn, reason: 'Pemilihan kepala daerah' });
      // The same action again (a retried fan-out) is refused as already applied.
      expect(await rejection(handle.executeUpdate(programmeActionUpdate, { args: [{ actionId: 'a-suspend', kind: 'suspend', by: KOORDINATOR.email, reason: 'x' }] }))).toBe('ALREADY_APPLIED');
      expect(await rejection(handle.executeUpdate(programmeActionUpdate, { args: [{ actionId: 'a-remind', kind: 'remind', by: KOORDINATOR.email, reason: 'x' }] }))).toBe('SUSPENDED');

      // 20 days pass: the deadline passes on the calendar but nothing fires while suspended.
      await env.sleep('20 days');
      state = await handle.query(caseStateQuery);
      expect(state.tasks[0]).toMatchObject({ overdue: false, escalationLevel: 0 });
      const sentWhileSuspended = recorder.sent.slice(announced).filter((s) => s.request.message.kind !== 'programme-notice');
      expect(sentWhileSuspended).toHaveLength(0);

      const resumedOn = await today();
      state = await handle.executeUpdate(programmeActionUpdate, { args: [{ actionId: 'a-resume', kind: 'resume', by: KOORDINATOR.email, reason: 'Pemilihan selesai' }] });
      // Independent count of the working days from the suspension day up to (not including) the resume day.
      let lost = 0;
      for (let d = suspendedOn; d < resumedOn; d = addCalendarDays(d, 1)) if (calendar.isWorkingDay(d)) lost++;
      expect(lost).toBeGreaterThan(10);
      expect(state.suspension).toBeUndefined();
      expect(state.tasks[0].dueDate).toBe(calendar.addWorkingDays(due0, lost));
      expect(state.history.map((h) => h.action)).toEqual(['suspended', 'resumed']);
      expect(state.history[1].after).toEqual({ workingDaysShifted: lost });
      const notices = recorder.sent.filter((s) => s.request.message.kind === 'programme-notice').map((s) => s.request.message as { action: string; workingDays?: number });
      expect(notices).toEqual([expect.objectContaining({ action: 'suspended' }), expect.objectContaining({ action: 'resumed', workingDays: lost })]);

      // The clock runs again: the reminder the working day before the new deadline arrives.
      await env.sleep('30 days');
      expect(recorder.sent.filter((s) => s.request.message.kind === 'reminder').map((s) => (s.request.message as { dueDate: string }).dueDate)).toEqual([state.tasks[0].dueDate]);
      await recordHistoryIfAsked(handle, 'v2-case-suspend-resume');
    });
  });

  it('runs phases, dependencies, checklists, two review levels, recurrence, waiver, reassignment and sign-off', async () => {
    const recorder = new RecordingActivities();
    await run(recorder, async (startDate, today) => {
      const args = input(startDate, staged);
      const calendar = new WorkingCalendar(args.holidays);
      const handle = await start(args);
      let state = await handle.query(caseStateQuery);
      const byKey = () => Object.fromEntries(state.tasks.map((t) => [t.key, t]));
      expect(state.tasks.map((t) => [t.key, t.state])).toEqual([
        ['sk-tim', 'OPEN'],
        ['laporan', 'BLOCKED'],
        ['pendukung', 'BLOCKED'],
        ['monitoring.1', 'BLOCKED'],
        ['monitoring.2', 'BLOCKED'],
      ]);
      expect(byKey()['laporan'].dueDate).toBeNull();
      expect(await rejection(handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'laporan', by: LURAH.email, evidenceIds: [], checked: ['ttd'] }] }))).toBe('TASK_BLOCKED');

      await handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'sk-tim', by: LURAH.email, evidenceIds: [] }] });
      expect(await rejection(handle.executeUpdate(reviewTaskUpdate, { args: [{ taskKey: 'sk-tim', by: KOORDINATOR.email, decision: 'approve', level: 1 }] }))).toBe('WRONG_REVIEW_LEVEL');
      state = await handle.executeUpdate(reviewTaskUpdate, { args: [{ taskKey: 'sk-tim', by: CAMAT.email, decision: 'approve', level: 0 }] });
      expect(byKey()['sk-tim']).toMatchObject({ state: 'IN_REVIEW', reviewLevel: 1 });
      state = await handle.executeUpdate(reviewTaskUpdate, { args: [{ taskKey: 'sk-tim', by: KOORDINATOR.email, decision: 'approve', level: 1 }] });
      const approvedOn = await today();

      // Phase 2 starts one working day after phase 1 completed; its tasks open on that day at the office hour.
      const phase2 = calendar.addWorkingDays(calendar.onOrAfter(approvedOn), 1);
      expect(state.phases).toEqual([
        { key: 'persiapan', startedOn: calendar.onOrAfter(startDate), completedOn: approvedOn },
        { key: 'pelaksanaan', startedOn: phase2, completedOn: null },
      ]);
      expect(byKey()['laporan']).toMatchObject({ state: 'BLOCKED', dueDate: calendar.addWorkingDays(phase2, 10) });
      await env.sleep(localTimeToInstant(phase2, '07:30', 'Asia/Makassar') - (await env.currentTimeMs()) + 60_000);
      state = await handle.query(caseStateQuery);
      expect(byKey()['laporan'].state).toBe('OPEN');
      // Announced: the task open from the first day, then each task as it opened.
      const opened = recorder.sent.filter((s) => s.request.message.kind === 'task-assigned');
      expect(opened.map((s) => s.request.message.taskTitle).sort()).toEqual(['Dokumen pendukung', 'Laporan pelaksanaan', 'SK Tim']);

      // Checklist: required items must be ticked, unknown ones are refused.
      expect(await rejection(handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'laporan', by: LURAH.email, evidenceIds: [], checked: ['foto'] }] }))).toBe('CHECKLIST_INCOMPLETE');
      expect(await rejection(handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'laporan', by: LURAH.email, evidenceIds: [], checked: ['ttd', 'cap'] }] }))).toBe('UNKNOWN_CHECKLIST_ITEM');
      state = await handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'laporan', by: LURAH.email, evidenceIds: [], checked: ['ttd'] }] });
      const laporanDone = await today();
      expect(byKey()['laporan']).toMatchObject({ state: 'APPROVED', checked: ['ttd'], completedOn: laporanDone });

      // Reassign the supporting document to a staff member, then waive it with a reason.
      const staff = { email: 'staf@example.go.id', name: 'Staf Kelurahan', locale: 'id' as const };
      state = await handle.executeUpdate(reassignTaskUpdate, { args: [{ taskKey: 'pendukung', by: KOORDINATOR.email, to: staff, reason: 'Lurah cuti' }] });
      expect(byKey()['pendukung'].assignee).toEqual(staff);
      expect(recorder.sent.some((s) => s.request.to.email === staff.email && s.request.message.kind === 'task-assigned')).toBe(true);
      expect(await rejection(handle.executeUpdate(waiveTaskUpdate, { args: [{ taskKey: 'pendukung', by: KOORDINATOR.email, reason: '' }] }))).toBe('REASON_REQUIRED');
      state = await handle.executeUpdate(waiveTaskUpdate, { args: [{ taskKey: 'pendukung', by: KOORDINATOR.email, reason: 'Sudah tercakup dalam laporan' }] });
      expect(byKey()['pendukung'].state).toBe('WAIVED');
      expect(await rejection(handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'pendukung', by: staff.email, evidenceIds: [] }] }))).toBe('INVALID_STATE');

      // Monitoring every 6 months after the report: occurrence n opens n × 6 months later, due 5 working days after.
      const anchor = calendar.onOrAfter(laporanDone);
      const opens1 = calendar.onOrAfter(addMonths(anchor, 6));
      const opens2 = calendar.onOrAfter(addMonths(anchor, 12));
      expect(byKey()['monitoring.1']).toMatchObject({ state: 'BLOCKED', opensOn: opens1, dueDate: calendar.addWorkingDays(opens1, 5) });
      expect(byKey()['monitoring.2']).toMatchObject({ state: 'BLOCKED', opensOn: opens2, dueDate: calendar.addWorkingDays(opens2, 5) });
      expect(await rejection(handle.executeUpdate(signOffCaseUpdate, { args: [{ by: KOORDINATOR.email }] }))).toBe('CASE_NOT_COMPLETE');

      await env.sleep(localTimeToInstant(opens1, '07:30', 'Asia/Makassar') - (await env.currentTimeMs()) + 60_000);
      state = await handle.query(caseStateQuery);
      expect(byKey()['monitoring.1'].state).toBe('OPEN');
      expect(byKey()['monitoring.2'].state).toBe('BLOCKED');
      await handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'monitoring.1', by: LURAH.email, evidenceIds: [] }] });
      state = await handle.executeUpdate(waiveTaskUpdate, { args: [{ taskKey: 'monitoring.2', by: KOORDINATOR.email, reason: 'Program diakhiri lebih awal' }] });
      expect(state.tasks.every((t) => t.state === 'APPROVED' || t.state === 'WAIVED')).toBe(true);
      expect((await handle.query(caseStateQuery)).status).toBe('COMPLETED');
      expect(await rejection(handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'laporan', by: LURAH.email, evidenceIds: [] }] }))).toBe('CASE_COMPLETED');
      state = await handle.executeUpdate(signOffCaseUpdate, { args: [{ by: KOORDINATOR.email, comment: 'Seluruh tahapan selesai' }] });
      expect(state.status).toBe('SIGNED_OFF');
      expect(await handle.result()).toEqual({ caseId: args.caseId, status: 'SIGNED_OFF' });
      await recordHistoryIfAsked(handle, 'v2-case-phases-recurrence-signoff');
    });
  });

  it('keeps the case going when an address is refused, and tells the coordinator once instead of retrying forever', async () => {
    const recorder = new RecordingActivities();
    const wrong = { email: 'lurah.salah@example.go.id', name: 'Lurah (alamat salah)', locale: 'id' as const };
    refusedAddresses.add(wrong.email);
    await run(recorder, async (startDate) => {
      const handle = await start(input(startDate, oneTask(), { unitHeads: [wrong, LURAH] }));
      await env.sleep('25 days');
      const state = await handle.query(caseStateQuery);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect(state.tasks[0]).toMatchObject({ overdue: true, escalationLevel: 3 });
      // The good address got every rung; the refused one nothing; the coordinator one report per refused email.
      // (The task opened on the first day is announced too.)
      expect(recorder.sent.filter((s) => s.request.to.email === LURAH.email).map((s) => s.request.message.kind)).toEqual(['task-assigned', 'reminder', 'overdue', 'escalation']);
      expect(recorder.sent.some((s) => s.request.to.email === wrong.email)).toBe(false);
      const reports = recorder.sent.filter((s) => s.request.message.kind === 'delivery-failed');
      expect(reports.map((s) => s.request.to.email)).toEqual([KOORDINATOR.email, KOORDINATOR.email, KOORDINATOR.email, KOORDINATOR.email]);
      expect(reports.map((s) => (s.request.message as { failedKind: string }).failedKind)).toEqual(['task-assigned', 'reminder', 'overdue', 'escalation']);
      expect(reports[0].request.message).toMatchObject({ failedRecipient: wrong.email, error: expect.stringContaining('550') });
    });
  });

  it('moves a running case to a newer template version only when a coordinator migrates it', async () => {
    const recorder = new RecordingActivities();
    await run(recorder, async (startDate) => {
      const v1 = oneTask({}, 10);
      const args = input(startDate, v1);
      const calendar = new WorkingCalendar(args.holidays);
      const handle = await start(args);
      await handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'laporan', by: LURAH.email, evidenceIds: ['e1'] }] });
      // Version 2 adds a task and an earlier reminder rung.
      const v2 = parseTemplate({
        ...v1,
        version: 2,
        tasks: [...v1.tasks, { key: 'tambahan', title: { id: 'Dokumen tambahan' }, assigneeRole: 'UNIT_HEAD', due: { from: 'programmeStart', workingDays: 15 } }],
        reminders: [{ workingDaysBefore: 3 }, ...v1.reminders],
      });
      const wrongKey = { ...v2, key: 'templat-lain' };
      expect(await rejection(handle.executeUpdate(programmeActionUpdate, { args: [{ actionId: 'm0', kind: 'migrate', by: KOORDINATOR.email, reason: 'x', template: wrongKey }] }))).toBe('TEMPLATE_MISMATCH');
      const state = await handle.executeUpdate(programmeActionUpdate, { args: [{ actionId: 'm1', kind: 'migrate', by: KOORDINATOR.email, reason: 'Templat 2027 menambah dokumen', template: v2 }] });
      expect(state.templateVersion).toBe(2);
      // The kept task keeps its state; the new one is scheduled from the case's own start.
      expect(state.tasks.map((t) => [t.key, t.state])).toEqual([
        ['laporan', 'SUBMITTED'],
        ['tambahan', 'OPEN'],
      ]);
      expect(state.tasks[1].dueDate).toBe(calendar.addWorkingDays(calendar.onOrAfter(startDate), 15));
      expect(state.history.at(-1)).toMatchObject({ action: 'template-migrated', before: { version: 1 }, after: { version: 2 } });
      expect(await rejection(handle.executeUpdate(programmeActionUpdate, { args: [{ actionId: 'm2', kind: 'migrate', by: KOORDINATOR.email, reason: 'lagi', template: v2 }] }))).toBe('TEMPLATE_NOT_NEWER');
      // The new version's ladder drives the clock: the 3-working-days rung, which v1 did not have, arrives.
      await env.sleep('30 days');
      const rungs = recorder.sent.filter((s) => s.request.message.kind === 'reminder' && s.request.message.taskTitle === 'Dokumen tambahan').map((s) => (s.request.message as { workingDaysBefore: number }).workingDaysBefore);
      expect(rungs).toEqual([3, 1]);
    });
  });

  it('continues as new once the history is long, carrying every field of the state, the template and the calendar', async () => {
    const recorder = new RecordingActivities();
    await run(recorder, async (startDate) => {
      const args = input(startDate, oneTask({}, 30), { historyLimit: 120 });
      const handle: WorkflowHandle = await start(args);
      const firstRun = (await handle.describe()).runId;
      let last = await handle.query(caseStateQuery);
      // Submit and return until the run continues as new (each round adds a dozen events).
      for (let round = 0; round < 30; round++) {
        await handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'laporan', by: LURAH.email, evidenceIds: [`e${round}`], note: `putaran ${round}` }] });
        last = await handle.executeUpdate(reviewTaskUpdate, { args: [{ taskKey: 'laporan', by: KOORDINATOR.email, decision: 'return', level: 0, comment: `perbaiki ${round}` }] });
        await env.sleep('1 minute');
        if ((await handle.describe()).runId !== firstRun) break;
      }
      await handle.executeUpdate(requestExtensionUpdate, { args: [{ taskKey: 'laporan', by: LURAH.email, workingDays: 2, reason: 'setelah continue-as-new' }] });
      const desc = await handle.describe();
      expect(desc.runId).not.toBe(firstRun);
      const now = await handle.query(caseStateQuery);
      // Everything the old run held is in the new one; the only change is the extension request made afterwards.
      const { extensionRequest, history, ...rest } = now.tasks[0];
      const { extensionRequest: _e, history: oldHistory, ...oldRest } = last.tasks[0];
      expect(rest).toEqual(oldRest);
      expect(history.slice(0, oldHistory.length)).toEqual(oldHistory);
      expect(extensionRequest).toMatchObject({ workingDays: 2 });
      expect({ ...now, tasks: [], version: 0 }).toEqual({ ...last, tasks: [], version: 0 });
      expect(now.version).toBeGreaterThan(last.version);
      // The carried template and calendar still drive the clock: the overdue notice arrives after the deadline.
      await env.sleep('60 days');
      const after = await handle.query(caseStateQuery);
      expect(after.tasks[0].overdue).toBe(true);
      expect(recorder.sent.some((s) => s.request.message.kind === 'overdue')).toBe(true);
      expect(recorder.sent.filter((s) => s.request.message.kind === 'task-returned').length).toBeGreaterThan(3);
    });
  });
});
