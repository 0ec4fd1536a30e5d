import type { CaseState, IndonesianTimeZone } from '@kawal/domain';
import type { Recipient } from './case.contract';
import type { PendingProgrammeAction, ProgrammeActionRecord, ProgrammeStatus } from './programme.contract';

/** Activity interfaces: implemented in activities/, called from workflows through proxyActivities. */

export interface RecordCaseResult {
  applied: boolean;
}

export interface NotificationRequest {
  /** Unique per workflow, step and rung: the same key never sends twice. */
  idempotencyKey: string;
  to: Recipient;
  message: MessageData;
  /** How it may be delivered: the recipient's zone (working hours) and whether escalations may go out at any hour. */
  delivery?: { timeZone: string; escalationsAnyTime: boolean };
  /** Set by the outbox dispatcher when a deferred email's time has come: send it now, whatever the hour. */
  dispatched?: boolean;
}

/** Task counts by state, summed over a programme's cases. */
export interface TaskCountsByState {
  BLOCKED: number;
  OPEN: number;
  SUBMITTED: number;
  IN_REVIEW: number;
  RETURNED: number;
  APPROVED: number;
  WAIVED: number;
}

/** A unit named in a coordinator's summary. percentApproved counts waived tasks as done, as the dashboard does. */
export interface SummaryUnit {
  code: string;
  name: string;
  overdueTasks: number;
  percentApproved: number;
}

/** Messages about a whole programme, to its coordinator (no unit, no task). Dates are local dates in timeZone. */
interface ProgrammeMessageBase {
  programmeName: string;
  /** WIB, WITA or WIT: the zone of the programme's units. */
  timeZone: string;
  /** The programme's page. */
  link: string;
  /** About no unit and no task (declared so that code reading any message's unit or task sees `undefined`). */
  unitName?: undefined;
  taskTitle?: undefined;
}

interface TaskMessageBase {
  programmeName: string;
  unitName: string;
  taskTitle: string;
  /** Where the recipient acts next (the task page). */
  link: string;
}

/**
 * Everything an email needs, decided by the workflow (deterministic) and rendered by the mail library in the
 * recipient's language. Dates are local dates of the unit; timeZone is WIB, WITA or WIT.
 */
export type MessageData =
  /** A rung of the reminder ladder before or on the due date (workingDaysBefore 0 = due today). */
  | (TaskMessageBase & { kind: 'reminder'; dueDate: string; timeZone: string; workingDaysBefore: number })
  /** A rung of the reminder ladder after the due date: the task is late. */
  | (TaskMessageBase & { kind: 'overdue'; dueDate: string; timeZone: string; workingDaysLate: number })
  /** To a supervisor up the chain (head of the parent unit, coordinator): the named unit is late with the task. */
  | (TaskMessageBase & { kind: 'escalation'; dueDate: string; timeZone: string; workingDaysLate: number; level: number; target: 'UNIT_HEAD' | 'PARENT_UNIT_HEAD' | 'COORDINATOR' })
  | (TaskMessageBase & { kind: 'task-returned'; comment: string; dueDate: string; timeZone: string })
  | (TaskMessageBase & { kind: 'task-approved' })
  /** A task was (re)assigned to the recipient; dueDate is null while the task still waits on another. */
  | (TaskMessageBase & { kind: 'task-assigned'; dueDate: string | null; timeZone: string; assignedBy: string; reason?: string })
  /** To the coordinator: the unit asks for more time. */
  | (TaskMessageBase & { kind: 'extension-requested'; dueDate: string; timeZone: string; workingDays: number; requestedBy: string; reason: string })
  | (TaskMessageBase & { kind: 'extension-decided'; approved: boolean; oldDueDate: string; newDueDate: string; timeZone: string; decidedBy: string; comment?: string })
  /** taskTitle is empty for case-level messages. */
  | (TaskMessageBase & { kind: 'case-signed-off'; signedOffBy: string; comment?: string })
  /**
   * A designation the unit held (e.g. Kelurahan Bebas Maladministrasi) was revoked after an upheld report; the listed
   * tasks are open again (dueDate null while a task waits on another). To the unit's heads, the camat, the coordinator.
   */
  | (TaskMessageBase & {
      kind: 'designation-revoked';
      designationName: string;
      reason: string;
      reference?: string;
      by: string;
      timeZone: string;
      reopened: Array<{ title: string; dueDate: string | null }>;
    })
  /** To the coordinator: an email could not be delivered (the address was refused); it is not retried. */
  | (TaskMessageBase & { kind: 'delivery-failed'; failedRecipient: string; failedKind: string; error: string })
  /** A coordinator acted on the whole programme: deadlines extended, suspended, resumed, cancelled or closed. */
  | (TaskMessageBase & {
      kind: 'programme-notice';
      action: 'extended' | 'suspended' | 'resumed' | 'cancelled' | 'closed';
      reason: string;
      by: string;
      /** For 'extended' and 'resumed': working days every open deadline moved. */
      workingDays?: number;
    })
  /** To the coordinator, once every unit of the launch has been started. */
  | (ProgrammeMessageBase & {
      kind: 'programme-launched';
      unitsLaunched: number;
      startDate: string;
      templateName: string;
      templateVersion: number;
      /** Local time of the weekly summary ('07:30'), on Mondays. */
      summaryTime: string;
    })
  /** To the coordinator, on Monday mornings: where the programme stands after the week that ended. */
  | (ProgrammeMessageBase & {
      kind: 'programme-weekly-summary';
      /** ISO week, e.g. '2027-W10', and its local Monday and Sunday. */
      weekKey: string;
      weekStart: string;
      weekEnd: string;
      /** Units in the programme (cases, launched or not) and tasks of every state. */
      unitCount: number;
      taskCount: number;
      tasksByState: TaskCountsByState;
      /** Approved or waived tasks as a percentage of all tasks (0-100, 2 decimals; 0 without tasks). */
      percentApproved: number;
      /** Tasks approved during the week. */
      approvedThisWeek: number;
      /** Units (not cancelled) with overdue tasks, and those tasks. */
      overdueUnitCount: number;
      overdueTaskCount: number;
      /** At most 10, the most overdue tasks first. */
      overdueUnits: SummaryUnit[];
      /** At most 5 open units with tasks, the lowest % approved first. */
      worstUnits: SummaryUnit[];
    });

/** The kinds about a whole programme (no unit, no task). */
export type ProgrammeMessageKind = 'programme-launched' | 'programme-weekly-summary';

export interface NotificationResult {
  /** deferred: waits for the recipient's working hours; held-for-digest: goes out in their daily digest. */
  status: 'sent' | 'already-sent' | 'deferred' | 'held-for-digest';
  /** The SMTP message id once sent. */
  messageId: string | null;
}

export interface CaseActivities {
  recordCaseState(state: CaseState): Promise<RecordCaseResult>;
  sendNotification(request: NotificationRequest): Promise<NotificationResult>;
}

export interface LaunchBatchResult {
  started: number;
  alreadyRunning: number;
  /** Cases still waiting to be launched after this batch. */
  remaining: number;
}

export interface ActionBatchResult {
  applied: number;
  skipped: number;
  /** Where the next batch continues (workflow id of the last case handled), or null when every case was reached. */
  cursor: string | null;
}

export interface ProgrammeActivities {
  /** Starts the next `limit` cases not yet launched (idempotent: a case's workflow id is derived from programme and unit). */
  launchCaseBatch(args: { programmeId: string; limit: number }): Promise<LaunchBatchResult>;
  /** Sends one programme action to the next batch of the programme's cases (ordered by workflow id, after `cursor`). */
  applyActionBatch(args: { programmeId: string; action: PendingProgrammeAction; cursor?: string; limit: number }): Promise<ActionBatchResult>;
  /** Writes the programme's status and action log to the read model. */
  recordProgrammeState(args: { programmeId: string; status: ProgrammeStatus; actions: ProgrammeActionRecord[] }): Promise<void>;
  /** The zone the programme's weekly summaries follow: the zone most of its units are in (ties: the westernmost). */
  programmeTimeZone(args: { programmeId: string }): Promise<IndonesianTimeZone>;
  /**
   * Builds (does not send) the coordinator's "programme launched" email from the read model; the workflow sends it
   * with sendNotification. Idempotency key `programme/<id>/launched`.
   */
  programmeLaunchedNotice(args: { programmeId: string }): Promise<NotificationRequest>;
  /**
   * Builds (does not send) the coordinator's summary of the ISO week `weekKey` (figures as they stand when it is
   * built); the workflow sends it with sendNotification. Idempotency key `programme/<id>/weekly/<weekKey>`.
   */
  programmeWeeklySummary(args: { programmeId: string; weekKey: string }): Promise<NotificationRequest>;
}

export type KawalActivities = CaseActivities & ProgrammeActivities;
