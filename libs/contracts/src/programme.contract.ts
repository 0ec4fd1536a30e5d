import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TemplateDefinition } from '@kawal/domain';

export type ProgrammeStatus = 'RUNNING' | 'SUSPENDED' | 'COMPLETED' | 'CANCELLED';

export interface ProgrammeWorkflowInput {
  programmeId: string;
  /** Number of cases to start (read from the database in batches by the launch activity). */
  caseCount: number;
  batchSize?: number;
  /** Continue as new once the history passes this many events (default 2,000; tests lower it). */
  historyLimit?: number;
  /** Carried over on continue-as-new. */
  progress?: ProgrammeProgress;
  /** Actions accepted but not yet fanned out to every case, carried over on continue-as-new. */
  pendingActions?: PendingProgrammeAction[];
}

export interface ProgrammeProgress {
  status: ProgrammeStatus;
  /** Cases the programme owns, including units that joined late. */
  total: number;
  launched: number;
  closed: number;
  /** Programme actions applied so far (most recent last, at most 50). */
  actions: ProgrammeActionRecord[];
}

/** What a coordinator asks of a whole programme. Each needs a reason and says who asked. */
export type ProgrammeActionRequest = {
  by: string;
  reason: string;
} & (
  | { kind: 'extend'; workingDays: number; unitCodes?: string[]; taskKeys?: string[] }
  | { kind: 'suspend' }
  | { kind: 'resume' }
  | { kind: 'remind'; unitCodes?: string[] }
  | { kind: 'cancel' }
  | { kind: 'close' }
  | { kind: 'migrate'; unitCodes?: string[]; template: TemplateDefinition }
);

export type PendingProgrammeAction = ProgrammeActionRequest & { actionId: string; at: string; cursor?: string };

export interface ProgrammeActionRecord {
  actionId: string;
  kind: ProgrammeActionRequest['kind'];
  by: string;
  reason: string;
  at: string;
  /** Cases the action reached and cases that refused it (e.g. already closed); set once fanned out. */
  applied?: number;
  skipped?: number;
}

export interface UnitsJoined {
  /** How many case rows the API added for the new units (they are launched like the others). */
  count: number;
  by: string;
  reason?: string;
}

export const programmeProgressQuery = defineQuery<ProgrammeProgress>('programmeProgress');
/** Sent by a case workflow when it ends (signed off, completed without sign-off, or cancelled). */
export const caseClosedSignal = defineSignal<[{ caseId: string; status?: string }]>('caseClosed');
/** Accepts a programme action; returns its id. Rejected by the validator when it makes no sense now. */
export const programmeActionRequestUpdate = defineUpdate<ProgrammeActionRecord, [ProgrammeActionRequest]>('requestProgrammeAction');
/** Units joined a running programme: their cases are launched in the next batch. */
export const unitsJoinedUpdate = defineUpdate<ProgrammeProgress, [UnitsJoined]>('unitsJoined');
