import type { db } from '@kawal/database';
import type { CaseTask } from '@kawal/domain';
import type { CaseTaskDto } from '../programmes/programme.dto';

/** The review level shown to people: 1-based while a task is being reviewed, 0 otherwise. */
const shownReviewLevel = (state: string, level: number) => (state === 'SUBMITTED' || state === 'IN_REVIEW' ? level + 1 : 0);

/** A task as the read model stores it. */
export const toCaseTaskDto = (t: db.Task): CaseTaskDto => ({
  key: t.key,
  title: t.title,
  state: t.state,
  dueDate: t.dueDate ? t.dueDate.toISOString().slice(0, 10) : null,
  dueAt: t.dueAt ? t.dueAt.toISOString() : null,
  overdue: t.overdue,
  escalationLevel: t.escalationLevel,
  reviewLevel: shownReviewLevel(t.state, t.reviewLevel),
  lastComment: t.lastComment,
  phase: t.phase,
  assigneeEmail: t.assigneeEmail,
  extensionRequested: t.extensionRequest !== null,
  component: t.component,
  followUp: (t.followUp as CaseTaskDto['followUp']) ?? null,
});

/** A task as the case workflow returned it from a command (fresher than the read model). */
export const fromWorkflowTask = (t: CaseTask): CaseTaskDto => ({
  key: t.key,
  title: t.title,
  state: t.state,
  dueDate: t.dueDate,
  dueAt: t.dueAt,
  overdue: t.overdue,
  escalationLevel: t.escalationLevel,
  reviewLevel: shownReviewLevel(t.state, t.reviewLevel),
  lastComment: t.lastComment ?? null,
  phase: t.phase ?? null,
  assigneeEmail: t.assignee?.email ?? null,
  extensionRequested: t.extensionRequest !== undefined,
  component: t.component ?? null,
  followUp: t.followUp ?? null,
});
