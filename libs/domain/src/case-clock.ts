import { ReminderRung, rungOffset } from './template';
import { CaseContext, CaseState, CaseTask, atOfficeHour, findTask, isAwaitingUnit, rungInstant } from './case-state';
import type { EscalationTarget } from './template';

/**
 * The clock of a case: of every pending reminder rung, deadline, escalation rung and opening date, the
 * earliest. The workflow keeps exactly one timer for it; nothing keeps a timer per task per rung.
 */
export type TimerEvent =
  | { kind: 'reminder'; taskKey: string; offset: number; at: number }
  | { kind: 'deadline'; taskKey: string; at: number }
  | { kind: 'escalation'; taskKey: string; level: number; target: EscalationTarget; at: number }
  /** A phase start or an occurrence's opening date arrived: blocked tasks may open. */
  | { kind: 'open'; at: number };

export function nextTimerEvent(state: CaseState, ctx: CaseContext): TimerEvent | undefined {
  if (state.status !== 'ACTIVE' || state.suspension) return undefined;
  let next: TimerEvent | undefined;
  const consider = (e: TimerEvent) => {
    if (!next || e.at < next.at) next = e;
  };
  const ladder = ctx.template.reminders ?? [];
  const escalation = ctx.template.escalation ?? [];
  for (const task of state.tasks) {
    if (task.state === 'BLOCKED') {
      if (task.opensOn && task.dueDate) {
        const at = atOfficeHour(state, ctx.template, task.opensOn);
        if (at > ctx.now) consider({ kind: 'open', at });
      }
      continue;
    }
    if (!isAwaitingUnit(task) || !task.dueDate) continue;
    for (const rung of ladder) {
      const offset = rungOffset(rung);
      if (!task.rungsDone.includes(offset)) consider({ kind: 'reminder', taskKey: task.key, offset, at: rungInstant(state, ctx, task.dueDate, rung) });
    }
    if (!task.overdue) consider({ kind: 'deadline', taskKey: task.key, at: Date.parse(task.dueAt!) + 1 });
    const rung = escalation[task.escalationLevel];
    if (rung) {
      const day = ctx.calendar.addWorkingDays(task.dueDate, rung.afterWorkingDays);
      consider({ kind: 'escalation', taskKey: task.key, level: task.escalationLevel + 1, target: rung.to, at: atOfficeHour(state, ctx.template, day) });
    }
  }
  for (const phase of state.phases) {
    if (phase.startedOn && !phase.completedOn && state.tasks.some((t) => t.phase === phase.key && t.state === 'BLOCKED')) {
      const at = atOfficeHour(state, ctx.template, phase.startedOn);
      if (at > ctx.now) consider({ kind: 'open', at });
    }
  }
  return next;
}

/** Marks a timer event as handled in the state. Returns the task it concerns (none for "open"). */
export function applyTimerEvent(state: CaseState, ctx: CaseContext, event: TimerEvent): CaseTask | undefined {
  if (event.kind === 'open') return undefined;
  const task = findTask(state, event.taskKey);
  switch (event.kind) {
    case 'deadline':
      task.overdue = true;
      break;
    case 'reminder':
      task.rungsDone.push(event.offset);
      break;
    case 'escalation':
      task.escalationLevel = event.level;
      task.history.push({ at: new Date(ctx.now).toISOString(), by: 'kawal', action: 'escalated', level: event.level, after: { target: event.target } });
      break;
  }
  state.version++;
  return task;
}

/** Working days a task is late on a local day (0 when not late). */
export function workingDaysLate(ctx: CaseContext, task: Pick<CaseTask, 'dueDate'>, day: string): number {
  return task.dueDate ? ctx.calendar.workingDaysBetween(task.dueDate, day) : 0;
}

export type { ReminderRung };
