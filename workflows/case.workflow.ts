import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseActivities, CaseResult, CaseWorkflowInput, MessageData, NotificationRequest, Recipient } from '@kawal/contracts';
import {
  addFollowUpsUpdate,
  caseClosedSignal,
  caseStateQuery,
  decideExtensionUpdate,
  programmeActionUpdate,
  programmeWorkflowId,
  reassignTaskUpdate,
  requestExtensionUpdate,
  reviewTaskUpdate,
  revokeDesignationUpdate,
  signOffCaseUpdate,
  submitTaskUpdate,
  waiveTaskUpdate,
} from '@kawal/contracts';
import {
  CaseContext,
  CaseState,
  CaseTask,
  CommandRejected,
  EscalationTarget,
  TemplateDefinition,
  TimerEvent,
  WorkingCalendar,
  allTasksDone,
  applyAddFollowUps,
  applyDecideExtension,
  applyProgrammeAction,
  applyReassign,
  applyRequestExtension,
  applyReview,
  applyRevokeDesignation,
  applySignOff,
  applySubmit,
  applyTimerEvent,
  applyWaive,
  checkAddFollowUps,
  checkDecideExtension,
  checkProgrammeAction,
  checkReassign,
  checkRequestExtension,
  checkReview,
  checkRevokeDesignation,
  checkSignOff,
  checkSubmit,
  checkWaive,
  newCaseState,
  nextTimerEvent,
  settle,
  skipPastRungs,
  today,
  workingDaysLate,
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
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: ['InvalidRecipient', 'NotificationDead'] },
});

/** Continue-as-new well before Temporal's 51,200-event limit, even if the server never suggests it. */
const HISTORY_SOFT_LIMIT = 5_000;

/**
 * Patch ids. Runs recorded before a patch replay the old command sequence; new runs take the new one.
 * - SIGN_OFF: a completed case waits for a coordinator's sign-off instead of closing at once (programme engine).
 * - RETURN_LADDER: a task returned after some of its rungs' moments passed does not send them late in a burst.
 * - ANNOUNCE_AT_START, DRAIN_BEFORE_CLOSING: see PATCHES.
 */
export const PATCHES = {
  SIGN_OFF: 'case-waits-for-sign-off',
  RETURN_LADDER: 'returned-task-skips-stale-rungs',
  /** The tasks open from the first day are announced to the unit (before, only tasks opening later were). */
  ANNOUNCE_AT_START: 'announce-tasks-open-at-start',
  /** Emails queued by a command that closed the case (sign-off, cancel) are sent before the workflow ends. */
  DRAIN_BEFORE_CLOSING: 'send-queued-mail-before-closing',
} as const;

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
 * One unit's part in one programme: its tasks, their deadlines, reminders and escalations, submissions,
 * reviews, extensions and sign-off. Commands arrive as updates (validated before anything is written to
 * history); one timer drives the next reminder, deadline, escalation or opening; every change is projected to
 * PostgreSQL through an idempotent, versioned activity.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseResult> {
  const calendar = new WorkingCalendar(input.holidays);
  let template: TemplateDefinition = input.template;
  const ctx = (): CaseContext => ({ template, calendar, now: Date.now() });
  const workflowId = workflowInfo().workflowId;
  const state: CaseState =
    input.state ??
    newCaseState({ caseId: input.caseId, programmeId: input.programmeId, unitCode: input.unit.code, timeZone: input.unit.timeZone, startDate: input.startDate, ctx: ctx() });
  if (!input.state && input.suspended) state.suspension = { ...input.suspended };
  const outbox: NotificationRequest[] = [...(input.pendingNotifications ?? [])];
  const tz = zoneAbbreviation(input.unit.timeZone);
  const caseLink = `${input.publicBaseUrl}/cases/${state.caseId}`;
  const link = (task: CaseTask) => `${caseLink}/tasks/${task.key}`;
  const base = (task?: CaseTask) => ({ programmeName: input.programmeName, unitName: input.unit.name, taskTitle: task?.title ?? '', link: task ? link(task) : caseLink });

  const notify = (recipients: Recipient[], step: string, message: MessageData) => {
    // The delivery hints only inform the outbox activity (working hours, urgent escalations); they add no command.
    const delivery = { timeZone: input.unit.timeZone, escalationsAnyTime: template.mail?.escalationsOutsideWorkingHours ?? false };
    for (const to of recipients) outbox.push({ idempotencyKey: `${workflowId}/${step}/${to.email}`, to, message, delivery });
  };
  /** The people who act on a task: the named assignee after a reassignment, else the unit's heads. */
  const assignees = (task: CaseTask): Recipient[] => (task.assignee ? [task.assignee] : input.unitHeads);
  const escalationRecipients = (target: EscalationTarget): Recipient[] => {
    if (target === 'UNIT_HEAD') return input.unitHeads;
    if (target === 'PARENT_UNIT_HEAD' && (input.parentUnitHeads ?? []).length > 0) return input.parentUnitHeads!;
    return [input.coordinator];
  };
  /** The "you have a task" email: when a task opens, is reassigned, or is added as a follow-up. */
  const assigned = (task: CaseTask, assignedBy: string, reason?: string): MessageData => ({
    kind: 'task-assigned',
    ...base(task),
    dueDate: task.dueDate,
    timeZone: tz,
    assignedBy,
    reason,
  });
  const announceOpened = (opened: CaseTask[]) => {
    for (const task of opened) notify(assignees(task), `opened/${task.key}/${task.history.length}`, assigned(task, input.coordinator.name));
  };
  // Activity arguments are serialised when the command is scheduled, so later mutations do not leak into this write.
  const persist = () => recordCaseState(state);

  setHandler(caseStateQuery, () => state);

  setHandler(
    submitTaskUpdate,
    async (cmd) => {
      const c = ctx();
      applySubmit(state, c, cmd);
      announceOpened(settle(state, c));
      await persist();
      return state;
    },
    { validator: (cmd) => rejectWith(() => checkSubmit(state, ctx(), cmd)) },
  );

  setHandler(
    reviewTaskUpdate,
    async (cmd) => {
      const c = ctx();
      const task = applyReview(state, c, cmd);
      const round = task.history.length;
      if (cmd.decision === 'return') {
        if (patched(PATCHES.RETURN_LADDER)) skipPastRungs(state, task, c);
        notify(assignees(task), `returned/${task.key}/${round}`, { kind: 'task-returned', ...base(task), comment: cmd.comment ?? '', dueDate: task.dueDate ?? '', timeZone: tz });
      } else if (task.state === 'APPROVED') {
        notify(assignees(task), `approved/${task.key}/${round}`, { kind: 'task-approved', ...base(task) });
      }
      announceOpened(settle(state, c));
      await persist();
      return state;
    },
    { validator: (cmd) => rejectWith(() => checkReview(state, ctx(), cmd)) },
  );

  setHandler(
    requestExtensionUpdate,
    async (cmd) => {
      const task = applyRequestExtension(state, ctx(), cmd);
      notify([input.coordinator], `extension-requested/${task.key}/${task.history.length}`, {
        kind: 'extension-requested',
        ...base(task),
        dueDate: task.dueDate ?? '',
        timeZone: tz,
        workingDays: cmd.workingDays,
        requestedBy: cmd.by,
        reason: cmd.reason,
      });
      await persist();
      return state;
    },
    { validator: (cmd) => rejectWith(() => checkRequestExtension(state, ctx(), cmd)) },
  );

  setHandler(
    decideExtensionUpdate,
    async (cmd) => {
      const { task, from, to } = applyDecideExtension(state, ctx(), cmd);
      notify(assignees(task), `extension-decided/${task.key}/${task.history.length}`, {
        kind: 'extension-decided',
        ...base(task),
        approved: cmd.approve,
        oldDueDate: from,
        newDueDate: to,
        timeZone: tz,
        decidedBy: cmd.by,
        comment: cmd.comment,
      });
      await persist();
      return state;
    },
    { validator: (cmd) => rejectWith(() => checkDecideExtension(state, ctx(), cmd)) },
  );

  setHandler(
    waiveTaskUpdate,
    async (cmd) => {
      const c = ctx();
      applyWaive(state, c, cmd);
      announceOpened(settle(state, c));
      await persist();
      return state;
    },
    { validator: (cmd) => rejectWith(() => checkWaive(state, ctx(), cmd)) },
  );

  setHandler(
    reassignTaskUpdate,
    async (cmd) => {
      const task = applyReassign(state, ctx(), cmd);
      notify([task.assignee!], `reassigned/${task.key}/${task.history.length}`, assigned(task, cmd.by, cmd.reason));
      await persist();
      return state;
    },
    { validator: (cmd) => rejectWith(() => checkReassign(state, ctx(), cmd)) },
  );

  setHandler(
    signOffCaseUpdate,
    async (cmd) => {
      applySignOff(state, ctx(), cmd);
      notify(input.unitHeads, 'signed-off', { kind: 'case-signed-off', ...base(), signedOffBy: cmd.by, comment: cmd.comment });
      await persist();
      return state;
    },
    { validator: (cmd) => rejectWith(() => checkSignOff(state, ctx(), cmd)) },
  );

  setHandler(
    programmeActionUpdate,
    async (cmd) => {
      const c = ctx();
      const effect = applyProgrammeAction(state, c, cmd);
      if (effect.template) template = effect.template;
      const day = today(state, c.now);
      if (cmd.kind === 'remind') {
        for (const task of effect.remind) {
          const late = workingDaysLate(c, task, day);
          const message: MessageData =
            late > 0
              ? { kind: 'overdue', ...base(task), dueDate: task.dueDate!, timeZone: tz, workingDaysLate: late }
              : { kind: 'reminder', ...base(task), dueDate: task.dueDate!, timeZone: tz, workingDaysBefore: calendar.workingDaysBetween(day, task.dueDate!) };
          notify(assignees(task), `remind/${cmd.actionId}/${task.key}`, message);
        }
      } else if (cmd.kind !== 'migrate') {
        const action = ({ extend: 'extended', suspend: 'suspended', resume: 'resumed', cancel: 'cancelled', close: 'closed' } as const)[cmd.kind];
        notify(input.unitHeads, `programme/${cmd.actionId}`, { kind: 'programme-notice', ...base(), action, reason: cmd.reason, by: cmd.by, workingDays: effect.workingDays });
      }
      announceOpened(settle(state, { ...c, template }));
      await persist();
      return state;
    },
    { validator: (cmd) => rejectWith(() => checkProgrammeAction(state, ctx(), cmd)) },
  );

  setHandler(
    revokeDesignationUpdate,
    async (cmd) => {
      const c = ctx();
      const { reopened } = applyRevokeDesignation(state, c, cmd);
      const r = template.revocation!;
      const recipients = new Map<string, Recipient>();
      for (const target of r.notify) for (const to of escalationRecipients(target)) if (!recipients.has(to.email)) recipients.set(to.email, to);
      const n = state.revocations?.length ?? 0;
      // The revocation email lists the reopened tasks and their deadlines, so they are not announced one by one.
      notify([...recipients.values()], `designation-revoked/${n}`, {
        kind: 'designation-revoked',
        ...base(),
        designationName: r.name.id,
        reason: cmd.reason,
        reference: cmd.reference,
        by: cmd.by,
        timeZone: tz,
        reopened: reopened.map((t) => ({ title: t.title, dueDate: t.state === 'OPEN' ? t.dueDate : null })),
      });
      announceOpened(settle(state, c));
      await persist();
      return state;
    },
    { validator: (cmd) => rejectWith(() => checkRevokeDesignation(state, ctx(), cmd)) },
  );

  setHandler(
    addFollowUpsUpdate,
    async (cmd) => {
      const added = applyAddFollowUps(state, ctx(), cmd);
      for (const task of added) notify(assignees(task), `follow-up/${task.key}`, assigned(task, cmd.by, cmd.source));
      await persist();
      return state;
    },
    { validator: (cmd) => rejectWith(() => checkAddFollowUps(state, ctx(), cmd)) },
  );

  if (!input.state) {
    if (patched(PATCHES.ANNOUNCE_AT_START)) announceOpened(state.tasks.filter((t) => t.state === 'OPEN'));
    await persist();
  }

  const onTimer = (event: TimerEvent) => {
    const c = ctx();
    if (event.kind === 'open') {
      announceOpened(settle(state, c));
      state.version++;
      return;
    }
    const task = applyTimerEvent(state, c, event)!;
    if (event.kind === 'reminder') {
      const message: MessageData =
        event.offset > 0
          ? { kind: 'overdue', ...base(task), dueDate: task.dueDate!, timeZone: tz, workingDaysLate: event.offset }
          : { kind: 'reminder', ...base(task), dueDate: task.dueDate!, timeZone: tz, workingDaysBefore: -event.offset };
      notify(assignees(task), `reminder/${task.key}/${task.dueDate}/${event.offset}`, message);
    } else if (event.kind === 'escalation') {
      notify(escalationRecipients(event.target), `escalation/${task.key}/${task.dueDate}/${event.level}`, {
        kind: 'escalation',
        ...base(task),
        dueDate: task.dueDate!,
        timeZone: tz,
        workingDaysLate: workingDaysLate(c, task, today(state, c.now)),
        level: event.level,
        target: event.target,
      });
    }
  };

  const historyLimit = input.historyLimit ?? HISTORY_SOFT_LIMIT;
  const shouldContinueAsNew = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > historyLimit;
  };

  for (;;) {
    while (outbox.length > 0) {
      const request = outbox[0];
      try {
        await sendNotification(request);
      } catch (err) {
        // Only a permanent failure ends up here (the activity retries everything else): the address was refused, or
        // the email could not be delivered within MAIL_DEAD_AFTER_MINUTES. The case goes on; the coordinator learns
        // which address to check (unless it is their own).
        const cause = err instanceof ActivityFailure ? err.cause : err;
        log.warn('notification could not be delivered', { to: request.to.email, kind: request.message.kind, error: (cause as Error)?.message });
        if (request.to.email !== input.coordinator.email && request.message.kind !== 'delivery-failed') {
          notify([input.coordinator], `delivery-failed/${request.idempotencyKey}`, {
            kind: 'delivery-failed',
            ...base(),
            failedRecipient: request.to.email,
            failedKind: request.message.kind,
            error: ((cause as Error)?.message ?? 'undeliverable').slice(0, 300),
          });
        }
      }
      outbox.shift();
    }
    if (state.status === 'ACTIVE' && allTasksDone(state)) {
      state.status = 'COMPLETED';
      state.version++;
      await persist();
    }
    if (state.status === 'COMPLETED' && (template.signOff?.required ?? true) && patched(PATCHES.SIGN_OFF)) {
      // Every task is done: wait for a coordinator's sign-off (or a migration that adds work, or a cancellation).
      if (shouldContinueAsNew()) {
        await condition(allHandlersFinished);
        if (outbox.length === 0) return continueAsNew<typeof caseWorkflow>({ ...input, template, state, suspended: undefined, pendingNotifications: [] });
        continue;
      }
      await condition(() => state.status !== 'COMPLETED' || outbox.length > 0 || shouldContinueAsNew());
      continue;
    }
    if (state.status !== 'ACTIVE') {
      // A sign-off or cancellation that arrived while the case was being completed queued its email: send it first.
      if (outbox.length > 0 && patched(PATCHES.DRAIN_BEFORE_CLOSING)) continue;
      break;
    }

    if (shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      if (outbox.length === 0) {
        log.info('continuing as new', { historyLength: workflowInfo().historyLength });
        return continueAsNew<typeof caseWorkflow>({ ...input, template, state, suspended: undefined, pendingNotifications: [] });
      }
      continue;
    }

    const next = nextTimerEvent(state, ctx());
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
    await getExternalWorkflowHandle(programmeWorkflowId(state.programmeId)).signal(caseClosedSignal, { caseId: state.caseId, status: state.status });
  } catch (err) {
    // The programme may already be closed (or, in tests, absent): the case's own result still stands.
    log.warn('could not tell the programme that the case closed', { error: (err as Error).message });
  }
  return { caseId: state.caseId, status: state.status };
}
