/** Workflow ids are derived from business ids, so starting the same case twice is a no-op, never a duplicate. */
export const caseWorkflowId = (programmeId: string, unitCode: string): string => `kawal-case/${programmeId}/${unitCode}`;
export const programmeWorkflowId = (programmeId: string): string => `kawal-programme/${programmeId}`;
export const DEFAULT_TASK_QUEUE = 'kawal';
