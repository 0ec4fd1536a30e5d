import type { TemplateDefinition } from './template';
import { IndonesianTimeZone, LocalDate, WorkingCalendar, endOfLocalDay, localTimeToInstant } from './calendar';

/**
 * One unit's case as a plain state object and the pure rules that change it. The case workflow holds exactly
 * one of these; the API's read model is a projection of it. Everything here is deterministic.
 */
export type TaskState = 'BLOCKED' | 'OPEN' | 'SUBMITTED' | 'IN_REVIEW' | 'RETURNED' | 'APPROVED' | 'WAIVED';
/** COMPLETED: every task approved or waived; SIGNED_OFF: a coordinator closed it formally. */
export type CaseStatus = 'ACTIVE' | 'COMPLETED' | 'SIGNED_OFF' | 'CANCELLED';

export interface TaskHistoryEntry {
  at: string; // ISO instant
  by: string; // email of the person
  action: 'submitted' | 'approved' | 'returned';
  level?: number;
  comment?: string;
}

export interface CaseTask {
  key: string;
  title: string;
  assigneeRole: string;
  state: TaskState;
  dueDate: LocalDate;
  dueAt: string; // ISO instant, end of the local due day
  overdue: boolean;
  /** Index of the review level now deciding (0-based); meaningful in SUBMITTED/IN_REVIEW. */
  reviewLevel: number;
  reviewLevels: number;
  minEvidence: number;
  evidenceIds: string[];
  lastComment?: string;
  submittedAt?: string;
  approvedAt?: string;
  /** Reminder rungs (working days before) already sent. */
  remindersSent: number[];
  history: TaskHistoryEntry[];
}

export interface CaseState {
  caseId: string;
  programmeId: string;
  unitCode: string;
  timeZone: IndonesianTimeZone;
  status: CaseStatus;
  /** Bumped on every change; the read model ignores writes older than what it has. */
  version: number;
  tasks: CaseTask[];
}

export interface ReminderDue {
  kind: 'reminder';
  taskKey: string;
  workingDaysBefore: number;
  at: number; // epoch ms
}
export interface DeadlineDue {
  kind: 'deadline';
  taskKey: string;
  at: number;
}
export type TimerEvent = ReminderDue | DeadlineDue;

const OPEN_STATES: ReadonlySet<TaskState> = new Set(['OPEN', 'RETURNED']);
const DONE_STATES: ReadonlySet<TaskState> = new Set(['APPROVED', 'WAIVED']);

export function newCaseState(args: {
  caseId: string;
  programmeId: string;
  unitCode: string;
  timeZone: IndonesianTimeZone;
  startDate: LocalDate;
  template: TemplateDefinition;
  calendar: WorkingCalendar;
  locale: 'id' | 'en';
}): CaseState {
  const { template, calendar, startDate, timeZone, locale } = args;
  return {
    caseId: args.caseId,
    programmeId: args.programmeId,
    unitCode: args.unitCode,
    timeZone,
    status: 'ACTIVE',
    version: 1,
    tasks: template.tasks.map((t) => {
      const dueDate = calendar.addWorkingDays(calendar.onOrAfter(startDate), t.due.workingDays);
      return {
        key: t.key,
        title: (locale === 'en' && t.title.en) || t.title.id,
        assigneeRole: t.assigneeRole,
        state: 'OPEN' as TaskState,
        dueDate,
        dueAt: new Date(endOfLocalDay(dueDate, timeZone)).toISOString(),
        overdue: false,
        reviewLevel: 0,
        reviewLevels: t.review?.levels.length ?? 0,
        minEvidence: t.evidence.minItems,
        evidenceIds: [],
        remindersSent: [],
        history: [],
      };
    }),
  };
}

/** Indonesian and English wording of a rejection, shown to the person who sent the command. */
export interface Reason {
  id: string;
  en: string;
}

const STATE_ID: Record<TaskState, string> = {
  BLOCKED: 'terblokir',
  OPEN: 'terbuka',
  SUBMITTED: 'sudah dikirim',
  IN_REVIEW: 'sedang diperiksa',
  RETURNED: 'dikembalikan',
  APPROVED: 'sudah disetujui',
  WAIVED: 'dibebaskan',
};

export class CommandRejected extends Error {
  constructor(
    readonly code: string,
    readonly reason: Reason,
  ) {
    super(reason.en);
    this.name = 'CommandRejected';
  }
}

export function findTask(state: CaseState, key: string): CaseTask {
  const task = state.tasks.find((t) => t.key === key);
  if (!task) throw new CommandRejected('TASK_NOT_FOUND', { id: `tugas "${key}" tidak ada dalam kasus ini`, en: `task "${key}" does not exist in this case` });
  return task;
}

export interface SubmitCommand {
  taskKey: string;
  by: string;
  evidenceIds: string[];
  note?: string;
}

export interface ReviewCommand {
  taskKey: string;
  by: string;
  decision: 'approve' | 'return';
  /** The review level the reviewer believes they decide (0-based); guards against double clicks. */
  level: number;
  comment?: string;
}

function assertActive(state: CaseState): void {
  if (state.status !== 'ACTIVE') throw new CommandRejected('CASE_CLOSED', { id: `kasus ini sudah ditutup (${state.status})`, en: `the case is closed (${state.status})` });
}

/** Validation without mutation (update validators call these; nothing is written to history on rejection). */
export function checkSubmit(state: CaseState, cmd: SubmitCommand): void {
  assertActive(state);
  const task = findTask(state, cmd.taskKey);
  if (!OPEN_STATES.has(task.state)) {
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
}

export function checkReview(state: CaseState, cmd: ReviewCommand): void {
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

export function applySubmit(state: CaseState, cmd: SubmitCommand, nowIso: string): CaseTask {
  checkSubmit(state, cmd);
  const task = findTask(state, cmd.taskKey);
  task.evidenceIds = [...cmd.evidenceIds];
  task.submittedAt = nowIso;
  task.history.push({ at: nowIso, by: cmd.by, action: 'submitted', comment: cmd.note });
  task.reviewLevel = 0;
  if (task.reviewLevels === 0) {
    task.state = 'APPROVED';
    task.approvedAt = nowIso;
  } else {
    task.state = 'SUBMITTED';
  }
  state.version++;
  return task;
}

export function applyReview(state: CaseState, cmd: ReviewCommand, nowIso: string): CaseTask {
  checkReview(state, cmd);
  const task = findTask(state, cmd.taskKey);
  task.history.push({ at: nowIso, by: cmd.by, action: cmd.decision === 'approve' ? 'approved' : 'returned', level: cmd.level, comment: cmd.comment });
  task.lastComment = cmd.comment ?? task.lastComment;
  if (cmd.decision === 'return') {
    task.state = 'RETURNED';
    task.reviewLevel = 0;
  } else if (task.reviewLevel + 1 < task.reviewLevels) {
    task.reviewLevel++;
    task.state = 'IN_REVIEW';
  } else {
    task.state = 'APPROVED';
    task.approvedAt = nowIso;
  }
  state.version++;
  return task;
}

export function allTasksDone(state: CaseState): boolean {
  return state.tasks.every((t) => DONE_STATES.has(t.state));
}

/**
 * The earliest pending timed event of the case: a reminder rung of an open task, or a task's deadline.
 * One timer in the workflow waits for this; nothing keeps a timer per task per rung.
 */
export function nextTimerEvent(
  state: CaseState,
  template: Pick<TemplateDefinition, 'reminders' | 'officeHour'>,
  calendar: WorkingCalendar,
): TimerEvent | undefined {
  if (state.status !== 'ACTIVE') return undefined;
  let next: TimerEvent | undefined;
  const consider = (e: TimerEvent) => {
    if (!next || e.at < next.at) next = e;
  };
  for (const task of state.tasks) {
    if (!OPEN_STATES.has(task.state)) continue;
    for (const rung of template.reminders) {
      if (task.remindersSent.includes(rung.workingDaysBefore)) continue;
      const day = calendar.addWorkingDays(task.dueDate, -rung.workingDaysBefore);
      consider({ kind: 'reminder', taskKey: task.key, workingDaysBefore: rung.workingDaysBefore, at: localTimeToInstant(day, template.officeHour, state.timeZone) });
    }
    if (!task.overdue) consider({ kind: 'deadline', taskKey: task.key, at: Date.parse(task.dueAt) + 1 });
  }
  return next;
}

/** Per-state task counts, for progress views. */
export function countByState(tasks: Array<{ state: TaskState }>): Record<TaskState, number> {
  const counts: Record<TaskState, number> = { BLOCKED: 0, OPEN: 0, SUBMITTED: 0, IN_REVIEW: 0, RETURNED: 0, APPROVED: 0, WAIVED: 0 };
  for (const t of tasks) counts[t.state]++;
  return counts;
}
