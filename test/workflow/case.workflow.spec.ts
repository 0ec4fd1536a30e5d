import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CaseWorkflowInput, caseStateQuery, reviewTaskUpdate, signOffCaseUpdate, submitTaskUpdate } from '@kawal/contracts';
import { TemplateDefinition, WorkingCalendar, localDateAt, localTimeToInstant } from '@kawal/domain';
import { parseTemplate } from '@kawal/templates';
import { createTimeSkippingEnv, uniqueTaskQueue, uniqueWorkflowId } from '../support/temporal';
import { RecordingActivities, createTestWorker, recordHistoryIfAsked, whenIdle } from '../support/workflow-worker';

const template: TemplateDefinition = parseTemplate({
  key: 'uji-dua-tugas',
  version: 1,
  name: { id: 'Uji dua tugas' },
  tasks: [
    { key: 'dokumen', title: { id: 'Dokumen' }, assigneeRole: 'UNIT_HEAD', due: { from: 'programmeStart', workingDays: 5 }, evidence: { minItems: 1, kinds: ['document'] }, review: { levels: [{ role: 'COORDINATOR', name: { id: 'Bagian Organisasi' } }] } },
    { key: 'foto', title: { id: 'Foto' }, assigneeRole: 'UNIT_HEAD', due: { from: 'programmeStart', workingDays: 12 }, evidence: { minItems: 1, kinds: ['photo'] }, review: { levels: [{ role: 'COORDINATOR', name: { id: 'Bagian Organisasi' } }] } },
  ],
  reminders: [{ workingDaysBefore: 2 }],
});

function input(env: TestWorkflowEnvironment, startDate: string, overrides: Partial<CaseWorkflowInput> = {}): CaseWorkflowInput {
  return {
    caseId: '00000000-0000-4000-8000-000000000001',
    programmeId: '00000000-0000-4000-8000-000000000002',
    programmeName: 'Program Uji',
    unit: { id: 'u1', code: '63.72.01.1001', name: 'Loktabat Utara', timeZone: 'Asia/Makassar' },
    startDate,
    template,
    holidays: [],
    unitHeads: [{ email: 'lurah@example.go.id', name: 'Lurah', locale: 'id' }],
    coordinator: { email: 'koordinator@example.go.id', name: 'Koordinator', locale: 'id' },
    publicBaseUrl: 'http://localhost:3000',
    ...overrides,
  };
}

describe('case workflow (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('sends each reminder once on the right local working day at 07:30, and marks missed deadlines overdue, over 30 days in seconds', async () => {
    const taskQueue = uniqueTaskQueue('case-reminders');
    const recorder = new RecordingActivities();
    const worker = await createTestWorker(env, taskQueue, recorder.activities());
    const startedWall = Date.now();
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const startDate = localDateAt(now, 'Asia/Makassar');
      const handle = await env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: uniqueWorkflowId('case'), args: [input(env, startDate)] });
      await env.sleep('30 days');
      const state = await handle.query(caseStateQuery);

      const calendar = new WorkingCalendar();
      const first = calendar.onOrAfter(startDate);
      expect(state.tasks.map((t) => t.dueDate)).toEqual([calendar.addWorkingDays(first, 5), calendar.addWorkingDays(first, 12)]);
      expect(state.tasks.every((t) => t.overdue)).toBe(true);
      expect(state.tasks.every((t) => t.state === 'OPEN')).toBe(true);

      const reminders = recorder.sent.filter((s) => s.request.message.kind === 'reminder');
      expect(reminders).toHaveLength(2);
      for (const [i, task] of state.tasks.entries()) {
        const day = calendar.addWorkingDays(task.dueDate!, -2);
        const r = reminders[i];
        expect(r.request.to.email).toBe('lurah@example.go.id');
        expect(r.request.message).toMatchObject({ kind: 'reminder', dueDate: task.dueDate, timeZone: 'WITA', workingDaysBefore: 2 });
        // The timer fires at 07:30 WITA (23:30 UTC the day before) on the working day two days ahead of the due date.
        expect(r.scheduledAt.getTime()).toBeGreaterThanOrEqual(localTimeToInstant(day, '07:30', 'Asia/Makassar'));
        expect(r.scheduledAt.getTime()).toBeLessThan(localTimeToInstant(day, '07:30', 'Asia/Makassar') + 60_000);
      }
      // Every snapshot the read model received moves forward.
      const versions = recorder.snapshots.map((s) => s.version);
      expect([...versions].sort((a, b) => a - b)).toEqual(versions);
      await recordHistoryIfAsked(handle, 'v2-case-reminders-overdue');
    });
    expect(Date.now() - startedWall).toBeLessThan(60_000);
  });

  it('takes a submission, a return with a comment, a resubmission and an approval, then waits for sign-off', async () => {
    const taskQueue = uniqueTaskQueue('case-review');
    const recorder = new RecordingActivities();
    const worker = await createTestWorker(env, taskQueue, recorder.activities());
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const handle = await env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: uniqueWorkflowId('case'), args: [input(env, localDateAt(now, 'Asia/Makassar'))] });

      let state = await handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'dokumen', by: 'lurah@example.go.id', evidenceIds: ['e1'] }] });
      expect(state.tasks[0].state).toBe('SUBMITTED');
      state = await handle.executeUpdate(reviewTaskUpdate, { args: [{ taskKey: 'dokumen', by: 'koordinator@example.go.id', decision: 'return', level: 0, comment: 'Tanda tangan belum ada' }] });
      expect(state.tasks[0]).toMatchObject({ state: 'RETURNED', lastComment: 'Tanda tangan belum ada' });
      state = await handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'dokumen', by: 'lurah@example.go.id', evidenceIds: ['e2'] }] });
      state = await handle.executeUpdate(reviewTaskUpdate, { args: [{ taskKey: 'dokumen', by: 'koordinator@example.go.id', decision: 'approve', level: 0 }] });
      expect(state.tasks[0].state).toBe('APPROVED');

      await handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'foto', by: 'lurah@example.go.id', evidenceIds: ['e3'] }] });
      await handle.executeUpdate(reviewTaskUpdate, { args: [{ taskKey: 'foto', by: 'koordinator@example.go.id', decision: 'approve', level: 0 }] });

      // Every task is done: the case completes and waits for the coordinator's sign-off.
      expect((await handle.query(caseStateQuery)).status).toBe('COMPLETED');
      expect(recorder.snapshots.at(-1)?.status).toBe('COMPLETED');
      const signed = await handle.executeUpdate(signOffCaseUpdate, { args: [{ by: 'koordinator@example.go.id', comment: 'Lengkap' }] });
      expect(signed.signedOff).toMatchObject({ by: 'koordinator@example.go.id', comment: 'Lengkap' });
      const result = await handle.result();
      expect(result).toEqual({ caseId: '00000000-0000-4000-8000-000000000001', status: 'SIGNED_OFF' });
      const kinds = recorder.sent.map((s) => s.request.message.kind);
      expect(kinds.filter((k) => k === 'task-returned')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'task-approved')).toHaveLength(2);
      const returned = recorder.sent.find((s) => s.request.message.kind === 'task-returned')!;
      expect(returned.request.message).toMatchObject({ comment: 'Tanda tangan belum ada', taskTitle: 'Dokumen' });
      expect(kinds.filter((k) => k === 'case-signed-off')).toHaveLength(1);
      expect(recorder.snapshots.at(-1)?.status).toBe('SIGNED_OFF');
      await recordHistoryIfAsked(handle, 'v2-case-submit-return-approve-signoff');
    });
  });

  it('rejects commands that make no sense in the validator, writing nothing to history', async () => {
    const taskQueue = uniqueTaskQueue('case-reject');
    const recorder = new RecordingActivities();
    const worker = await createTestWorker(env, taskQueue, recorder.activities());
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const handle = await env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: uniqueWorkflowId('case'), args: [input(env, localDateAt(now, 'Asia/Makassar'))] });
      const opened = (await handle.query(caseStateQuery)).tasks.filter((t) => t.state === 'OPEN').length;
      const activitiesScheduled = async () => ((await handle.fetchHistory()).events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).length;
      // Let the announcements of the tasks open from the first day go out first.
      await whenIdle(handle);
      expect(recorder.sent).toHaveLength(opened);
      const before = await activitiesScheduled();

      const failureType = async (p: Promise<unknown>) => {
        try {
          await p;
        } catch (err) {
          expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
          return ((err as WorkflowUpdateFailedError).cause as ApplicationFailure).type;
        }
        throw new Error('expected the update to be rejected');
      };
      expect(await failureType(handle.executeUpdate(reviewTaskUpdate, { args: [{ taskKey: 'dokumen', by: 'k@example.go.id', decision: 'approve', level: 0 }] }))).toBe('INVALID_STATE');
      expect(await failureType(handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'dokumen', by: 'l@example.go.id', evidenceIds: [] }] }))).toBe('EVIDENCE_REQUIRED');
      expect(await failureType(handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'tidak-ada', by: 'l@example.go.id', evidenceIds: ['x'] }] }))).toBe('TASK_NOT_FOUND');

      // No update was accepted and nothing was done: no update events, no new activity (the test server may still
      // persist the workflow tasks that the real server keeps speculative).
      const events = (await handle.fetchHistory()).events ?? [];
      expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes || e.workflowExecutionUpdateCompletedEventAttributes)).toHaveLength(0);
      expect(await activitiesScheduled()).toBe(before);
      expect((await handle.query(caseStateQuery)).version).toBe(1);
    });
  });

  it('sends the sign-off email even when the sign-off arrives while the case is being completed', async () => {
    const taskQueue = uniqueTaskQueue('case-signoff-race');
    const recorder = new RecordingActivities();
    const base = recorder.activities();
    // The read-model write of the COMPLETED state is slow, so the coordinator's sign-off lands while it is in flight.
    const activities = {
      ...base,
      recordCaseState: async (state: Parameters<NonNullable<typeof base.recordCaseState>>[0]) => {
        if (state.status === 'COMPLETED') await new Promise((r) => setTimeout(r, 1_500));
        return base.recordCaseState!(state);
      },
    };
    const single = parseTemplate({ key: 'uji-satu', version: 1, name: { id: 'Uji satu' }, tasks: [{ key: 'dokumen', title: { id: 'Dokumen' }, assigneeRole: 'UNIT_HEAD', due: { from: 'programmeStart', workingDays: 5 } }] });
    const worker = await createTestWorker(env, taskQueue, activities);
    await worker.runUntil(async () => {
      const startDate = localDateAt(await env.currentTimeMs(), 'Asia/Makassar');
      const handle = await env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: uniqueWorkflowId('case'), args: [input(env, startDate, { template: single })] });
      await handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: 'dokumen', by: 'lurah@example.go.id', evidenceIds: [] }] });
      for (let i = 0; i < 100 && (await handle.query(caseStateQuery)).status !== 'COMPLETED'; i++) await new Promise((r) => setTimeout(r, 20));
      await handle.executeUpdate(signOffCaseUpdate, { args: [{ by: 'koordinator@example.go.id', comment: 'Selesai' }] });
      expect(await handle.result()).toMatchObject({ status: 'SIGNED_OFF' });
      expect(recorder.sent.filter((s) => s.request.message.kind === 'case-signed-off').map((s) => s.request.to.email)).toEqual(['lurah@example.go.id']);
      await recordHistoryIfAsked(handle, 'v4-case-signoff-during-completion');
    });
  });
});
