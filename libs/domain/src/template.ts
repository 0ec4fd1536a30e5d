import type { z } from 'zod';
import type { templateSchema } from '@kawal/templates';

/**
 * The programme template language: its types and the pure helpers workflows use. The schema that validates a
 * template document (zod) lives in libs/templates, so it never enters the workflow bundle: templates are
 * validated once, when published, and workflows receive the validated snapshot.
 */
export const ASSIGNEE_ROLES = ['UNIT_HEAD', 'UNIT_STAFF'] as const;
export const REVIEWER_ROLES = ['COORDINATOR', 'REVIEWER'] as const;
export const EVIDENCE_KINDS = ['document', 'photo', 'link', 'note'] as const;
/** Who an escalation rung reaches: the unit's own head, the head of its parent unit (e.g. the camat), the coordinator. */
export const ESCALATION_TARGETS = ['UNIT_HEAD', 'PARENT_UNIT_HEAD', 'COORDINATOR'] as const;

export type TemplateDefinition = z.output<typeof templateSchema>;
export type TemplateTask = TemplateDefinition['tasks'][number];
export type TemplatePhase = NonNullable<TemplateDefinition['phases']>[number];
export type ReminderRung = TemplateDefinition['reminders'][number];
export type EscalationRung = NonNullable<TemplateDefinition['escalation']>[number];
export type EscalationTarget = (typeof ESCALATION_TARGETS)[number];

/** A reminder rung as a signed offset in working days from the due date: -5 = five before, 0 = on the day, 3 = three after. */
export function rungOffset(rung: ReminderRung): number {
  return 'workingDaysBefore' in rung ? 0 - rung.workingDaysBefore : rung.workingDaysAfter; // 0 - x: "on the day" is 0, not -0
}

/** Task dependencies: explicit dependsOn plus the task a taskCompleted due rule counts from. */
export function taskDependencies(task: { dependsOn?: string[]; due: TemplateTask['due'] }): string[] {
  const deps = [...(task.dependsOn ?? [])];
  if ('task' in task.due && !deps.includes(task.due.task)) deps.push(task.due.task);
  return deps;
}

