import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  CaseActivities,
  PendingProgrammeAction,
  ProgrammeActionRecord,
  ProgrammeActionRequest,
  ProgrammeActivities,
  ProgrammeMail,
  ProgrammeMailState,
  ProgrammeProgress,
  ProgrammeWorkflowInput,
  UnitsJoined,
} from '@kawal/contracts';
import { WEEKLY_SUMMARY_TIME, caseClosedSignal, isoWeekKey, programmeActionRequestUpdate, programmeProgressQuery, unitsJoinedUpdate } from '@kawal/contracts';
import { IndonesianTimeZone, addCalendarDays, dayOfWeek, localDateAt, localTimeToInstant } from '@kawal/domain';

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

/** The coordinator's emails are built from the read model (short reads, retried until the database is back). */
const { programmeTimeZone, programmeLaunchedNotice, programmeWeeklySummary } = proxyActivities<ProgrammeActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** ... and sent through the outbox, as the cases send theirs: an invalid address is permanent and not retried. */
const { sendNotification } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: ['InvalidRecipient', 'NotificationDead'] },
});

const DEFAULT_BATCH = 200;
const WEEK_MS = 7 * 86_400_000;
/** Every case that closes signals the programme, so a national rollout continues as new often, by design. */
const HISTORY_SOFT_LIMIT = 2_000;
const MAX_ACTION_RECORDS = 50;

/**
 * Patch ids. Runs recorded before a patch replay the old command sequence; new runs take the new one.
 * - ENGINE: bulk actions, late-joining units and closing through the read model (programme engine).
 * - COORDINATOR_MAIL: the coordinator is emailed once the launch is done, and every Monday at 07:30 local.
 */
export const PROGRAMME_PATCHES = { ENGINE: 'programme-engine-actions', COORDINATOR_MAIL: 'programme-coordinator-mail' } as const;

/**
 * The first weekly summary after a launch that finished at `now`: the Monday after the launch's local date, at
 * 07:30 local, so the first summary covers the week of the launch. (Indonesian zones have no daylight saving: every
 * later one is exactly a week on.)
 */
export function firstSummaryAt(now: number, tz: IndonesianTimeZone): number {
  const today = localDateAt(now, tz);
  return localTimeToInstant(addCalendarDays(today, (8 - dayOfWeek(today)) % 7 || 7), WEEKLY_SUMMARY_TIME, tz);
}

/** The ISO week a summary sent at `at` (a Monday morning) reports on: the week that ended the day before. */
export function summaryWeekKey(at: number, tz: IndonesianTimeZone): string {
  return isoWeekKey(addCalendarDays(localDateAt(at, tz), -1));
}

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
  let closing = input.closing === true || pending.some((a) => a.kind === 'cancel' || a.kind === 'close');

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
  // A run continued from code without these emails does not announce its (long past) launch.
  const mail: ProgrammeMailState | undefined = patched(PROGRAMME_PATCHES.COORDINATOR_MAIL)
    ? (input.mail ?? { launchedNotice: input.progress ? 'skipped' : 'pending', queue: [], summaries: 0, skippedWeeks: 0 })
    : undefined;

  /**
   * The coordinator's emails go out one at a time beside the main loop, so an SMTP outage (the outbox retries
   * for up to a day) never holds up the launch, actions or closing. A failure that is final (address refused,
   * never delivered) is logged: the coordinator is the one who would be told, so nobody else is.
   */
  let mailStopping = false;
  const deliver = async (item: ProgrammeMail) => {
    try {
      const request =
        item.kind === 'launched'
          ? await programmeLaunchedNotice({ programmeId: input.programmeId })
          : await programmeWeeklySummary({ programmeId: input.programmeId, weekKey: item.weekKey });
      await sendNotification(request);
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : err;
      log.warn('coordinator email could not be delivered', { kind: item.kind, error: (cause as Error)?.message });
    }
    if (item.kind === 'weekly-summary') mail!.summaries++;
  };
  const mailing = mail
    ? (async () => {
        for (;;) {
          await condition(() => mail.queue.length > 0 || mailStopping);
          if (mailStopping) return;
          await deliver(mail.queue[0]);
          mail.queue.shift();
        }
      })()
    : undefined;
  /** Lets the email being sent finish (never two sends of one key at once) and stops taking the next one. */
  const stopMailing = async () => {
    mailStopping = true;
    await mailing;
  };

  /**
   * Once the launch is done: the programme's zone (asked once), the launched notice (once), and on a Monday at
   * 07:30 local the summary of the week that ended. While suspended the week is skipped (nothing moves, and the
   * coordinator suspended it); the Monday cadence goes on. When Mondays were missed (a worker outage, a long
   * fan-out), only the latest week is summarised.
   */
  const planMail = async (m: ProgrammeMailState) => {
    if (m.timeZone === undefined) {
      const tz = await programmeTimeZone({ programmeId: input.programmeId });
      m.timeZone = tz;
      m.nextSummaryAt = firstSummaryAt(Date.now(), tz);
    }
    if (m.launchedNotice === 'pending') {
      m.queue.push({ kind: 'launched' });
      m.launchedNotice = 'queued';
    }
    const now = Date.now();
    if (m.nextSummaryAt !== undefined && now >= m.nextSummaryAt) {
      let due = m.nextSummaryAt;
      while (due + WEEK_MS <= now) due += WEEK_MS;
      if (progress.status === 'RUNNING') m.queue.push({ kind: 'weekly-summary', weekKey: summaryWeekKey(due, m.timeZone) });
      else m.skippedWeeks++;
      m.nextSummaryAt = due + WEEK_MS;
    }
  };

  const record = () => recordProgrammeState({ programmeId: input.programmeId, status: progress.status, actions: progress.actions });
  const shouldContinueAsNew = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > historyLimit;
  };
  const continued = async () => {
    if (mail) await stopMailing();
    await condition(allHandlersFinished);
    // Emails decided but not sent yet, and the next Monday, go with the new run.
    // A run that continues as new just after a cancel or close reached every case still closes (no pending action
    // says so any more). The input is not part of replay's command check, so old runs carry it too.
    return continueAsNew<typeof programmeWorkflow>({ ...input, progress, pendingActions: pending, closing, ...(mail ? { mail } : {}) });
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
    if (mail) await planMail(mail);
    if (progress.closed >= progress.total) break;
    if (shouldContinueAsNew()) return continued();
    const ready = () => pending.length > 0 || progress.launched < progress.total || progress.closed >= progress.total || shouldContinueAsNew();
    // The next weekly summary is the wait's timeout; anything else wakes it earlier, and the Monday stays due.
    if (mail?.nextSummaryAt === undefined) await condition(ready);
    else await condition(ready, Math.max(1, mail.nextSummaryAt - Date.now()));
  }

  const cancelled = pending.length === 0 && progress.actions.some((a) => a.kind === 'cancel');
  progress.status = cancelled ? 'CANCELLED' : 'COMPLETED';
  if (engine) await record();
  else await markProgrammeCompleted({ programmeId: input.programmeId });
  // A closed programme sends nothing more: the email being sent finishes, the ones still waiting are dropped.
  if (mail) await stopMailing();
  await condition(allHandlersFinished);
  return progress;
}
