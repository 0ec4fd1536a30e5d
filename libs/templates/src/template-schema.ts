import { z } from 'zod';
import {
  ASSIGNEE_ROLES,
  FOLLOW_UP_KEY,
  ESCALATION_TARGETS,
  EVIDENCE_KINDS,
  REVIEWER_ROLES,
  TemplateDefinition,
  TemplateTask,
  isLocalDate,
  taskDependencies,
} from '@kawal/domain';

import { checkTemplateScoring } from './template-scoring';

/**
 * The schema of the programme template language (YAML or JSON documents), validated here when a template is
 * published, before anything reaches a workflow. Published versions are immutable; a changed definition needs a
 * new version number. Node-only: workflows import the types from @kawal/domain, never this module.
 */
const text = z.object({
  id: z.string().trim().min(1, 'must not be empty'),
  en: z.string().trim().min(1, 'must not be empty').optional(),
});

const key = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case kebab-case, e.g. standar-pelayanan')
  .max(64, 'must be at most 64 characters');


const int = (min: number, max: number) =>
  z.number({ error: 'must be a number' }).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
const localDate = z.string().refine(isLocalDate, 'must be a calendar date YYYY-MM-DD');

/**
 * When a task falls due, in working days (hari kerja) from a reference point, or on a fixed local date.
 * A fixed date that is not a working day moves to the next working day.
 */
const dueRule = z.union(
  [
    z.strictObject({ from: z.literal('programmeStart'), workingDays: int(1, 365) }),
    z.strictObject({ from: z.literal('phaseStart'), workingDays: int(1, 365) }),
    z.strictObject({ from: z.literal('taskCompleted'), task: key, workingDays: int(1, 365) }),
    z.strictObject({ date: localDate }),
  ],
  { error: 'must be {from: programmeStart|phaseStart, workingDays}, {from: taskCompleted, task, workingDays} or {date: YYYY-MM-DD}' },
);

/** When a phase starts: N working days after the programme starts, when an earlier phase is complete, or on a date. */
const phaseStart = z.union(
  [
    z.strictObject({ from: z.literal('programmeStart'), workingDays: int(0, 365).default(0) }),
    z.strictObject({ from: z.literal('phaseCompleted'), phase: key, workingDays: int(0, 365).default(0) }),
    z.strictObject({ date: localDate }),
  ],
  { error: 'must be {from: programmeStart, workingDays}, {from: phaseCompleted, phase, workingDays} or {date: YYYY-MM-DD}' },
);

/** What a submission must carry: at least minItems pieces of evidence of these kinds. */
const evidenceRule = z.strictObject({
  minItems: int(0, 50),
  kinds: z.array(z.enum(EVIDENCE_KINDS, { error: `must be one of ${EVIDENCE_KINDS.join(', ')}` })).min(1, 'must list at least one kind'),
});

/** The review levels a submission passes, in order (e.g. the camat, then Bagian Organisasi). */
const reviewRule = z.strictObject({
  levels: z
    .array(z.strictObject({ role: z.enum(REVIEWER_ROLES, { error: `must be one of ${REVIEWER_ROLES.join(', ')}` }), name: text }))
    .min(1, 'must have at least one level')
    .max(5, 'must have at most 5 levels'),
});

const taskSchema = z.strictObject({
  key,
  title: text,
  description: text.optional(),
  /** The phase the task belongs to; the task stays blocked until its phase starts. */
  phase: key.optional(),
  assigneeRole: z.enum(ASSIGNEE_ROLES, { error: `must be one of ${ASSIGNEE_ROLES.join(', ')}` }),
  due: dueRule,
  /** Tasks that must be approved or waived before this one opens. */
  dependsOn: z.array(key).max(20, 'must list at most 20 tasks').optional(),
  evidence: evidenceRule.default({ minItems: 0, kinds: ['document'] }),
  /** Items the unit confirms when submitting; every required item must be ticked. */
  checklist: z
    .array(z.strictObject({ key, text, required: z.boolean({ error: 'must be true or false' }).default(true) }))
    .max(50, 'must have at most 50 items')
    .optional(),
  review: reviewRule.optional(),
  /** Relative weight in the programme's own checklist score (default 1). */
  weight: z.number({ error: 'must be a number' }).min(0, 'must be at least 0').max(100, 'must be at most 100').optional(),
  /**
   * The task repeats: occurrence n opens n × everyMonths months after its due rule's reference point
   * (e.g. monitoring every 6 months after penetapan) and falls due the rule's working days later.
   */
  recurrence: z.strictObject({ everyMonths: int(1, 24), times: int(1, 24) }).optional(),
  /** The component (dimension, aspect) of the template's scoring instrument this task counts toward. */
  component: key.optional(),
});

/** Who hears about a revoked designation. */
const notifyTargets = z
  .array(z.enum(ESCALATION_TARGETS, { error: `must be one of ${ESCALATION_TARGETS.join(', ')}` }))
  .min(1, 'must name at least one recipient');

/** A rung of the reminder ladder, counted in working days before or after the due date (0 before = on the day). */
const reminderRung = z.union(
  [z.strictObject({ workingDaysBefore: int(0, 60) }), z.strictObject({ workingDaysAfter: int(1, 60) })],
  { error: 'must be {workingDaysBefore: N} or {workingDaysAfter: N}' },
);

export const templateSchema = z
  .strictObject({
    key,
    version: int(1, 1_000_000),
    name: text,
    description: text.optional(),
    officeHour: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:MM').default('07:30'),
    phases: z
      .array(z.strictObject({ key, name: text, start: phaseStart.optional() }))
      .max(20, 'must have at most 20 phases')
      .optional(),
    tasks: z.array(taskSchema).min(1, 'must contain at least one task').max(200, 'must contain at most 200 tasks'),
    reminders: z.array(reminderRung).max(10, 'must have at most 10 rungs').default([]),
    /** Who hears about an overdue task, and when: rungs in working days after the due date, ascending. */
    escalation: z
      .array(z.strictObject({ afterWorkingDays: int(1, 60), to: z.enum(ESCALATION_TARGETS, { error: `must be one of ${ESCALATION_TARGETS.join(', ')}` }) }))
      .max(5, 'must have at most 5 rungs')
      .optional(),
    /** Email: escalations may go out outside working hours (everything else waits for them). Default false. */
    mail: z.strictObject({ escalationsOutsideWorkingHours: z.boolean({ error: 'must be true or false' }) }).optional(),
    /** Whether a completed case needs a coordinator's sign-off before it closes (default true). */
    signOff: z.strictObject({ required: z.boolean({ error: 'must be true or false' }) }).optional(),
    /** The scoring instrument (kept as versioned data) that scores each unit's case. */
    scoring: z.strictObject({ instrument: key, version: int(1, 1000).optional() }).optional(),
    /**
     * A designation (e.g. Kelurahan Bebas Maladministrasi) the case earns when `designationTask` is approved, and what
     * revoking it does: the listed tasks open again (those waiting on another listed task wait again) and the
     * named people are told why.
     */
    revocation: z
      .strictObject({
        designationTask: key,
        name: text,
        reopens: z.array(key).min(1, 'must list at least one task').max(50, 'must list at most 50 tasks'),
        notify: notifyTargets,
      })
      .optional(),
    /**
     * Coordinators may add follow-up tasks to a unit's case during the programme (e.g. one per note of the
     * Ombudsman's rapor), each with an owner and a deadline; they are reviewed, evidenced and scored as set here.
     */
    followUps: z
      .strictObject({
        name: text,
        evidence: evidenceRule.default({ minItems: 1, kinds: ['document'] }),
        review: reviewRule.optional(),
        defaultWorkingDays: int(1, 365).default(20),
        weight: z.number({ error: 'must be a number' }).min(0, 'must be at least 0').max(100, 'must be at most 100').default(1),
        component: key.optional(),
        maxPerCase: int(1, 200).default(50),
      })
      .optional(),
    /** The programme runs again every N months (a yearly MoU follow-up: 12); the next cycle is launched from the last. */
    cycle: z.strictObject({ everyMonths: int(1, 60) }).optional(),
  })
  .superRefine((t, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const taskKeys = new Map<string, number>();
    t.tasks.forEach((task, i) => {
      if (t.followUps && FOLLOW_UP_KEY.test(task.key)) issue(['tasks', i, 'key'], 'must not look like "follow-up-N", which names the follow-ups added to a case');
      if (taskKeys.has(task.key)) issue(['tasks', i, 'key'], `must be unique; "${task.key}" appears twice`);
      else taskKeys.set(task.key, i);
    });
    const phaseKeys = new Map<string, number>();
    (t.phases ?? []).forEach((phase, i) => {
      if (phaseKeys.has(phase.key)) issue(['phases', i, 'key'], `must be unique; "${phase.key}" appears twice`);
      else phaseKeys.set(phase.key, i);
    });
    (t.phases ?? []).forEach((phase, i) => {
      if (phase.start && 'phase' in phase.start) {
        const j = phaseKeys.get(phase.start.phase);
        if (j === undefined) issue(['phases', i, 'start', 'phase'], `must name a phase of this template; "${phase.start.phase}" is not one`);
        else if (j >= i) issue(['phases', i, 'start', 'phase'], 'must name an earlier phase');
      }
    });
    t.tasks.forEach((task, i) => {
      if (task.phase !== undefined && !phaseKeys.has(task.phase)) issue(['tasks', i, 'phase'], `must name a phase of this template; "${task.phase}" is not one`);
      if ('from' in task.due && task.due.from === 'phaseStart' && task.phase === undefined) issue(['tasks', i, 'due', 'from'], 'phaseStart needs the task to belong to a phase');
      const deps = new Set(task.dependsOn ?? []);
      // A recurring task has several occurrences, so "when it is done" has no single answer.
      const recurring = (k: string) => t.tasks[taskKeys.get(k) ?? -1]?.recurrence !== undefined;
      (task.dependsOn ?? []).forEach((dep, j) => {
        if (!taskKeys.has(dep)) issue(['tasks', i, 'dependsOn', j], `must name a task of this template; "${dep}" is not one`);
        if (dep === task.key) issue(['tasks', i, 'dependsOn', j], 'must not name the task itself');
        else if (recurring(dep)) issue(['tasks', i, 'dependsOn', j], `must not name a recurring task; "${dep}" recurs`);
      });
      if ('task' in task.due) {
        if (!taskKeys.has(task.due.task)) issue(['tasks', i, 'due', 'task'], `must name a task of this template; "${task.due.task}" is not one`);
        else if (task.due.task === task.key) issue(['tasks', i, 'due', 'task'], 'must not name the task itself');
        else if (recurring(task.due.task)) issue(['tasks', i, 'due', 'task'], `must not name a recurring task; "${task.due.task}" recurs`);
        deps.add(task.due.task);
      }
      if (task.recurrence && 'date' in task.due) issue(['tasks', i, 'recurrence'], 'needs a relative due rule, not a fixed date');
      const checklist = new Set<string>();
      (task.checklist ?? []).forEach((item, j) => {
        if (checklist.has(item.key)) issue(['tasks', i, 'checklist', j, 'key'], `must be unique; "${item.key}" appears twice`);
        checklist.add(item.key);
      });
    });
    // Dependencies (explicit, and implied by taskCompleted due rules) must not form a cycle.
    const cycle = findDependencyCycle(t.tasks);
    if (cycle) issue(['tasks', taskKeys.get(cycle[0]) ?? 0, 'dependsOn'], `must not form a cycle: ${cycle.join(' -> ')}`);
    const rungs = new Set<string>();
    t.reminders.forEach((r, i) => {
      const id = 'workingDaysBefore' in r ? `-${r.workingDaysBefore}` : `+${r.workingDaysAfter}`;
      const field = 'workingDaysBefore' in r ? 'workingDaysBefore' : 'workingDaysAfter';
      if (rungs.has(id)) issue(['reminders', i, field], 'must be unique');
      rungs.add(id);
    });
    if (t.revocation) {
      const r = t.revocation;
      const check = (k: string, path: PropertyKey[]) => {
        const i = taskKeys.get(k);
        if (i === undefined) issue(path, `must name a task of this template; "${k}" is not one`);
        else if (t.tasks[i].recurrence) issue(path, `must not name a recurring task; "${k}" recurs`);
      };
      check(r.designationTask, ['revocation', 'designationTask']);
      r.reopens.forEach((k, i) => check(k, ['revocation', 'reopens', i]));
      if (!r.reopens.includes(r.designationTask)) issue(['revocation', 'reopens'], `must include the designation task "${r.designationTask}"`);
    }
    const components = [...t.tasks.map((task, i) => ({ c: task.component, path: ['tasks', i, 'component'] })), { c: t.followUps?.component, path: ['followUps', 'component'] }];
    if (!t.scoring) components.forEach(({ c, path }) => c !== undefined && issue(path, 'needs a scoring instrument (scoring.instrument) to count toward'));
    (t.escalation ?? []).forEach((rung, i, all) => {
      if (i > 0 && rung.afterWorkingDays <= all[i - 1].afterWorkingDays) issue(['escalation', i, 'afterWorkingDays'], 'must be later than the rung before');
    });
  });

function findDependencyCycle(tasks: Array<{ key: string; dependsOn?: string[]; due: TemplateTask['due'] }>): string[] | undefined {
  const byKey = new Map(tasks.map((t) => [t.key, t]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (k: string): string[] | undefined => {
    if (state.get(k) === 'done') return undefined;
    if (state.get(k) === 'visiting') return [...stack.slice(stack.indexOf(k)), k];
    const task = byKey.get(k);
    if (!task) return undefined;
    state.set(k, 'visiting');
    stack.push(k);
    for (const dep of taskDependencies(task)) {
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(k, 'done');
    return undefined;
  };
  for (const t of tasks) {
    const found = visit(t.key);
    if (found) return found;
  }
  return undefined;
}

export interface TemplateIssue {
  /** JSON-path-like location of the offending field, e.g. tasks[1].due.workingDays */
  path: string;
  /** The rule it breaks. */
  rule: string;
}

export class TemplateValidationError extends Error {
  constructor(readonly issues: TemplateIssue[]) {
    super(`Template is invalid: ${issues.map((i) => `${i.path || '(root)'} ${i.rule}`).join('; ')}`);
    this.name = 'TemplateValidationError';
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '');
}

/** Validates a parsed template document; throws TemplateValidationError listing every issue with its path. */
export function parseTemplate(raw: unknown): TemplateDefinition {
  const result = templateSchema.safeParse(raw);
  if (!result.success) {
    throw new TemplateValidationError(
      result.error.issues.map((issue) => ({
        path: formatPath(issue.path),
        rule: issue.code === 'unrecognized_keys' ? `has unknown field(s): ${issue.keys.join(', ')}` : issue.message,
      })),
    );
  }
  // The scoring instrument is data too (instruments/): the template must fit the version it names.
  const scoring = checkTemplateScoring(result.data);
  if (scoring.length > 0) throw new TemplateValidationError(scoring);
  return result.data;
}
