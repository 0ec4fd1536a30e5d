import type { CaseState } from '@kawal/domain';
import type { RecordCaseResult } from '@kawal/contracts';
import type { PrismaClient } from '@kawal/database';

const asDate = (localDate: string) => new Date(`${localDate}T00:00:00.000Z`);

/**
 * Projects a case's workflow state into PostgreSQL. Guarded by the state's version: a late or repeated write
 * (an activity retry, an out-of-order completion) never moves the read model backwards.
 */
export function readModelActivities(prisma: PrismaClient) {
  return {
    async recordCaseState(state: CaseState): Promise<RecordCaseResult> {
      return prisma.$transaction(async (tx) => {
        const updated = await tx.case.updateMany({
          where: { id: state.caseId, version: { lt: state.version } },
          data: { version: state.version, status: state.status },
        });
        if (updated.count === 0) return { applied: false };
        for (const task of state.tasks) {
          const data = {
            title: task.title,
            assigneeRole: task.assigneeRole as 'UNIT_HEAD' | 'UNIT_STAFF',
            state: task.state,
            dueDate: asDate(task.dueDate),
            dueAt: new Date(task.dueAt),
            overdue: task.overdue,
            reviewLevel: task.reviewLevel,
            lastComment: task.lastComment ?? null,
            submittedAt: task.submittedAt ? new Date(task.submittedAt) : null,
            approvedAt: task.approvedAt ? new Date(task.approvedAt) : null,
          };
          await tx.task.upsert({
            where: { caseId_key: { caseId: state.caseId, key: task.key } },
            create: { caseId: state.caseId, key: task.key, ...data },
            update: data,
          });
        }
        // Every decision in a task's history becomes an audit event exactly once (keyed by its position).
        const events = state.tasks.flatMap((task) =>
          task.history.map((h, i) => ({
            idempotencyKey: `${state.caseId}/${task.key}/${i}`,
            programmeId: state.programmeId,
            caseId: state.caseId,
            actor: h.by,
            action: `task.${h.action}`,
            reason: h.comment ?? null,
            after: { taskKey: task.key, level: h.level ?? null },
            at: new Date(h.at),
          })),
        );
        if (events.length > 0) await tx.auditEvent.createMany({ data: events, skipDuplicates: true });
        return { applied: true };
      });
    },
  };
}
