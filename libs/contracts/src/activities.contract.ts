import type { CaseState } from '@kawal/domain';
import type { Recipient } from './case.contract';

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

export type MessageData =
  | { kind: 'reminder'; programmeName: string; unitName: string; taskTitle: string; dueDate: string; timeZone: string; workingDaysBefore: number; link: string }
  | { kind: 'task-returned'; programmeName: string; unitName: string; taskTitle: string; comment: string; dueDate: string; timeZone: string; link: string }
  | { kind: 'task-approved'; programmeName: string; unitName: string; taskTitle: string; link: string };

export interface NotificationResult {
  status: 'sent' | 'already-sent';
  messageId: string;
}

export interface CaseActivities {
  recordCaseState(state: CaseState): Promise<RecordCaseResult>;
  sendNotification(request: NotificationRequest): Promise<NotificationResult>;
}

export interface ProgrammeActivities {
  launchCaseBatch(args: { programmeId: string; offset: number; limit: number }): Promise<{ started: number; alreadyRunning: number }>;
  markProgrammeCompleted(args: { programmeId: string }): Promise<void>;
}

export type KawalActivities = CaseActivities & ProgrammeActivities;
