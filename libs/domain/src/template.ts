import { z } from 'zod';

/**
 * The programme template language: data (YAML or JSON), validated here before anything reaches a workflow.
 * Published versions are immutable; a changed definition needs a new version number.
 */
const text = z.object({
  id: z.string().trim().min(1, 'must not be empty'),
  en: z.string().trim().min(1, 'must not be empty').optional(),
});

const key = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case kebab-case, e.g. standar-pelayanan')
  .max(64, 'must be at most 64 characters');

export const ASSIGNEE_ROLES = ['UNIT_HEAD', 'UNIT_STAFF'] as const;
export const REVIEWER_ROLES = ['COORDINATOR', 'REVIEWER'] as const;
export const EVIDENCE_KINDS = ['document', 'photo', 'link', 'note'] as const;

const taskSchema = z.strictObject({
  key,
  title: text,
  description: text.optional(),
  assigneeRole: z.enum(ASSIGNEE_ROLES, { error: `must be one of ${ASSIGNEE_ROLES.join(', ')}` }),
  due: z.strictObject({
    from: z.literal('programmeStart', { error: 'must be programmeStart' }),
    workingDays: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(365, 'must be at most 365'),
  }),
  evidence: z
    .strictObject({
      minItems: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be at least 0').max(50, 'must be at most 50'),
      kinds: z.array(z.enum(EVIDENCE_KINDS, { error: `must be one of ${EVIDENCE_KINDS.join(', ')}` })).min(1, 'must list at least one kind'),
    })
    .default({ minItems: 0, kinds: ['document'] }),
  review: z
    .strictObject({
      levels: z
        .array(z.strictObject({ role: z.enum(REVIEWER_ROLES, { error: `must be one of ${REVIEWER_ROLES.join(', ')}` }), name: text }))
        .min(1, 'must have at least one level')
        .max(5, 'must have at most 5 levels'),
    })
    .optional(),
});

export const templateSchema = z
  .strictObject({
    key,
    version: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1'),
    name: text,
    description: text.optional(),
    officeHour: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:MM').default('07:30'),
    tasks: z.array(taskSchema).min(1, 'must contain at least one task').max(200, 'must contain at most 200 tasks'),
    reminders: z
      .array(
        z.strictObject({
          workingDaysBefore: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be at least 0').max(60, 'must be at most 60'),
        }),
      )
      .max(10, 'must have at most 10 rungs')
      .default([]),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.tasks.forEach((task, i) => {
      if (seen.has(task.key)) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'key'], message: `must be unique; "${task.key}" appears twice` });
      seen.add(task.key);
    });
    const rungs = new Set<number>();
    t.reminders.forEach((r, i) => {
      if (rungs.has(r.workingDaysBefore)) ctx.addIssue({ code: 'custom', path: ['reminders', i, 'workingDaysBefore'], message: 'must be unique' });
      rungs.add(r.workingDaysBefore);
    });
  });

export type TemplateDefinition = z.output<typeof templateSchema>;
export type TemplateTask = TemplateDefinition['tasks'][number];

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
  return result.data;
}
