import type { TemplateDefinition } from './template';
import { rungOffset } from './template';
import {
  CaseContext,
  CaseState,
  CaseTask,
  CommandRejected,
  EMAIL_RE,
  Person,
  TaskState,
  blockedReason,
  findTask,
  isDone,
  iso,
  setDueDate,
  settle,
  skipPastRungs,
  tasksForTemplate,
  today,
} from './case-state';
import { FOLLOW_UP_TEMPLATE_KEY } from './follow-ups';

/**
 * Commands on a case: each has a check (no mutation; the workflow's update validator calls it, so a rejected
 * command writes nothing to history) and an apply (mutates the state; calls the check first).
 */

export interface SubmitCommand {
  taskKey: string;
  by: string;
  evidenceIds: string[];
  note?: string;
  /** Keys of the checklist items the unit ticks. */
  checked?: string[];
}

export interface ReviewCommand {
  taskKey: string;
  by: string;
  decision: 'approve' | 'return';
  /** The review level the reviewer believes they decide (0-based); guards against double clicks. */
  level: number;
  comment?: string;
}

export interface RequestExtensionCommand {
  taskKey: string;
  by: string;
  workingDays: number;
  reason: string;
}

export interface DecideExtensionCommand {
  taskKey: string;
  by: string;
  approve: boolean;
  comment?: string;
}

export interface WaiveCommand {
  taskKey: string;
  by: string;
  reason: string;
}

export interface ReassignCommand {
  taskKey: string;
  by: string;
  to: Person;
  reason?: string;
}

export interface SignOffCommand {
  by: string;
  comment?: string;
}

/** A coordinator's action on a whole programme, applied to each case (idempotent by actionId). */
export type ProgrammeActionCommand = {
  actionId: string;
  by: string;
  reason: string;
} & (
  | { kind: 'extend'; workingDays: number; taskKeys?: string[] }
  | { kind: 'suspend' }
  | { kind: 'resume' }
  | { kind: 'remind' }
  | { kind: 'cancel' }
  | { kind: 'close' }
  | { kind: 'migrate'; template: TemplateDefinition }
);

const STATE_ID: Record<TaskState, string> = {
  BLOCKED: 'belum dapat dikerjakan',
  OPEN: 'terbuka',
  SUBMITTED: 'sudah dikirim',
  IN_REVIEW: 'sedang diperiksa',
  RETURNED: 'dikembalikan',
  APPROVED: 'sudah disetujui',
  WAIVED: 'dibebaskan',
};

const MAX_APPLIED_ACTIONS = 100;

function assertActive(state: CaseState): void {
  if (state.status === 'COMPLETED') {
    throw new CommandRejected('CASE_COMPLETED', { id: 'semua tugas kasus ini sudah selesai; kasus menunggu pengesahan', en: 'every task of this case is done; the case awaits sign-off' });
  }
  if (state.status !== 'ACTIVE') throw new CommandRejected('CASE_CLOSED', { id: `kasus ini sudah ditutup (${state.status})`, en: `the case is closed (${state.status})` });
}

function assertNotDone(task: CaseTask, verb: { id: string; en: string }): void {
  if (isDone(task)) {
    throw new CommandRejected('INVALID_STATE', {
      id: `tugas "${task.key}" ${STATE_ID[task.state]} dan tidak dapat ${verb.id}`,
      en: `task "${task.key}" is ${task.state} and cannot be ${verb.en}`,
    });
  }
}

function requireText(value: string | undefined, field: string, what: { id: string; en: string }): void {
  if (!value?.trim()) throw new CommandRejected(`${field.toUpperCase()}_REQUIRED`, { id: `${what.id} wajib diisi`, en: `${what.en} is required` });
}

function history(task: CaseTask, entry: CaseTask['history'][number]): void {
  task.history.push(entry);
}


// ---------------------------------------------------------------------------------------------------- submit

export function checkSubmit(state: CaseState, ctx: CaseContext, cmd: SubmitCommand): void {
  assertActive(state);
  const task = findTask(state, cmd.taskKey);
  if (task.state === 'BLOCKED') {
    const why = blockedReason(state, ctx, task);
    throw new CommandRejected('TASK_BLOCKED', { id: `tugas "${task.key}" belum dapat dikerjakan: ${why.id}`, en: `task "${task.key}" cannot be worked on yet: ${why.en}` });
  }
  if (task.state !== 'OPEN' && task.state !== 'RETURNED') {
    throw new CommandRejected('INVALID_STATE', {
      id: `tugas "${task.key}" ${STATE_ID[task.state]} dan tidak dapat dikirim`,
      en: `task "${task.key}" is ${task.state} and cannot be submitted`,
    });
  }
  const unique = new Set(cmd.evidenceIds);
  if (unique.size !== cmd.evidenceIds.length) throw new CommandRejected('DUPLICATE_EVIDENCE', { id: 'bukti yang sama tercantum dua kali', en: 'evidenceIds must not repeat' });
  if (unique.size < task.minEvidence) {
    throw new CommandRejected('EVIDENCE_REQUIRED', {
      id: `tugas "${task.key}" memerlukan paling sedikit ${task.minEvidence} bukti, baru ${unique.size}`,
      en: `task "${task.key}" needs at least ${task.minEvidence} piece(s) of evidence, got ${unique.size}`,
    });
  }
  const checked = cmd.checked ?? [];
  const unknown = checked.filter((k) => !(task.checklist ?? []).includes(k));
  if (unknown.length > 0) {
    throw new CommandRejected('UNKNOWN_CHECKLIST_ITEM', { id: `butir daftar periksa tidak dikenal: ${unknown.join(', ')}`, en: `unknown checklist item(s): ${unknown.join(', ')}` });
  }
  const missing = (task.requiredChecklist ?? []).filter((k) => !checked.includes(k));
  if (missing.length > 0) {
    throw new CommandRejected('CHECKLIST_INCOMPLETE', { id: `butir daftar periksa wajib belum dicentang: ${missing.join(', ')}`, en: `required checklist item(s) not ticked: ${missing.join(', ')}` });
  }
}

/** Returns the task; its state is APPROVED straight away when it needs no review. */
export function applySubmit(state: CaseState, ctx: CaseContext, cmd: SubmitCommand): CaseTask {
  checkSubmit(state, ctx, cmd);
  const task = findTask(state, cmd.taskKey);
  const at = iso(ctx.now);
  task.evidenceIds = [...cmd.evidenceIds];
  task.checked = [...(cmd.checked ?? [])];
  task.submittedAt = at;
  history(task, { at, by: cmd.by, action: 'submitted', comment: cmd.note });
  task.reviewLevel = 0;
  if (task.reviewLevels === 0) {
    task.state = 'APPROVED';
    task.approvedAt = at;
    task.completedOn = today(state, ctx.now);
  } else {
    task.state = 'SUBMITTED';
  }
  state.version++;
  return task;
}

// ---------------------------------------------------------------------------------------------------- review

export function checkReview(state: CaseState, _ctx: CaseContext, cmd: ReviewCommand): void {
  assertActive(state);
  const task = findTask(state, cmd.taskKey);
  if (task.state !== 'SUBMITTED' && task.state !== 'IN_REVIEW') {
    throw new CommandRejected('INVALID_STATE', {
      id: `tugas "${task.key}" ${STATE_ID[task.state]}; hanya tugas yang sudah dikirim yang dapat diperiksa`,
      en: `task "${task.key}" is ${task.state}; only a submitted task can be reviewed`,
    });
  }
  if (cmd.level !== task.reviewLevel) {
    throw new CommandRejected('WRONG_REVIEW_LEVEL', {
      id: `tugas "${task.key}" menunggu pemeriksaan tingkat ${task.reviewLevel + 1}, bukan ${cmd.level + 1}`,
      en: `task "${task.key}" awaits review level ${task.reviewLevel + 1}, not ${cmd.level + 1}`,
    });
  }
  if (cmd.decision === 'return' && !cmd.comment?.trim()) {
    throw new CommandRejected('COMMENT_REQUIRED', { id: 'tugas yang dikembalikan memerlukan catatan tentang apa yang harus diperbaiki', en: 'a returned task needs a comment saying what to fix' });
  }
}

export function applyReview(state: CaseState, ctx: CaseContext, cmd: ReviewCommand): CaseTask {
  checkReview(state, ctx, cmd);
  const task = findTask(state, cmd.taskKey);
  const at = iso(ctx.now);
  history(task, { at, by: cmd.by, action: cmd.decision === 'approve' ? 'approved' : 'returned', level: cmd.level, comment: cmd.comment });
  task.lastComment = cmd.comment ?? task.lastComment;
  if (cmd.decision === 'return') {
    task.state = 'RETURNED';
    task.reviewLevel = 0;
  } else if (task.reviewLevel + 1 < task.reviewLevels) {
    task.reviewLevel++;
    task.state = 'IN_REVIEW';
  } else {
    task.state = 'APPROVED';
    task.approvedAt = at;
    task.completedOn = today(state, ctx.now);
  }
  state.version++;
  return task;
}

// ---------------------------------------------------------------------------------------------------- extension

export const MAX_EXTENSION_DAYS = 60;

export function checkRequestExtension(state: CaseState, _ctx: CaseContext, cmd: RequestExtensionCommand): void {
  assertActive(state);
  const task = findTask(state, cmd.taskKey);
  assertNotDone(task, { id: 'diperpanjang', en: 'extended' });
  if (!task.dueDate) {
    throw new CommandRejected('NO_DEADLINE_YET', { id: `tugas "${task.key}" belum memiliki tenggat`, en: `task "${task.key}" has no deadline yet` });
  }
  if (task.extensionRequest) {
    throw new CommandRejected('EXTENSION_PENDING', {
      id: `permohonan perpanjangan untuk tugas "${task.key}" masih menunggu keputusan`,
      en: `an extension request for task "${task.key}" is still awaiting a decision`,
    });
  }
  if (!Number.isInteger(cmd.workingDays) || cmd.workingDays < 1 || cmd.workingDays > MAX_EXTENSION_DAYS) {
    throw new CommandRejected('INVALID_WORKING_DAYS', { id: `jumlah hari kerja harus 1 sampai ${MAX_EXTENSION_DAYS}`, en: `workingDays must be a whole number from 1 to ${MAX_EXTENSION_DAYS}` });
  }
  requireText(cmd.reason, 'reason', { id: 'alasan', en: 'a reason' });
}

export function applyRequestExtension(state: CaseState, ctx: CaseContext, cmd: RequestExtensionCommand): CaseTask {
  checkRequestExtension(state, ctx, cmd);
  const task = findTask(state, cmd.taskKey);
  const at = iso(ctx.now);
  task.extensionRequest = { requestedBy: cmd.by, workingDays: cmd.workingDays, reason: cmd.reason, at };
  history(task, { at, by: cmd.by, action: 'extension-requested', comment: cmd.reason, after: { workingDays: cmd.workingDays } });
  state.version++;
  return task;
}

export function checkDecideExtension(state: CaseState, _ctx: CaseContext, cmd: DecideExtensionCommand): void {
  assertActive(state);
  const task = findTask(state, cmd.taskKey);
  if (!task.extensionRequest) {
    throw new CommandRejected('NO_EXTENSION_REQUEST', { id: `tidak ada permohonan perpanjangan untuk tugas "${task.key}"`, en: `there is no extension request for task "${task.key}"` });
  }
  if (!cmd.approve) requireText(cmd.comment, 'comment', { id: 'catatan penolakan', en: 'a comment when refusing' });
}

/**
 * Moves a task's deadline by working days from its current due date. If the new deadline is still ahead,
 * the task is no longer overdue or escalated, and its reminder ladder restarts from now.
 */
export function moveDeadline(state: CaseState, ctx: CaseContext, task: CaseTask, workingDays: number): { from: string; to: string } | undefined {
  if (!task.dueDate || workingDays === 0) return undefined;
  const from = task.dueDate;
  setDueDate(state, task, ctx.calendar.addWorkingDays(from, workingDays));
  if (Date.parse(task.dueAt!) >= ctx.now) {
    task.overdue = false;
    task.escalationLevel = 0;
  }
  task.rungsDone = [];
  skipPastRungs(state, task, ctx);
  return { from, to: task.dueDate! };
}

export function applyDecideExtension(state: CaseState, ctx: CaseContext, cmd: DecideExtensionCommand): { task: CaseTask; from: string; to: string } {
  checkDecideExtension(state, ctx, cmd);
  const task = findTask(state, cmd.taskKey);
  const request = task.extensionRequest!;
  task.extensionRequest = undefined;
  const at = iso(ctx.now);
  const from = task.dueDate ?? '';
  let to = from;
  if (cmd.approve) {
    const moved = moveDeadline(state, ctx, task, request.workingDays);
    to = moved?.to ?? from;
  }
  history(task, {
    at,
    by: cmd.by,
    action: cmd.approve ? 'extension-approved' : 'extension-refused',
    comment: cmd.comment,
    before: { dueDate: from },
    after: { dueDate: to, workingDays: request.workingDays },
  });
  state.version++;
  return { task, from, to };
}

// ---------------------------------------------------------------------------------------------------- waive, reassign

export function checkWaive(state: CaseState, _ctx: CaseContext, cmd: WaiveCommand): void {
  assertActive(state);
  const task = findTask(state, cmd.taskKey);
  assertNotDone(task, { id: 'dibebaskan', en: 'waived' });
  requireText(cmd.reason, 'reason', { id: 'alasan pembebasan', en: 'a reason for waiving' });
}

export function applyWaive(state: CaseState, ctx: CaseContext, cmd: WaiveCommand): CaseTask {
  checkWaive(state, ctx, cmd);
  const task = findTask(state, cmd.taskKey);
  history(task, { at: iso(ctx.now), by: cmd.by, action: 'waived', comment: cmd.reason, before: { state: task.state } });
  task.state = 'WAIVED';
  task.extensionRequest = undefined;
  task.completedOn = today(state, ctx.now);
  state.version++;
  return task;
}

export function checkReassign(state: CaseState, _ctx: CaseContext, cmd: ReassignCommand): void {
  assertActive(state);
  const task = findTask(state, cmd.taskKey);
  assertNotDone(task, { id: 'dialihkan', en: 'reassigned' });
  if (!EMAIL_RE.test(cmd.to?.email ?? '')) throw new CommandRejected('INVALID_ASSIGNEE', { id: 'penerima tugas harus memiliki alamat email yang sah', en: 'the new assignee needs a valid email address' });
  if (task.assignee?.email === cmd.to.email) {
    throw new CommandRejected('ALREADY_ASSIGNED', { id: `tugas "${task.key}" sudah ditugaskan kepada ${cmd.to.email}`, en: `task "${task.key}" is already assigned to ${cmd.to.email}` });
  }
}

export function applyReassign(state: CaseState, ctx: CaseContext, cmd: ReassignCommand): CaseTask {
  checkReassign(state, ctx, cmd);
  const task = findTask(state, cmd.taskKey);
  history(task, { at: iso(ctx.now), by: cmd.by, action: 'reassigned', comment: cmd.reason, before: { assignee: task.assignee?.email ?? null }, after: { assignee: cmd.to.email } });
  task.assignee = { email: cmd.to.email, name: cmd.to.name, locale: cmd.to.locale === 'en' ? 'en' : 'id' };
  state.version++;
  return task;
}

// ---------------------------------------------------------------------------------------------------- sign-off

export function checkSignOff(state: CaseState, _ctx: CaseContext, _cmd: SignOffCommand): void {
  if (state.status === 'ACTIVE') {
    const left = state.tasks.filter((t) => !isDone(t)).length;
    throw new CommandRejected('CASE_NOT_COMPLETE', {
      id: `kasus belum dapat disahkan: ${left} tugas belum disetujui atau dibebaskan`,
      en: `the case cannot be signed off yet: ${left} task(s) are not approved or waived`,
    });
  }
  if (state.status !== 'COMPLETED') throw new CommandRejected('CASE_CLOSED', { id: `kasus ini sudah ditutup (${state.status})`, en: `the case is closed (${state.status})` });
}

export function applySignOff(state: CaseState, ctx: CaseContext, cmd: SignOffCommand): void {
  checkSignOff(state, ctx, cmd);
  const at = iso(ctx.now);
  state.status = 'SIGNED_OFF';
  state.signedOff = { by: cmd.by, at, comment: cmd.comment };
  state.history.push({ at, by: cmd.by, action: 'signed-off', comment: cmd.comment });
  state.version++;
}

// ---------------------------------------------------------------------------------------------------- programme actions

export function checkProgrammeAction(state: CaseState, ctx: CaseContext, cmd: ProgrammeActionCommand): void {
  if (state.appliedActions.includes(cmd.actionId)) {
    throw new CommandRejected('ALREADY_APPLIED', { id: 'tindakan ini sudah diterapkan pada kasus ini', en: 'this action was already applied to this case' });
  }
  requireText(cmd.reason, 'reason', { id: 'alasan', en: 'a reason' });
  switch (cmd.kind) {
    case 'cancel':
    case 'close':
      if (state.status === 'SIGNED_OFF' || state.status === 'CANCELLED') assertActive(state);
      return;
    case 'extend':
      assertActive(state);
      if (!Number.isInteger(cmd.workingDays) || cmd.workingDays < 1 || cmd.workingDays > 120) {
        throw new CommandRejected('INVALID_WORKING_DAYS', { id: 'jumlah hari kerja harus 1 sampai 120', en: 'workingDays must be a whole number from 1 to 120' });
      }
      for (const key of cmd.taskKeys ?? []) if (!state.tasks.some((t) => t.templateKey === key || t.key === key)) findTask(state, key);
      return;
    case 'suspend':
      assertActive(state);
      if (state.suspension) throw new CommandRejected('ALREADY_SUSPENDED', { id: `kasus ini sudah ditangguhkan sejak ${state.suspension.since}`, en: `the case is already suspended since ${state.suspension.since}` });
      return;
    case 'resume':
      assertActive(state);
      if (!state.suspension) throw new CommandRejected('NOT_SUSPENDED', { id: 'kasus ini tidak sedang ditangguhkan', en: 'the case is not suspended' });
      return;
    case 'remind':
      assertActive(state);
      if (state.suspension) throw new CommandRejected('SUSPENDED', { id: 'kasus ini sedang ditangguhkan', en: 'the case is suspended' });
      return;
    case 'migrate':
      if (state.status !== 'ACTIVE' && state.status !== 'COMPLETED') assertActive(state);
      if (cmd.template.key !== state.templateKey) {
        throw new CommandRejected('TEMPLATE_MISMATCH', { id: `templat "${cmd.template.key}" bukan templat kasus ini ("${state.templateKey}")`, en: `template "${cmd.template.key}" is not this case's template ("${state.templateKey}")` });
      }
      if (cmd.template.version <= state.templateVersion) {
        throw new CommandRejected('TEMPLATE_NOT_NEWER', { id: `kasus ini sudah memakai versi ${state.templateVersion}`, en: `the case already uses version ${state.templateVersion}` });
      }
      return;
  }
  void ctx;
}

export interface ProgrammeActionEffect {
  /** Tasks to remind now ("remind"). */
  remind: CaseTask[];
  /** Working days deadlines moved ("extend", "resume"). */
  workingDays?: number;
  /** The new template snapshot ("migrate"). */
  template?: TemplateDefinition;
}

export function applyProgrammeAction(state: CaseState, ctx: CaseContext, cmd: ProgrammeActionCommand): ProgrammeActionEffect {
  checkProgrammeAction(state, ctx, cmd);
  const at = iso(ctx.now);
  const effect: ProgrammeActionEffect = { remind: [] };
  const log = (action: CaseState['history'][number]['action'], extra: Partial<CaseState['history'][number]> = {}) =>
    state.history.push({ at, by: cmd.by, action, comment: cmd.reason, ...extra });
  /** Moves an open task's deadline and notes it in the task's history (extend, resume). */
  const moveAndRecord = (task: CaseTask, workingDays: number) => {
    const m = moveDeadline(state, ctx, task, workingDays);
    if (m) task.history.push({ at, by: cmd.by, action: 'deadline-moved', comment: cmd.reason, before: { dueDate: m.from }, after: { dueDate: m.to } });
    return m;
  };
  switch (cmd.kind) {
    case 'extend': {
      const keys = cmd.taskKeys && cmd.taskKeys.length > 0 ? new Set(cmd.taskKeys) : undefined;
      const moved: Record<string, { from: string; to: string }> = {};
      for (const task of state.tasks) {
        if (isDone(task) || (keys && !keys.has(task.key) && !keys.has(task.templateKey))) continue;
        const m = moveAndRecord(task, cmd.workingDays);
        if (m) moved[task.key] = m;
      }
      log('deadlines-extended', { after: { workingDays: cmd.workingDays, tasks: Object.keys(moved) } });
      effect.workingDays = cmd.workingDays;
      break;
    }
    case 'suspend':
      state.suspension = { since: today(state, ctx.now), by: cmd.by, reason: cmd.reason };
      log('suspended', { after: { since: state.suspension.since } });
      break;
    case 'resume': {
      const since = state.suspension!.since;
      const lost = ctx.calendar.workingDaysInRange(since, today(state, ctx.now));
      state.suspension = undefined;
      for (const task of state.tasks) {
        if (isDone(task)) continue;
        moveAndRecord(task, lost);
      }
      log('resumed', { before: { since }, after: { workingDaysShifted: lost } });
      effect.workingDays = lost;
      break;
    }
    case 'remind':
      effect.remind = state.tasks.filter((t) => (t.state === 'OPEN' || t.state === 'RETURNED') && t.dueDate);
      log('reminded', { after: { tasks: effect.remind.map((t) => t.key) } });
      break;
    case 'cancel':
    case 'close':
      state.status = 'CANCELLED';
      log(cmd.kind === 'cancel' ? 'cancelled' : 'closed');
      break;
    case 'migrate':
      migrateTemplate(state, ctx, cmd.template, cmd.by, cmd.reason);
      effect.template = cmd.template;
      break;
  }
  state.appliedActions.push(cmd.actionId);
  if (state.appliedActions.length > MAX_APPLIED_ACTIONS) state.appliedActions.splice(0, state.appliedActions.length - MAX_APPLIED_ACTIONS);
  state.version++;
  return effect;
}

/**
 * Moves a running case onto a newer version of its template, only when a coordinator asks for it.
 * Tasks kept by key keep their state, evidence, history and deadlines; new tasks are added and scheduled;
 * open tasks the new version dropped are waived with the reason; their history stays.
 */
export function migrateTemplate(state: CaseState, ctx: CaseContext, template: TemplateDefinition, by: string, reason: string): void {
  const at = iso(ctx.now);
  const next = tasksForTemplate(template);
  const before = { version: state.templateVersion, tasks: state.tasks.map((t) => t.key) };
  const byKey = new Map(state.tasks.map((t) => [t.key, t]));
  const merged: CaseTask[] = [];
  for (const fresh of next) {
    const old = byKey.get(fresh.key);
    if (!old) {
      merged.push(fresh);
      continue;
    }
    byKey.delete(fresh.key);
    merged.push({
      ...old,
      title: fresh.title,
      titleEn: fresh.titleEn,
      phase: fresh.phase,
      assigneeRole: fresh.assigneeRole,
      reviewLevels: fresh.reviewLevels,
      reviewLevel: Math.min(old.reviewLevel, Math.max(0, fresh.reviewLevels - 1)),
      minEvidence: fresh.minEvidence,
      requiredChecklist: fresh.requiredChecklist,
      checklist: fresh.checklist,
      weight: fresh.weight,
    });
  }
  for (const dropped of byKey.values()) {
    // Follow-ups a coordinator added are the case's own, not the template's: a new version keeps them as they are.
    if (!isDone(dropped) && dropped.templateKey !== FOLLOW_UP_TEMPLATE_KEY) {
      dropped.history.push({ at, by, action: 'waived', comment: reason, before: { state: dropped.state } });
      dropped.state = 'WAIVED';
      dropped.completedOn = today(state, ctx.now);
    }
    merged.push(dropped);
  }
  state.tasks = merged;
  const phases = new Map(state.phases.map((p) => [p.key, p]));
  state.phases = (template.phases ?? []).map((p) => phases.get(p.key) ?? { key: p.key, startedOn: null, completedOn: null });
  state.templateVersion = template.version;
  state.history.push({ at, by, action: 'template-migrated', comment: reason, before, after: { version: template.version, tasks: merged.map((t) => t.key) } });
  if (state.status === 'COMPLETED' && merged.some((t) => !isDone(t))) state.status = 'ACTIVE';
  settle(state, { ...ctx, template });
}

/** The reminder offsets (signed working days) of a template's ladder, for display. */
export function ladderOffsets(template: Pick<TemplateDefinition, 'reminders'>): number[] {
  return (template.reminders ?? []).map(rungOffset).sort((a, b) => a - b);
}
