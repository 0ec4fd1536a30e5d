import {
  CaseContext,
  CaseState,
  CaseTask,
  CommandRejected,
  Revocation,
  blockers,
  findTask,
  isDone,
  iso,
  settle,
  today,
} from './case-state';
import type { TemplateDefinition } from './template';

/**
 * A designation a case earns (e.g. "Kelurahan Bebas Maladministrasi", granted when the penetapan task is approved)
 * and its revocation when a maladministration report against the unit is upheld. Revoking opens the template's
 * listed tasks again (verification, assessment, designation): the first of them open at once with deadlines
 * counted from the day of the revocation, the rest wait for them; tasks that depend on a reopened task and are
 * not done yet wait again too. Nothing is deleted: the earlier approvals stay in each task's history.
 */
export interface RevokeDesignationCommand {
  by: string;
  reason: string;
  /** The upheld report behind the revocation, e.g. an Ombudsman LAHP number. */
  reference?: string;
}

export type DesignationStatus = 'none' | 'pending' | 'granted' | 'revoked';

export interface DesignationView {
  name: { id: string; en?: string };
  status: DesignationStatus;
  /** Local date the designation task was approved (while granted). */
  grantedOn: string | null;
  revocations: Revocation[];
}

/** What a case's designation stands at, for the API and emails (null when the template has none). */
export function designationOf(state: Pick<CaseState, 'tasks' | 'revocations'>, template: Pick<TemplateDefinition, 'revocation'>): DesignationView | null {
  const r = template.revocation;
  if (!r) return null;
  const task = state.tasks.find((t) => t.key === r.designationTask);
  const revocations = state.revocations ?? [];
  const granted = task?.state === 'APPROVED';
  return {
    name: r.name,
    status: granted ? 'granted' : revocations.length > 0 ? 'revoked' : 'pending',
    grantedOn: granted ? (task?.completedOn ?? null) : null,
    revocations,
  };
}

export function checkRevokeDesignation(state: CaseState, ctx: CaseContext, cmd: RevokeDesignationCommand): void {
  const r = ctx.template.revocation;
  if (!r) {
    throw new CommandRejected('NO_DESIGNATION', {
      id: `templat "${ctx.template.key}" tidak memiliki penetapan yang dapat dicabut`,
      en: `template "${ctx.template.key}" has no designation that can be revoked`,
    });
  }
  if (state.status !== 'ACTIVE' && state.status !== 'COMPLETED') {
    throw new CommandRejected('CASE_CLOSED', { id: `kasus ini sudah ditutup (${state.status})`, en: `the case is closed (${state.status})` });
  }
  const task = findTask(state, r.designationTask);
  if (task.state !== 'APPROVED') {
    throw new CommandRejected('NOT_DESIGNATED', {
      id: `unit ini belum memegang penetapan "${r.name.id}" (tugas "${task.key}" belum disetujui), jadi tidak ada yang dicabut`,
      en: `this unit does not hold the designation "${r.name.en ?? r.name.id}" (task "${task.key}" is not approved), so there is nothing to revoke`,
    });
  }
  if (!cmd.reason?.trim()) throw new CommandRejected('REASON_REQUIRED', { id: 'alasan pencabutan wajib diisi', en: 'a reason for the revocation is required' });
}

export interface RevocationEffect {
  revocation: Revocation;
  /** Listed tasks opened again (OPEN now, or waiting for another listed task). */
  reopened: CaseTask[];
  /** Tasks not listed that wait again because a task they depend on reopened. */
  blockedAgain: CaseTask[];
}

export function applyRevokeDesignation(state: CaseState, ctx: CaseContext, cmd: RevokeDesignationCommand): RevocationEffect {
  checkRevokeDesignation(state, ctx, cmd);
  const r = ctx.template.revocation!;
  const at = iso(ctx.now);
  const day = today(state, ctx.now);
  const listed = new Set(r.reopens);
  const reopened: CaseTask[] = [];
  let previous: string | undefined;
  // Template order, so a task is reset before the tasks that wait on it are looked at; each reopened task waits for
  // the one before it, whatever the template's own dependencies say.
  for (const task of state.tasks) {
    if (!listed.has(task.key) || !isDone(task)) continue;
    task.history.push({ at, by: cmd.by, action: 'reopened', comment: cmd.reason, before: { state: task.state, completedOn: task.completedOn ?? null }, after: { reference: cmd.reference ?? null } });
    task.state = 'BLOCKED';
    task.dueDate = null;
    task.dueAt = null;
    task.overdue = false;
    task.escalationLevel = 0;
    task.reviewLevel = 0;
    task.rungsDone = [];
    task.checked = [];
    task.extensionRequest = undefined;
    task.completedOn = undefined;
    task.approvedAt = undefined;
    task.reopenedOn = day;
    task.reopenAfter = previous;
    previous = task.key;
    reopened.push(task);
  }
  // Open tasks that wait on a reopened task wait again (submitted work stays with its reviewer).
  // (blockers() also counts reopenAfter, so the order above holds even when the template has no dependencies.)
  const blockedAgain: CaseTask[] = [];
  for (const task of state.tasks) {
    if (listed.has(task.key) || (task.state !== 'OPEN' && task.state !== 'RETURNED')) continue;
    if (blockers(state, ctx, task).length === 0) continue;
    task.history.push({ at, by: cmd.by, action: 'blocked-again', comment: cmd.reason, before: { state: task.state } });
    task.state = 'BLOCKED';
    task.overdue = false;
    task.escalationLevel = 0;
    blockedAgain.push(task);
  }
  // Phases holding a reopened task are no longer complete.
  const phases = new Set(reopened.map((t) => t.phase).filter((p): p is string => !!p));
  for (const phase of state.phases) if (phases.has(phase.key)) phase.completedOn = null;
  const revocation: Revocation = { at, on: day, by: cmd.by, reason: cmd.reason, reference: cmd.reference, reopened: reopened.map((t) => t.key) };
  state.revocations = [...(state.revocations ?? []), revocation];
  state.history.push({ at, by: cmd.by, action: 'designation-revoked', comment: cmd.reason, after: { reference: cmd.reference ?? null, reopened: revocation.reopened } });
  if (state.status === 'COMPLETED') state.status = 'ACTIVE';
  settle(state, ctx);
  state.version++;
  return { revocation, reopened, blockedAgain };
}
