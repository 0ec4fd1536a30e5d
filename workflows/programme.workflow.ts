import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ProgrammeActivities, ProgrammeProgress, ProgrammeWorkflowInput } from '@kawal/contracts';
import { caseClosedSignal, programmeProgressQuery } from '@kawal/contracts';

const { launchCaseBatch, markProgrammeCompleted } = proxyActivities<ProgrammeActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const DEFAULT_BATCH = 200;

/**
 * Steers a programme: starts its unit cases in batches through an activity (the cases are independent
 * workflows with ids derived from programme and unit, so a retried batch never duplicates one, and this
 * history holds one activity per batch rather than one child per unit), then waits until every case closed.
 */
export async function programmeWorkflow(input: ProgrammeWorkflowInput): Promise<ProgrammeProgress> {
  const progress: ProgrammeProgress = input.progress ?? { launched: 0, closed: 0 };
  const batchSize = input.batchSize ?? DEFAULT_BATCH;

  setHandler(programmeProgressQuery, () => progress);
  setHandler(caseClosedSignal, () => {
    progress.closed++;
  });

  const shouldContinueAsNew = () => workflowInfo().continueAsNewSuggested;

  while (progress.launched < input.caseCount) {
    await launchCaseBatch({ programmeId: input.programmeId, offset: progress.launched, limit: batchSize });
    progress.launched = Math.min(input.caseCount, progress.launched + batchSize);
    if (shouldContinueAsNew()) return continueAsNew<typeof programmeWorkflow>({ ...input, progress });
  }

  await condition(() => progress.closed >= input.caseCount || shouldContinueAsNew());
  if (progress.closed < input.caseCount) return continueAsNew<typeof programmeWorkflow>({ ...input, progress });

  await markProgrammeCompleted({ programmeId: input.programmeId });
  return progress;
}
