import { ReminderRung, TemplateDefinition, TemplateTask, rungOffset, taskDependencies } from './template';
import {
  IndonesianTimeZone,
  LocalDate,
  WorkingCalendar,
  addMonths,
  compareLocalDates,
  endOfLocalDay,
  localDateAt,
  localTimeToInstant,
} from './calendar';

/**
 * One unit's case as a plain state object and the pure rules that change it. The case workflow holds exactly
 * one of these; the API's read model is a projection of it. Everything here is deterministic: "now" is always
 * passed in (the workflow's clock), never read.
 */
export type TaskState = 'BLOCKED' | 'OPEN' | 'SUBMITTED' | 'IN_REVIEW' | 'RETURNED' | 'APPROVED' | 'WAIVED';
/** COMPLETED: every task approved or waived, waiting for sign-off; SIGNED_OFF and CANCELLED are final. */
export type CaseStatus = 'ACTIVE' | 'COMPLETED' | 'SIGNED_OFF' | 'CANCELLED';

export type TaskAction =
  | 'submitted'
  | 'approved'
  | 'returned'
  | 'waived'
  | 'reassigned'
  | 'extension-requested'
  | 'extension-approved'
  | 'extension-refused'
  | 'deadline-moved'
  | 'escalated'
  | 'reopened'
  | 'blocked-again'
  | 'added';

export interface TaskHistoryEntry {
  at: string; // ISO instant
  by: string; // email of the person, or "kawal" for the clock
  action: TaskAction;
  level?: number;
  comment?: string;
  /** What changed, for the audit trail (e.g. the due date before and after an extension). */
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

export type CaseAction =
  | 'signed-off'
  | 'suspended'
  | 'resumed'
  | 'deadlines-extended'
  | 'cancelled'
  | 'closed'
  | 'template-migrated'
  | 'reminded'
  | 'designation-revoked'
  | 'follow-ups-added';

export interface CaseHistoryEntry {
  at: string;
  by: string;
  action: CaseAction;
  comment?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

export interface Person {
  email: string;
  name: string;
  locale: 'id' | 'en';
}

export interface ExtensionRequest {
  requestedBy: string;
  workingDays: number;
  reason: string;
  at: string;
}

export interface CaseTask {
  /** Unique in the case; a recurring task's occurrences are "<key>.<n>". */
  key: string;
  /** The template task this one comes from. */
  templateKey: string;
  occurrence?: number;
  title: string;
  titleEn?: string;
  phase?: string;
  assigneeRole: string;
  /** Set when a coordinator reassigned the task to a named person. */
  assignee?: Person;
  state: TaskState;
  /** Local due date; null while it depends on something that has not happened yet (a phase, another task). */
  dueDate: LocalDate | null;
  /** ISO instant of the end of the local due day. */
  dueAt: string | null;
  /** A date-gated task (a recurring occurrence) stays blocked until this local date. */
  opensOn?: LocalDate;
  overdue: boolean;
  /** How many escalation rungs have fired since the deadline last moved (0 = not escalated). */
  escalationLevel: number;
  /** Index of the review level now deciding (0-based); meaningful in SUBMITTED/IN_REVIEW. */
  reviewLevel: number;
  reviewLevels: number;
  minEvidence: number;
  /** Checklist items that must be ticked on submission, and those ticked at the last submission. */
  requiredChecklist: string[];
  checklist: string[];
  checked: string[];
  weight: number;
  /** The scoring instrument's component (dimension, aspect) the task counts toward. */
  component?: string;
  /** Set when a revoked designation opened the task again: its deadline counts from this local date. */
  reopenedOn?: LocalDate;
  /** After a revocation, the reopened task before this one: this one waits until that one is done again. */
  reopenAfter?: string;
  /** A follow-up task a coordinator added to this case (e.g. from the Ombudsman's rapor), and where it came from. */
  followUp?: { source: string; addedBy: string; description?: string };
  evidenceIds: string[];
  lastComment?: string;
  submittedAt?: string;
  approvedAt?: string;
  /** Local date the task was approved or waived; tasks counting from it use this. */
  completedOn?: LocalDate;
  extensionRequest?: ExtensionRequest;
  /** Reminder-ladder rungs (signed working-day offsets from the due date) already handled for this due date. */
  rungsDone: number[];
  history: TaskHistoryEntry[];
}

export interface PhaseState {
  key: string;
  startedOn: LocalDate | null;
  completedOn: LocalDate | null;
}

export interface Suspension {
  since: LocalDate;
  by: string;
  reason: string;
}

export interface CaseState {
  caseId: string;
  programmeId: string;
  unitCode: string;
  timeZone: IndonesianTimeZone;
  /** The local date the case's clock started (the programme start, or the day a late unit joined). */
  startDate: LocalDate;
  templateKey: string;
  templateVersion: number;
  status: CaseStatus;
  /** Bumped on every change; the read model ignores writes older than what it has. */
  version: number;
  phases: PhaseState[];
  tasks: CaseTask[];
  suspension?: Suspension;
  signedOff?: { by: string; at: string; comment?: string };
  /** Ids of programme actions already applied (most recent last), so a retried bulk action applies once. */
  appliedActions: string[];
  /** Each time the case's designation (e.g. Kelurahan Bebas Maladministrasi) was revoked. */
  revocations?: Revocation[];
  history: CaseHistoryEntry[];
}

export interface Revocation {
  at: string;
  on: LocalDate;
  by: string;
  reason: string;
  /** The upheld report behind it, e.g. an Ombudsman LAHP number. */
  reference?: string;
  /** Keys of the tasks opened again. */
  reopened: string[];
}

/** What the rules need besides the state: the template snapshot, the calendar and the clock. */
export interface CaseContext {
  template: TemplateDefinition;
  calendar: WorkingCalendar;
  /** The workflow's current time, epoch ms. */
  now: number;
}

export const OPEN_STATES: ReadonlySet<TaskState> = new Set(['OPEN', 'RETURNED']);
export const DONE_STATES: ReadonlySet<TaskState> = new Set(['APPROVED', 'WAIVED']);
export const isDone = (t: Pick<CaseTask, 'state'>): boolean => DONE_STATES.has(t.state);
export const isAwaitingUnit = (t: Pick<CaseTask, 'state'>): boolean => OPEN_STATES.has(t.state);

/** The workflow clock's instant as an ISO string, for history entries. */
export const iso = (now: number): string => new Date(now).toISOString();

/** What Kawal accepts as an email address in a command (the API checks it more strictly first). */
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function today(state: Pick<CaseState, 'timeZone'>, now: number): LocalDate {
  return localDateAt(now, state.timeZone);
}

export function officeHourOf(template: Pick<TemplateDefinition, 'officeHour'>): string {
  return template.officeHour ?? '07:30';
}

/** The instant of a local day's office hour in the case's zone. */
export function atOfficeHour(state: Pick<CaseState, 'timeZone'>, template: Pick<TemplateDefinition, 'officeHour'>, day: LocalDate): number {
  return localTimeToInstant(day, officeHourOf(template), state.timeZone);
}

export function findTask(state: CaseState, key: string): CaseTask {
  const task = state.tasks.find((t) => t.key === key);
  if (!task) throw new CommandRejected('TASK_NOT_FOUND', { id: `tugas "${key}" tidak ada dalam kasus ini`, en: `task "${key}" does not exist in this case` });
  return task;
}

/** Indonesian and English wording of a rejection, shown to the person who sent the command. */
export interface Reason {
  id: string;
  en: string;
}

export class CommandRejected extends Error {
  constructor(
    readonly code: string,
    readonly reason: Reason,
  ) {
    super(reason.en);
    this.name = 'CommandRejected';
  }
}

function taskFromTemplate(t: TemplateTask, occurrence?: number): CaseTask {
  return {
    key: occurrence === undefined ? t.key : `${t.key}.${occurrence}`,
    templateKey: t.key,
    occurrence,
    title: t.title.id,
    titleEn: t.title.en,
    phase: t.phase,
    assigneeRole: t.assigneeRole,
    state: 'BLOCKED',
    dueDate: null,
    dueAt: null,
    overdue: false,
    escalationLevel: 0,
    reviewLevel: 0,
    reviewLevels: t.review?.levels.length ?? 0,
    minEvidence: t.evidence?.minItems ?? 0,
    requiredChecklist: (t.checklist ?? []).filter((c) => c.required !== false).map((c) => c.key),
    checklist: (t.checklist ?? []).map((c) => c.key),
    checked: [],
    weight: t.weight ?? 1,
    ...(t.component ? { component: t.component } : {}),
    evidenceIds: [],
    rungsDone: [],
    history: [],
  };
}

/** The case's tasks for a template: one per task, or one per occurrence of a recurring task. */
export function tasksForTemplate(template: TemplateDefinition): CaseTask[] {
  return template.tasks.flatMap((t) =>
    t.recurrence ? Array.from({ length: t.recurrence.times }, (_, i) => taskFromTemplate(t, i + 1)) : [taskFromTemplate(t)],
  );
}

export function newCaseState(args: {
  caseId: string;
  programmeId: string;
  unitCode: string;
  timeZone: IndonesianTimeZone;
  startDate: LocalDate;
  ctx: CaseContext;
}): CaseState {
  const { ctx } = args;
  const state: CaseState = {
    caseId: args.caseId,
    programmeId: args.programmeId,
    unitCode: args.unitCode,
    timeZone: args.timeZone,
    startDate: ctx.calendar.onOrAfter(args.startDate),
    templateKey: ctx.template.key,
    templateVersion: ctx.template.version,
    status: 'ACTIVE',
    version: 1,
    phases: (ctx.template.phases ?? []).map((p) => ({ key: p.key, startedOn: null, completedOn: null })),
    tasks: tasksForTemplate(ctx.template),
    appliedActions: [],
    history: [],
  };
  settle(state, ctx);
  state.version = 1;
  // Rungs whose moment had already passed when the case began are skipped, not sent late in a burst.
  for (const task of state.tasks) skipPastRungs(state, task, ctx);
  return state;
}

// ---------------------------------------------------------------------------------------------------------
// Readiness: phases start, blocked tasks open, recurring occurrences get their dates, the case completes.
// ---------------------------------------------------------------------------------------------------------

const templateTask = (template: TemplateDefinition, task: CaseTask): TemplateTask | undefined => template.tasks.find((t) => t.key === task.templateKey);

/** The local date a phase starts, once it can be known (null while it waits on an earlier phase). */
function phaseStartDate(state: CaseState, ctx: CaseContext, index: number): LocalDate | null {
  const phase = (ctx.template.phases ?? [])[index];
  const cal = ctx.calendar;
  const start = phase.start ?? (index === 0 ? { from: 'programmeStart' as const, workingDays: 0 } : { from: 'phaseCompleted' as const, phase: ctx.template.phases![index - 1].key, workingDays: 0 });
  if ('date' in start) return cal.onOrAfter(start.date);
  if (start.from === 'programmeStart') return cal.addWorkingDays(state.startDate, start.workingDays ?? 0);
  const before = state.phases.find((p) => p.key === start.phase);
  if (!before?.completedOn) return null;
  return cal.addWorkingDays(cal.onOrAfter(before.completedOn), start.workingDays ?? 0);
}

/** The reference date a task's due rule counts from, or null while it is unknown. */
function dueReference(state: CaseState, ctx: CaseContext, t: TemplateTask): LocalDate | null {
  const due = t.due;
  if ('date' in due) return null;
  if (due.from === 'programmeStart') return state.startDate;
  if (due.from === 'phaseStart') return state.phases.find((p) => p.key === t.phase)?.startedOn ?? null;
  const anchor = state.tasks.find((x) => x.key === due.task);
  return anchor?.completedOn ? ctx.calendar.onOrAfter(anchor.completedOn) : null;
}

/** Due date (and, for a recurring occurrence, its opening date) once the rule's reference point is known. */
function scheduleOf(state: CaseState, ctx: CaseContext, task: CaseTask): { dueDate: LocalDate; opensOn?: LocalDate } | null {
  const t = templateTask(ctx.template, task);
  if (!t) return task.dueDate ? { dueDate: task.dueDate, opensOn: task.opensOn } : null;
  const cal = ctx.calendar;
  if ('date' in t.due) {
    if (task.reopenAfter && !reopenAnchor(state, task)) return null;
    const fixed = cal.onOrAfter(t.due.date);
    const since = reopenAnchor(state, task) ?? task.reopenedOn;
    if (since && compareLocalDates(fixed, since) <= 0) return { dueDate: cal.addWorkingDays(cal.onOrAfter(since), REOPENED_FIXED_DATE_WORKING_DAYS) };
    return { dueDate: fixed };
  }
  let reference = dueReference(state, ctx, t);
  if (!reference) return null;
  // Waiting for the reopened task before it: no deadline until that one is done again.
  if (task.reopenAfter && !reopenAnchor(state, task)) return null;
  // A task opened again by a revocation counts its deadline from that day (or from when the reopened task before it
  // was done again), not from the original reference.
  for (const since of [task.reopenedOn, reopenAnchor(state, task)]) {
    if (since && compareLocalDates(reference, cal.onOrAfter(since)) < 0) reference = cal.onOrAfter(since);
  }
  if (task.occurrence !== undefined && t.recurrence) {
    const opensOn = cal.onOrAfter(addMonths(reference, task.occurrence * t.recurrence.everyMonths));
    return { opensOn, dueDate: cal.addWorkingDays(opensOn, t.due.workingDays) };
  }
  return { dueDate: cal.addWorkingDays(reference, t.due.workingDays) };
}

/** The local date the reopened task before this one was done again (null while it is not). */
function reopenAnchor(state: CaseState, task: CaseTask): LocalDate | null {
  if (!task.reopenAfter) return null;
  return state.tasks.find((x) => x.key === task.reopenAfter)?.completedOn ?? null;
}

/** A reopened task whose fixed due date has passed gets this many working days from the day it reopened. */
export const REOPENED_FIXED_DATE_WORKING_DAYS = 10;

export function setDueDate(state: CaseState, task: CaseTask, dueDate: LocalDate): void {
  task.dueDate = dueDate;
  task.dueAt = new Date(endOfLocalDay(dueDate, state.timeZone)).toISOString();
}

/**
 * Marks as handled every rung of the reminder ladder whose moment has already passed for the task's current due
 * date: a task that opens, reopens or gets a new deadline starts its ladder from "now", without a burst of stale
 * reminders. Of the escalation rungs already passed, only the highest stays due (it fires once, at once): the
 * supervisor at the level the lateness has reached hears about it; the lower levels are not emailed after the fact.
 */
export function skipPastRungs(state: CaseState, task: CaseTask, ctx: CaseContext): void {
  if (!task.dueDate) return;
  for (const rung of ctx.template.reminders ?? []) {
    const offset = rungOffset(rung);
    if (task.rungsDone.includes(offset)) continue;
    if (rungInstant(state, ctx, task.dueDate, rung) < ctx.now) task.rungsDone.push(offset);
  }
  const chain = ctx.template.escalation ?? [];
  let passed = 0;
  while (passed < chain.length && atOfficeHour(state, ctx.template, ctx.calendar.addWorkingDays(task.dueDate, chain[passed].afterWorkingDays)) < ctx.now) passed++;
  if (passed > 1) task.escalationLevel = Math.max(task.escalationLevel, passed - 1);
}

export function rungInstant(state: CaseState, ctx: CaseContext, dueDate: LocalDate, rung: ReminderRung): number {
  return atOfficeHour(state, ctx.template, ctx.calendar.addWorkingDays(dueDate, rungOffset(rung)));
}

export function blockers(state: CaseState, ctx: CaseContext, task: CaseTask): string[] {
  const t = templateTask(ctx.template, task);
  const deps = t ? taskDependencies(t) : [];
  if (task.reopenAfter && !deps.includes(task.reopenAfter)) deps.push(task.reopenAfter);
  return deps.filter((key) => {
    const dep = state.tasks.find((x) => x.key === key);
    return dep !== undefined && !isDone(dep);
  });
}

/** Why a blocked task cannot be acted on yet, in words for the person trying. */
export function blockedReason(state: CaseState, ctx: CaseContext, task: CaseTask): Reason {
  const waiting = blockers(state, ctx, task);
  if (waiting.length > 0) return { id: `menunggu tugas ${waiting.map((k) => `"${k}"`).join(', ')} selesai`, en: `waiting for task(s) ${waiting.map((k) => `"${k}"`).join(', ')} to be completed` };
  const phase = task.phase ? state.phases.find((p) => p.key === task.phase) : undefined;
  if (phase && !phase.startedOn) return { id: `tahap "${phase.key}" belum dimulai`, en: `phase "${phase.key}" has not started` };
  if (phase?.startedOn) return { id: `tahap "${phase.key}" dimulai ${phase.startedOn}`, en: `phase "${phase.key}" starts on ${phase.startedOn}` };
  if (task.opensOn) return { id: `tugas ini dibuka ${task.opensOn}`, en: `this task opens on ${task.opensOn}` };
  return { id: 'tugas ini belum dibuka', en: 'this task has not opened yet' };
}

/**
 * Brings the case up to date with the clock and with what is done: starts phases, opens blocked tasks whose
 * dependencies, phase and opening date allow, and completes phases. Returns the tasks it opened.
 * Idempotent: calling it twice at the same instant changes nothing the second time.
 */
export function settle(state: CaseState, ctx: CaseContext): CaseTask[] {
  const opened: CaseTask[] = [];
  if (state.status !== 'ACTIVE') return opened;
  const day = today(state, ctx.now);
  const startedBefore = state.phases.map((p) => p.startedOn);
  for (let changed = true; changed; ) {
    changed = false;
    // Phases: start when their date is known (a future start date is kept and waited for).
    state.phases.forEach((phase, i) => {
      if (!phase.startedOn) {
        const start = phaseStartDate(state, ctx, i);
        if (start) {
          phase.startedOn = start;
          changed = true;
        }
      }
    });
    for (const task of state.tasks) {
      if (task.state !== 'BLOCKED') continue;
      if (!task.dueDate || (task.occurrence !== undefined && !task.opensOn)) {
        const schedule = scheduleOf(state, ctx, task);
        if (schedule) {
          setDueDate(state, task, schedule.dueDate);
          task.opensOn = schedule.opensOn;
          changed = true;
        }
      }
      const phase = task.phase ? state.phases.find((p) => p.key === task.phase) : undefined;
      const phaseOpen = !phase || (phase.startedOn !== null && compareLocalDates(phase.startedOn, day) <= 0);
      const dateOpen = !task.opensOn || compareLocalDates(task.opensOn, day) <= 0;
      if (task.dueDate && phaseOpen && dateOpen && blockers(state, ctx, task).length === 0) {
        task.state = 'OPEN';
        skipPastRungs(state, task, ctx);
        opened.push(task);
        changed = true;
      }
    }
    for (const phase of state.phases) {
      if (phase.completedOn || !phase.startedOn) continue;
      const tasks = state.tasks.filter((t) => t.phase === phase.key);
      if (tasks.every(isDone)) {
        const last = tasks.map((t) => t.completedOn ?? day).sort().pop();
        phase.completedOn = last && compareLocalDates(last, phase.startedOn) > 0 ? last : phase.startedOn;
        changed = true;
      }
    }
  }
  if (opened.length > 0 || state.phases.some((p, i) => p.startedOn !== startedBefore[i])) state.version++;
  // Completing the case is the workflow's decision (it persists that as its own step).
  return opened;
}

export function allTasksDone(state: CaseState): boolean {
  return state.tasks.every(isDone);
}

/** part as a percentage of whole, 2 decimals (0 when there is nothing): % approved on dashboards and in emails. */
export const percent = (part: number, whole: number): number => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100);

/** Per-state task counts, for progress views. */
export function countByState(tasks: Array<{ state: TaskState }>): Record<TaskState, number> {
  const counts: Record<TaskState, number> = { BLOCKED: 0, OPEN: 0, SUBMITTED: 0, IN_REVIEW: 0, RETURNED: 0, APPROVED: 0, WAIVED: 0 };
  for (const t of tasks) counts[t.state]++;
  return counts;
}

