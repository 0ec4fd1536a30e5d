import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { MessageData } from '@kawal/contracts';
import { CaseWorkflowInput, caseStateQuery, reviewTaskUpdate, revokeDesignationUpdate, submitTaskUpdate } from '@kawal/contracts';
import {
  CaseState,
  CaseTask,
  TemplateDefinition,
  addCalendarDays,
  designationOf,
  localDateAt,
  localTimeToInstant,
  officeHourOf,
} from '@kawal/domain';
import { parseTemplate } from '@kawal/templates';
import { holidaysBetween } from '@kawal/holidays';
import { createTimeSkippingEnv, uniqueTaskQueue, uniqueWorkflowId } from '../support/temporal';
import { RecordingActivities, createTestWorker, recordHistoryIfAsked, rejection, whenIdle } from '../support/workflow-worker';

/**
 * Kelurahan Bebas Maladministrasi: the designation is granted when the Wali Kota's decree (task "penetapan") is
 * approved, and revoked when a maladministration report against the kelurahan is upheld. Revoking reopens exactly
 * the template's listed tasks (verification, assessment, designation), puts open monitoring on hold again, keeps
 * every earlier approval in the history and tells the lurah, the camat and the coordinator once each.
 */

const ZONE = 'Asia/Makassar' as const;
const LURAH = { email: 'lurah.loktabat.utara@example.go.id', name: 'Lurah Loktabat Utara', locale: 'id' as const };
const CAMAT = { email: 'camat.banjarbaru.utara@example.go.id', name: 'Camat Banjarbaru Utara', locale: 'id' as const };
const KOORDINATOR = { email: 'organisasi@example.go.id', name: 'Bagian Organisasi Setda Kota Banjarbaru', locale: 'id' as const };

const template: TemplateDefinition = parseTemplate(
  YAML.parse(readFileSync(path.join(__dirname, '..', '..', 'templates', 'kelurahan-bebas-maladministrasi.v1.yaml'), 'utf8')),
);
const REOPENS = template.revocation!.reopens;

function caseInput(startDate: string): CaseWorkflowInput {
  return {
    caseId: '00000000-0000-4000-8000-000000000b01',
    programmeId: '00000000-0000-4000-9000-000000000b01',
    programmeName: 'Kelurahan Bebas Maladministrasi Kota Banjarbaru',
    unit: { id: 'u-kbm', code: '63.72.01.1001', name: 'Loktabat Utara', timeZone: ZONE },
    startDate,
    template,
    holidays: holidaysBetween(addCalendarDays(startDate, -7), addCalendarDays(startDate, 800)),
    unitHeads: [LURAH],
    parentUnitHeads: [CAMAT],
    coordinator: KOORDINATOR,
    publicBaseUrl: 'http://localhost:3000',
  };
}


/** Submits what is open and approves what awaits review until `until` holds, letting time pass when nothing can be done. */
async function drive(env: TestWorkflowEnvironment, handle: WorkflowHandle, until: (s: CaseState) => boolean): Promise<CaseState> {
  for (let step = 0; step < 200; step++) {
    const state = await handle.query(caseStateQuery);
    if (until(state)) return state;
    if (state.status !== 'ACTIVE') throw new Error(`the case is ${state.status}`);
    let acted = false;
    for (const task of state.tasks) {
      if (task.state === 'OPEN' || task.state === 'RETURNED') {
        const evidenceIds = Array.from({ length: Math.max(1, task.minEvidence) }, (_, i) => `bukti-${task.key}-${step}-${i}`);
        await handle.executeUpdate(submitTaskUpdate, { args: [{ taskKey: task.key, by: LURAH.email, evidenceIds, checked: [...task.checklist] }] });
        acted = true;
      } else if (task.state === 'SUBMITTED' || task.state === 'IN_REVIEW') {
        const by = task.reviewLevel + 1 < task.reviewLevels ? CAMAT.email : KOORDINATOR.email;
        await handle.executeUpdate(reviewTaskUpdate, { args: [{ taskKey: task.key, by, decision: 'approve', level: task.reviewLevel }] });
        acted = true;
      }
    }
    if (acted) continue;
    const now = await env.currentTimeMs();
    const days = [
      ...state.tasks.filter((t) => t.state === 'BLOCKED' && t.opensOn).map((t) => t.opensOn!),
      ...state.phases.filter((p) => p.startedOn && !p.completedOn).map((p) => p.startedOn!),
    ];
    const next = days.map((d) => localTimeToInstant(d, officeHourOf(template), ZONE)).filter((at) => at > now);
    await env.sleep(next.length > 0 ? Math.min(...next) - now + 60_000 : 3 * 24 * 3600_000);
  }
  throw new Error('the driver did not reach its goal');
}

/** Waits (real time) until the recorder holds what the workflow sends after an update returned. */
async function eventually<T>(read: () => T, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}


describe('Kelurahan Bebas Maladministrasi: revoking the designation (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const recorder = new RecordingActivities();
  const taskQueue = uniqueTaskQueue('kbm');

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    worker = await createTestWorker(env, taskQueue, recorder.activities());
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
    await env?.teardown();
  });

  const byKey = (s: CaseState): Record<string, CaseTask> => Object.fromEntries(s.tasks.map((t) => [t.key, t]));
  const events = async (handle: WorkflowHandle) => (await handle.fetchHistory()).events ?? [];

  /**
   * A revoke that must be refused: NOT_DESIGNATED, and nothing written: state, read model and mail unchanged, and no
   * update, activity, timer or marker in the history. (The real server keeps a rejected update out of the history
   * altogether; the time-skipping test server records the empty workflow task that ran the validator.)
   */
  async function expectRefusedRevoke(handle: WorkflowHandle): Promise<void> {
    await whenIdle(handle);
    const before = await handle.query(caseStateQuery);
    const [history, snapshots, sent] = [(await events(handle)).length, recorder.snapshots.length, recorder.sent.length];
    expect(await rejection(handle.executeUpdate(revokeDesignationUpdate, { args: [{ by: KOORDINATOR.email, reason: 'Laporan terbukti', reference: 'LAHP-X' }] }))).toBe('NOT_DESIGNATED');
    expect(await handle.query(caseStateQuery)).toEqual(before);
    const added = (await events(handle)).slice(history);
    expect(added.filter((e) => !e.workflowTaskScheduledEventAttributes && !e.workflowTaskStartedEventAttributes && !e.workflowTaskCompletedEventAttributes)).toEqual([]);
    expect(recorder.snapshots.length).toBe(snapshots);
    expect(recorder.sent.length).toBe(sent);
  }

  it('revokes a granted designation: reopens exactly the listed tasks, re-blocks open monitoring, tells the lurah, camat and coordinator; redoing the tasks grants it again', async () => {
    const startDate = localDateAt(await env.currentTimeMs(), ZONE);
    const args = caseInput(startDate);
    const off = new Set(args.holidays);
    const working = (d: string) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()) && !off.has(d);
    /** n working days after `from`, counted independently of the engine's calendar. */
    const plus = (from: string, n: number) => {
      let d = from;
      for (let left = n; left > 0; ) {
        d = addCalendarDays(d, 1);
        if (working(d)) left--;
      }
      return d;
    };

    const handle = await env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: uniqueWorkflowId('kbm'), args: [args] });
    expect(designationOf(await handle.query(caseStateQuery), template)).toMatchObject({ status: 'pending', grantedOn: null, revocations: [] });
    // Nothing to revoke yet.
    await expectRefusedRevoke(handle);

    // Run the case until the Wali Kota's decree is approved and the first monitoring occurrence is open.
    const granted = await drive(env, handle, (s) => byKey(s)['penetapan'].state === 'APPROVED' && byKey(s)['monitoring.1'].state === 'OPEN');
    const penetapanOn = byKey(granted)['penetapan'].completedOn!;
    expect(designationOf(granted, template)).toMatchObject({ status: 'granted', grantedOn: penetapanOn, name: { id: 'Kelurahan Bebas Maladministrasi' } });
    expect(granted.tasks.filter((t) => !t.key.startsWith('monitoring.')).every((t) => t.state === 'APPROVED')).toBe(true);
    expect(byKey(granted)['monitoring.2'].state).toBe('BLOCKED');

    // The Ombudsman's LAHP on a report against the kelurahan is upheld: the coordinator revokes the designation.
    const before = await handle.query(caseStateQuery);
    const revokedOn = localDateAt(await env.currentTimeMs(), ZONE);
    const sentBefore = recorder.sent.length;
    const reason = 'Laporan masyarakat tentang pungutan pada layanan surat keterangan terbukti (maladministrasi)';
    const reference = 'LAHP 0042/LM/XI/2027/BJM';
    const after = await handle.executeUpdate(revokeDesignationUpdate, { args: [{ by: KOORDINATOR.email, reason, reference }] });
    expect(await handle.query(caseStateQuery)).toEqual(after);
    const b = byKey(before);
    const a = byKey(after);

    // Exactly the listed tasks changed, and the open monitoring occurrence; nothing else.
    const changed = after.tasks.filter((t) => JSON.stringify(t) !== JSON.stringify(b[t.key])).map((t) => t.key);
    expect(changed.sort()).toEqual([...REOPENS, 'monitoring.1'].sort());
    expect(after.tasks.map((t) => t.key)).toEqual(before.tasks.map((t) => t.key));
    // The first listed task is open with a deadline counted in working days from the revocation day...
    const [first, ...rest] = REOPENS;
    const rule = template.tasks.find((t) => t.key === first)!.due as { workingDays: number };
    expect(a[first]).toMatchObject({ state: 'OPEN', reopenedOn: revokedOn, dueDate: plus(revokedOn, rule.workingDays), overdue: false, escalationLevel: 0, reviewLevel: 0 });
    // ...the others wait on it (their deadlines count from the task they wait on, once it is done).
    for (const key of rest) expect(a[key]).toMatchObject({ state: 'BLOCKED', reopenedOn: revokedOn, dueDate: null });
    for (const key of REOPENS) {
      const t = a[key];
      // Earlier submissions and approvals stay in the history; the reopening is added with the reason and the LAHP.
      expect(t.history.slice(0, b[key].history.length)).toEqual(b[key].history);
      expect(t.history).toHaveLength(b[key].history.length + 1);
      expect(t.history.at(-1)).toMatchObject({ by: KOORDINATOR.email, action: 'reopened', comment: reason, before: { state: 'APPROVED' }, after: { reference } });
      expect(t.history.some((h) => h.action === 'submitted')).toBe(true);
      if (t.reviewLevels > 0) expect(t.history.filter((h) => h.action === 'approved')).toHaveLength(t.reviewLevels);
      expect(t.completedOn).toBeUndefined();
    }
    // The tasks before them stay approved.
    for (const key of ['sosialisasi', 'sk-tim-kelurahan', 'sosialisasi-internal', 'maklumat-pelayanan', 'papan-informasi', 'kanal-pengaduan']) {
      expect(a[key]).toEqual(b[key]);
      expect(a[key].state).toBe('APPROVED');
    }
    // Open monitoring waits again for the (new) designation; the later occurrence is untouched.
    expect(a['monitoring.1']).toMatchObject({ state: 'BLOCKED', overdue: false, escalationLevel: 0, dueDate: b['monitoring.1'].dueDate, opensOn: b['monitoring.1'].opensOn });
    expect(a['monitoring.1'].history.at(-1)).toMatchObject({ action: 'blocked-again', by: KOORDINATOR.email, comment: reason, before: { state: 'OPEN' } });
    expect(a['monitoring.2']).toEqual(b['monitoring.2']);
    // Phases holding a reopened task are no longer complete; the earlier ones are.
    const phase = (s: CaseState, key: string) => s.phases.find((p) => p.key === key)!;
    for (const key of ['verifikasi', 'penilaian', 'penetapan']) expect(phase(after, key)).toEqual({ ...phase(before, key), completedOn: null });
    for (const key of ['sosialisasi', 'komunikasi', 'monitoring']) expect(phase(after, key)).toEqual(phase(before, key));

    // The designation is revoked, with the revocation on record.
    expect(after.status).toBe('ACTIVE');
    const designation = designationOf(after, template)!;
    expect(designation).toMatchObject({ status: 'revoked', grantedOn: null });
    expect(designation.revocations).toEqual([{ at: expect.any(String), on: revokedOn, by: KOORDINATOR.email, reason, reference, reopened: REOPENS }]);
    expect(after.history.at(-1)).toMatchObject({ action: 'designation-revoked', by: KOORDINATOR.email, comment: reason, after: { reference, reopened: REOPENS } });

    // One email each to the lurah, the camat and the coordinator, listing the reopened tasks and the open one's deadline.
    const revokedMail = await eventually(
      () => recorder.sent.slice(sentBefore).filter((s) => s.request.message.kind === 'designation-revoked'),
      (v) => v.length >= 3,
    );
    await whenIdle(handle); // nothing more follows once the workflow is idle
    expect(recorder.sent.slice(sentBefore).filter((s) => s.request.message.kind === 'designation-revoked')).toHaveLength(3);
    expect(revokedMail.map((s) => s.request.to.email).sort()).toEqual([LURAH.email, CAMAT.email, KOORDINATOR.email].sort());
    for (const s of revokedMail) {
      expect(s.request.message).toEqual({
        kind: 'designation-revoked',
        programmeName: args.programmeName,
        unitName: 'Loktabat Utara',
        taskTitle: '',
        link: `http://localhost:3000/cases/${args.caseId}`,
        designationName: 'Kelurahan Bebas Maladministrasi',
        reason,
        reference,
        by: KOORDINATOR.email,
        timeZone: 'WITA',
        reopened: REOPENS.map((key) => ({ title: a[key].title, dueDate: key === first ? a[first].dueDate : null })),
      } satisfies MessageData);
    }
    // The reopened task is listed in the revocation email, not announced again on its own.
    expect(recorder.sent.slice(sentBefore).filter((s) => s.request.message.kind === 'task-assigned')).toEqual([]);

    // Revoking again: nothing is held any more, so nothing is revoked or written.
    await expectRefusedRevoke(handle);

    // The kelurahan goes through verification, assessment and designation again: granted again, monitoring open again.
    const regranted = await drive(env, handle, (s) => byKey(s)['penetapan'].state === 'APPROVED' && byKey(s)['monitoring.1'].state === 'OPEN');
    const r = byKey(regranted);
    expect(designationOf(regranted, template)).toMatchObject({ status: 'granted', grantedOn: r['penetapan'].completedOn, revocations: [expect.objectContaining({ reference })] });
    for (const key of REOPENS) {
      expect(r[key].state).toBe('APPROVED');
      const actions = r[key].history.map((h) => h.action);
      expect(actions.indexOf('reopened')).toBeGreaterThan(0);
      expect(actions.slice(actions.indexOf('reopened') + 1)).toContain('submitted');
    }
    expect(r['monitoring.1'].history.map((h) => h.action)).toEqual(['blocked-again']);
    expect(r['monitoring.2'].state).toBe('BLOCKED');
    for (const key of ['verifikasi', 'penilaian', 'penetapan']) expect(phase(regranted, key).completedOn).not.toBeNull();
    // Reopened tasks that opened again one after the other were announced to the lurah.
    const announced = recorder.sent
      .slice(sentBefore)
      .filter((s) => s.request.message.kind === 'task-assigned')
      .map((s) => s.request.message.link.split('/tasks/')[1]);
    expect(announced).toEqual(expect.arrayContaining([...rest, 'monitoring.1']));
    await recordHistoryIfAsked(handle, 'v4-case-kbm-revocation');
  });
});
