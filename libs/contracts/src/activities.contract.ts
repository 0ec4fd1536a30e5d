import type { CaseState } from '@kawal/domain';
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
    });

export interface NotificationResult {
  status: 'sent' | 'already-sent';
  messageId: string;
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
}

export type KawalActivities = CaseActivities & ProgrammeActivities;
