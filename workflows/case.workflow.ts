import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseActivities, CaseResult, CaseWorkflowInput, MessageData, NotificationRequest } from '@kawal/contracts';
import { caseClosedSignal, caseStateQuery, programmeWorkflowId, reviewTaskUpdate, submitTaskUpdate } from '@kawal/contracts';
import {
  CaseState,
  CaseTask,
  CommandRejected,
  TimerEvent,
  WorkingCalendar,
  allTasksDone,
  applyReview,
  applySubmit,
  checkReview,
  checkSubmit,
  findTask,
  localTimeToInstant,
  newCaseState,
  nextTimerEvent,
  zoneAbbreviation,
} from '@kawal/domain';

/** Read-model writes: short, retried until the database is back. */
const { recordCaseState } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Email: the outbox row makes retries safe; an invalid address is permanent and not retried. */
const { sendNotification } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: ['InvalidRecipient'] },
});

/** Continue-as-new well before Temporal's 51,200-event limit, even if the server never suggests it. */
const HISTORY_SOFT_LIMIT = 5_000;

function rejectWith(check: () => void): void {
  try {
    check();
  } catch (err) {
    if (err instanceof CommandRejected) {
      throw ApplicationFailure.create({ type: err.code, message: err.reason.en, details: [err.reason], nonRetryable: true });
    }
    throw err;
  }
}

/**
 * One unit's part in one programme: its tasks, their deadlines and reminders, submissions and reviews.
 * Commands arrive as updates (validated before anything is written to history); one timer drives the next
 * reminder or deadline; every change is projected to PostgreSQL through an idempotent, versioned activity.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseResult> {
  const calendar = new WorkingCalendar(input.holidays);
  const workflowId = workflowInfo().workflowId;
  const state: CaseState =
    input.state ??
    newCaseState({
      caseId: input.caseId,
      programmeId: input.programmeId,
      unitCode: input.unit.code,
      timeZone: input.unit.timeZone,
      startDate: input.startDate,
      template: input.template,
      calendar,
      locale: 'id',
    });
  const outbox: NotificationRequest[] = [...(input.pendingNotifications ?? [])];
  const link = (task: CaseTask) => `${input.publicBaseUrl}/cases/${state.caseId}/tasks/${task.key}`;
  const tz = zoneAbbreviation(input.unit.timeZone);

  const notifyUnitHeads = (step: string, message: MessageData) => {
    for (const to of input.unitHeads) {
      outbox.push({ idempotencyKey: `${workflowId}/${step}/${to.email}`, to, message });
    }
  };
  // Activity arguments are serialised when the command is scheduled, so later mutations do not leak into this write.
  const persist = () => recordCaseState(state);

  setHandler(caseStateQuery, () => state);

  setHandler(
    submitTaskUpdate,
    async (cmd) => {
      applySubmit(state, cmd, new Date().toISOString());
      await persist();
      return state;
    },
    { validator: (cmd) => rejectWith(() => checkSubmit(state, cmd)) },
  );

  setHandler(
    reviewTaskUpdate,
    async (cmd) => {
      const task = applyReview(state, cmd, new Date().toISOString());
      const round = task.history.length;
      const base = { programmeName: input.programmeName, unitName: input.unit.name, taskTitle: task.title, link: link(task) };
      if (cmd.decision === 'return') {
        notifyUnitHeads(`returned/${task.key}/${round}`, { kind: 'task-returned', ...base, comment: cmd.comment ?? '', dueDate: task.dueDate, timeZone: tz });
      } else if (task.state === 'APPROVED') {
        notifyUnitHeads(`approved/${task.key}/${round}`, { kind: 'task-approved', ...base });
      }
      await persist();
      return state;
    },
    { validator: (cmd) => rejectWith(() => checkReview(state, cmd)) },
  );

  if (!input.state) {
    // Rungs whose moment had already passed when the case began are skipped, not sent late in a burst.
    const startedAt = Date.now();
    for (const task of state.tasks) {
      for (const rung of input.template.reminders) {
        const day = calendar.addWorkingDays(task.dueDate, -rung.workingDaysBefore);
        if (localTimeToInstant(day, input.template.officeHour, state.timeZone) < startedAt) task.remindersSent.push(rung.workingDaysBefore);
      }
    }
    await persist();
  }

  const onTimer = (event: TimerEvent) => {
    const task = findTask(state, event.taskKey);
    if (event.kind === 'deadline') {
      task.overdue = true;
    } else {
      task.remindersSent.push(event.workingDaysBefore);
      notifyUnitHeads(`reminder/${task.key}/${event.workingDaysBefore}`, {
        kind: 'reminder',
        programmeName: input.programmeName,
        unitName: input.unit.name,
        taskTitle: task.title,
        dueDate: task.dueDate,
        timeZone: tz,
        workingDaysBefore: event.workingDaysBefore,
        link: link(task),
      });
    }
    state.version++;
  };

  for (;;) {
    while (outbox.length > 0) {
      await sendNotification(outbox[0]);
      outbox.shift();
    }
    if (state.status === 'ACTIVE' && allTasksDone(state)) {
      state.status = 'COMPLETED';
      state.version++;
      await persist();
    }
    if (state.status !== 'ACTIVE') break;

    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > HISTORY_SOFT_LIMIT) {
      await condition(allHandlersFinished);
      if (outbox.length === 0) {
        log.info('continuing as new', { historyLength: info.historyLength });
        return continueAsNew<typeof caseWorkflow>({ ...input, state, pendingNotifications: [] });
      }
      continue;
    }

    const next = nextTimerEvent(state, input.template, calendar);
    const seen = state.version;
    const changed = () => state.version !== seen || outbox.length > 0;
    if (next === undefined) {
      await condition(changed);
    } else if (!(await condition(changed, Math.max(1, next.at - Date.now())))) {
      onTimer(next);
      await persist();
    }
  }

  await condition(allHandlersFinished);
  try {
    await getExternalWorkflowHandle(programmeWorkflowId(state.programmeId)).signal(caseClosedSignal, { caseId: state.caseId });
  } catch (err) {
    // The programme may already be closed (or, in tests, absent): the case's own result still stands.
    log.warn('could not tell the programme that the case closed', { error: (err as Error).message });
  }
  return { caseId: state.caseId, status: state.status };
}
