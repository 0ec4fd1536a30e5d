import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, patched, proxyActivities, setHandler, uuid4, workflowInfo } from '@temporalio/workflow';
import type {
  PendingProgrammeAction,
  ProgrammeActionRecord,
  ProgrammeActionRequest,
  ProgrammeActivities,
  ProgrammeProgress,
  ProgrammeWorkflowInput,
  UnitsJoined,
} from '@kawal/contracts';
import { caseClosedSignal, programmeActionRequestUpdate, programmeProgressQuery, unitsJoinedUpdate } from '@kawal/contracts';

const { launchCaseBatch, applyActionBatch, recordProgrammeState } = proxyActivities<ProgrammeActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Runs recorded before the programme engine closed programmes through the read model by a different activity. */
const { markProgrammeCompleted } = proxyActivities<{ markProgrammeCompleted(args: { programmeId: string }): Promise<void> }>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const DEFAULT_BATCH = 200;
/** Every case that closes signals the programme, so a national rollout continues as new often, by design. */
const HISTORY_SOFT_LIMIT = 2_000;
const MAX_ACTION_RECORDS = 50;

export const PROGRAMME_PATCHES = { ENGINE: 'programme-engine-actions' } as const;

function reject(code: string, id: string, en: string): never {
  throw ApplicationFailure.create({ type: code, message: en, details: [{ id, en }], nonRetryable: true });
}

function validateAction(progress: ProgrammeProgress, req: ProgrammeActionRequest): void {
  if (progress.status === 'COMPLETED' || progress.status === 'CANCELLED') reject('PROGRAMME_CLOSED', `program sudah ditutup (${progress.status})`, `the programme is closed (${progress.status})`);
  if (!req.by?.trim()) reject('BY_REQUIRED', 'pemohon tindakan wajib disebut', 'who asked for the action is required');
  if (!req.reason?.trim()) reject('REASON_REQUIRED', 'alasan wajib diisi', 'a reason is required');
  switch (req.kind) {
    case 'extend':
      if (!Number.isInteger(req.workingDays) || req.workingDays < 1 || req.workingDays > 120) reject('INVALID_WORKING_DAYS', 'jumlah hari kerja harus 1 sampai 120', 'workingDays must be a whole number from 1 to 120');
      return;
    case 'suspend':
      if (progress.status === 'SUSPENDED') reject('ALREADY_SUSPENDED', 'program sudah ditangguhkan', 'the programme is already suspended');
      return;
    case 'resume':
      if (progress.status !== 'SUSPENDED') reject('NOT_SUSPENDED', 'program tidak sedang ditangguhkan', 'the programme is not suspended');
      return;
    case 'remind':
      if (progress.status === 'SUSPENDED') reject('PROGRAMME_SUSPENDED', 'program sedang ditangguhkan; lanjutkan dulu sebelum mengirim pengingat', 'the programme is suspended; resume it before sending reminders');
      return;
    case 'cancel':
    case 'close':
    case 'migrate':
      return;
    default:
      reject('UNKNOWN_ACTION', 'jenis tindakan tidak dikenal', 'unknown action kind');
  }
}

/**
 * Steers a programme: starts its unit cases in batches through an activity (the cases are independent
 * workflows with ids derived from programme and unit, so a retried batch never duplicates one, and this
 * history holds one activity per batch rather than one child per unit); accepts late-joining units; fans
 * coordinators' bulk actions out to the cases in batches; completes when every case closed or when closed.
 */
export async function programmeWorkflow(input: ProgrammeWorkflowInput): Promise<ProgrammeProgress> {
  // Runs continued from before the engine carried {launched, closed} only.
  const carried = input.progress as Partial<ProgrammeProgress> | undefined;
  const progress: ProgrammeProgress = {
    status: carried?.status ?? 'RUNNING',
    total: carried?.total ?? input.caseCount,
    launched: carried?.launched ?? 0,
    closed: carried?.closed ?? 0,
    actions: carried?.actions ?? [],
  };
  const pending: PendingProgrammeAction[] = [...(input.pendingActions ?? [])];
  const batchSize = input.batchSize ?? DEFAULT_BATCH;
  const historyLimit = input.historyLimit ?? HISTORY_SOFT_LIMIT;
  let closing = pending.some((a) => a.kind === 'cancel' || a.kind === 'close');

  setHandler(programmeProgressQuery, () => progress);
  setHandler(caseClosedSignal, () => {
    progress.closed++;
  });

  setHandler(
    programmeActionRequestUpdate,
    (req) => {
      const record: ProgrammeActionRecord = { actionId: uuid4(), kind: req.kind, by: req.by, reason: req.reason, at: new Date().toISOString() };
      if (req.kind === 'suspend') progress.status = 'SUSPENDED';
      if (req.kind === 'resume') progress.status = 'RUNNING';
      if (req.kind === 'cancel' || req.kind === 'close') closing = true;
      pending.push({ ...req, actionId: record.actionId, at: record.at });
      progress.actions.push(record);
      if (progress.actions.length > MAX_ACTION_RECORDS) progress.actions.splice(0, progress.actions.length - MAX_ACTION_RECORDS);
      return record;
    },
    {
      validator: (req) => {
        validateAction(progress, req);
        if (closing) reject('PROGRAMME_CLOSING', 'program sedang ditutup', 'the programme is being closed');
      },
    },
  );

  setHandler(
    unitsJoinedUpdate,
    (joined: UnitsJoined) => {
      progress.total += joined.count;
      return progress;
    },
    {
      validator: (joined) => {
        if (progress.status === 'COMPLETED' || progress.status === 'CANCELLED' || closing) reject('PROGRAMME_CLOSED', 'program sudah ditutup', 'the programme is closed');
        if (!Number.isInteger(joined.count) || joined.count < 1) reject('INVALID_COUNT', 'jumlah unit harus paling sedikit 1', 'count must be at least 1');
      },
    },
  );

  const engine = patched(PROGRAMME_PATCHES.ENGINE);
  const record = () => recordProgrammeState({ programmeId: input.programmeId, status: progress.status, actions: progress.actions });
  const shouldContinueAsNew = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > historyLimit;
  };
  const continued = async () => {
    await condition(allHandlersFinished);
    return continueAsNew<typeof programmeWorkflow>({ ...input, progress, pendingActions: pending });
  };

  for (;;) {
    if (pending.length > 0) {
      const action = pending[0];
      const rec = progress.actions.find((a) => a.actionId === action.actionId);
      // Status changes reach the read model first, so cases launched from now on see them.
      if (action.cursor === undefined && ['suspend', 'resume', 'cancel', 'close'].includes(action.kind)) await record();
      const r = await applyActionBatch({ programmeId: input.programmeId, action, cursor: action.cursor, limit: batchSize });
      if (rec) {
        rec.applied = (rec.applied ?? 0) + r.applied;
        rec.skipped = (rec.skipped ?? 0) + r.skipped;
      }
      if (r.cursor === null) {
        pending.shift();
        await record();
      } else {
        action.cursor = r.cursor;
      }
      if (shouldContinueAsNew()) return continued();
      continue;
    }
    if (closing) break;
    if (progress.launched < progress.total) {
      const r = await launchCaseBatch({ programmeId: input.programmeId, limit: batchSize });
      // Results recorded before the engine carried no `remaining`.
      const remaining = typeof r.remaining === 'number' ? r.remaining : Math.max(0, progress.total - progress.launched - batchSize);
      progress.launched = Math.max(progress.launched, progress.total - remaining);
      if (shouldContinueAsNew()) return continued();
      continue;
    }
    if (progress.closed >= progress.total) break;
    if (shouldContinueAsNew()) return continued();
    await condition(() => pending.length > 0 || progress.launched < progress.total || progress.closed >= progress.total || shouldContinueAsNew());
  }

  const cancelled = pending.length === 0 && progress.actions.some((a) => a.kind === 'cancel');
  progress.status = cancelled ? 'CANCELLED' : 'COMPLETED';
  if (engine) await record();
  else await markProgrammeCompleted({ programmeId: input.programmeId });
  await condition(allHandlersFinished);
  return progress;
}
