import type { db } from '@kawal/database';
import type { CaseTaskDto } from '../programmes/programme.dto';

export const toCaseTaskDto = (t: db.Task): CaseTaskDto => ({
  key: t.key,
  title: t.title,
  state: t.state,
  dueDate: t.dueDate.toISOString().slice(0, 10),
  dueAt: t.dueAt.toISOString(),
  overdue: t.overdue,
  reviewLevel: t.state === 'SUBMITTED' || t.state === 'IN_REVIEW' ? t.reviewLevel + 1 : 0,
  lastComment: t.lastComment,
});
