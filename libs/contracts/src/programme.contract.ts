import { defineQuery, defineSignal } from '@temporalio/workflow';

export interface ProgrammeWorkflowInput {
  programmeId: string;
  /** Number of cases to start (read from the database in batches by the launch activity). */
  caseCount: number;
  batchSize?: number;
  /** Carried over on continue-as-new. */
  progress?: ProgrammeProgress;
}

export interface ProgrammeProgress {
  launched: number;
  closed: number;
}

export const programmeProgressQuery = defineQuery<ProgrammeProgress>('programmeProgress');
/** Sent by a case workflow when it ends (signed off or cancelled). */
export const caseClosedSignal = defineSignal<[{ caseId: string }]>('caseClosed');
