import { countByState, designationOf, isDone, type CaseState } from '@kawal/domain';
import type { RecordCaseResult } from '@kawal/contracts';
import { db, type PrismaClient } from '@kawal/database';
import { scoreCase } from '@kawal/scoring';
import { instrumentForTemplate, scoredTasks, type ScoringTemplate } from '@kawal/templates';

const { DbNull } = db.Prisma;
/** History entries hold plain JSON values (strings, numbers, lists); Prisma wants its own JSON input type. */
const json = (value: Record<string, unknown>) => value as db.Prisma.InputJsonObject;

const asDate = (localDate: string) => new Date(`${localDate}T00:00:00.000Z`);

/** The per-case figures the programme dashboard sums (an overdue task that is approved or waived no longer counts). */
export function taskCounts(state: Pick<CaseState, 'tasks'>) {
  const c = countByState(state.tasks);
  return {
    tasksBlocked: c.BLOCKED,
    tasksOpen: c.OPEN,
    tasksSubmitted: c.SUBMITTED,
    tasksInReview: c.IN_REVIEW,
    tasksReturned: c.RETURNED,
    tasksApproved: c.APPROVED,
    tasksWaived: c.WAIVED,
    tasksOverdue: state.tasks.filter((t) => t.overdue && !isDone(t)).length,
  };
}


/**
 * The case's score, zone and category under its template's instrument, and where its designation stands: written
 * with every state, so the programme's distribution is one query over the cases.
 */
function caseFigures(state: CaseState, template: ScoringTemplate | null, programmeYear: number) {
  // The programme's year picks the instrument version, as on the case page (a late-joining unit is scored alike).
  const instrument = template ? instrumentForTemplate(template, programmeYear) : null;
  const score = instrument && template ? scoreCase(instrument, scoredTasks(template, state.tasks)) : null;
  return {
    score: score?.score ?? null,
    scoreZone: score?.zone ?? null,
    scoreCategory: score?.category ?? null,
    designation: template ? (designationOf(state, template)?.status ?? null) : null,
    revocations: (state.revocations ?? []) as unknown as db.Prisma.InputJsonArray,
  };
}

/**
 * Projects a case's workflow state into PostgreSQL. Guarded by the state's version: a late or repeated write
 * (an activity retry, an out-of-order completion) never moves the read model backwards.
 */
export function readModelActivities(prisma: PrismaClient) {
  // Published template versions never change, so their definitions are cached by key and version.
  const templates = new Map<string, ScoringTemplate | null>();
  const templateOf = async (state: CaseState): Promise<ScoringTemplate | null> => {
    const id = `${state.templateKey}@${state.templateVersion}`;
    if (!templates.has(id)) {
      const row = await prisma.template.findUnique({ where: { key_version: { key: state.templateKey, version: state.templateVersion } }, select: { definition: true } });
      if (!row) return null;
      templates.set(id, row.definition as unknown as ScoringTemplate);
    }
    return templates.get(id)!;
  };
  // A programme's start date never changes either.
  const years = new Map<string, number>();
  const programmeYear = async (state: CaseState): Promise<number> => {
    if (!years.has(state.programmeId)) {
      const row = await prisma.programme.findUnique({ where: { id: state.programmeId }, select: { startDate: true } });
      years.set(state.programmeId, row ? row.startDate.getUTCFullYear() : Number(state.startDate.slice(0, 4)));
    }
    return years.get(state.programmeId)!;
  };
  return {
    async recordCaseState(state: CaseState): Promise<RecordCaseResult> {
      const figures = caseFigures(state, await templateOf(state), await programmeYear(state));
      return prisma.$transaction(async (tx) => {
        const updated = await tx.case.updateMany({
          where: { id: state.caseId, version: { lt: state.version } },
          data: {
            ...taskCounts(state),
            version: state.version,
            status: state.status,
            suspended: state.suspension !== undefined,
            templateVersion: state.templateVersion ?? null,
            signedOffAt: state.signedOff ? new Date(state.signedOff.at) : null,
            signedOffBy: state.signedOff?.by ?? null,
            ...figures,
          },
        });
        if (updated.count === 0) return { applied: false };
        for (const task of state.tasks) {
          const data = {
            title: task.title,
            assigneeRole: task.assigneeRole as 'UNIT_HEAD' | 'UNIT_STAFF',
            assigneeEmail: task.assignee?.email ?? null,
            phase: task.phase ?? null,
            occurrence: task.occurrence ?? null,
            weight: task.weight ?? 1,
            component: task.component ?? null,
            followUp: task.followUp ? { ...task.followUp } : DbNull,
            state: task.state,
            dueDate: task.dueDate ? asDate(task.dueDate) : null,
            dueAt: task.dueAt ? new Date(task.dueAt) : null,
            opensOn: task.opensOn ? asDate(task.opensOn) : null,
            overdue: task.overdue,
            escalationLevel: task.escalationLevel ?? 0,
            extensionRequest: task.extensionRequest ? { ...task.extensionRequest } : DbNull,
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
        // Every decision in a task's or the case's history becomes an audit event exactly once (keyed by its position).
        const events = [
          ...state.tasks.flatMap((task) =>
            task.history.map((h, i) => ({
              idempotencyKey: `${state.caseId}/${task.key}/${i}`,
              programmeId: state.programmeId,
              caseId: state.caseId,
              actor: h.by,
              action: `task.${h.action}`,
              reason: h.comment ?? null,
              before: h.before ? (json({ taskKey: task.key, ...h.before })) : DbNull,
              after: json({ taskKey: task.key, level: h.level ?? null, ...(h.after ?? {}) }),
              at: new Date(h.at),
            })),
          ),
          ...(state.history ?? []).map((h, i) => ({
            idempotencyKey: `${state.caseId}/case/${i}`,
            programmeId: state.programmeId,
            caseId: state.caseId,
            actor: h.by,
            action: `case.${h.action}`,
            reason: h.comment ?? null,
            before: h.before ? json(h.before) : DbNull,
            after: h.after ? json(h.after) : DbNull,
            at: new Date(h.at),
          })),
        ];
        // In time order, so each case's audit chain (built by the database as rows arrive) reads as a timeline.
        events.sort((a, b) => a.at.getTime() - b.at.getTime() || a.idempotencyKey.localeCompare(b.idempotencyKey));
        if (events.length > 0) await tx.auditEvent.createMany({ data: events, skipDuplicates: true });
        return { applied: true };
      });
    },
  };
}
