import { Context } from '@temporalio/activity';
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type {
  ActionBatchResult,
  CaseWorkflowInput,
  LaunchBatchResult,
  NotificationRequest,
  PendingProgrammeAction,
  ProgrammeActionRecord,
  ProgrammeStatus,
  Recipient,
  SummaryUnit,
} from '@kawal/contracts';
import { WEEKLY_SUMMARY_TIME, isoWeekRange, programmeActionUpdate } from '@kawal/contracts';
import { db, type PrismaClient } from '@kawal/database';
import {
  IndonesianTimeZone,
  LocalDate,
  ProgrammeActionCommand,
  TIME_ZONES,
  TemplateDefinition,
  addCalendarDays,
  isIndonesianTimeZone,
  localTimeToInstant,
  percent,
  timeZoneForUnitCode,
  unitTimeZone,
  zoneAbbreviation,
} from '@kawal/domain';
import { holidaysBetween, type LocalHoliday } from '@kawal/holidays';

export interface ProgrammeActivityDeps {
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
  publicBaseUrl: string;
}

const asLocale = (l: string): 'id' | 'en' => (l === 'en' ? 'en' : 'id');
const toRecipient = (p: { email: string; name: string; locale: string }): Recipient => ({ email: p.email, name: p.name, locale: asLocale(p.locale) });
const localDate = (d: Date): LocalDate => d.toISOString().slice(0, 10);
const IN_FLIGHT = 16;
/** As on the dashboard: approved or waived tasks as a percentage (2 decimals; 0 without tasks). */
const MAX_OVERDUE_UNITS = 10;
const MAX_WORST_UNITS = 5;
/** Holidays handed to a case cover this many years from its start (programmes with monitoring run long). */
const CALENDAR_YEARS = 3;

async function inFlight<T>(items: T[], each: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += IN_FLIGHT) {
    await Promise.all(items.slice(i, i + IN_FLIGHT).map(each));
    Context.current().heartbeat({ done: Math.min(items.length, i + IN_FLIGHT) });
  }
}

/** Starting unit cases, fanning programme actions out to them, and the programme's read model. */
export function programmeActivities({ prisma, client, taskQueue, publicBaseUrl }: ProgrammeActivityDeps) {
  return {
    async launchCaseBatch(args: { programmeId: string; limit: number }): Promise<LaunchBatchResult> {
      const programme = await prisma.programme.findUniqueOrThrow({
        where: { id: args.programmeId },
        include: { template: true, coordinator: true },
      });
      // Stored definitions were validated when the template was published; cases get that snapshot.
      const template = programme.template.definition as unknown as TemplateDefinition;
      const local = (programme.localHolidays ?? []) as unknown as LocalHoliday[];
      const suspension = programme.status === 'SUSPENDED' ? (programme.suspension as { since: string; by: string; reason: string } | null) : null;
      const cases = await prisma.case.findMany({
        where: { programmeId: args.programmeId, launchedAt: null },
        orderBy: { workflowId: 'asc' },
        take: args.limit,
        include: {
          unit: {
            include: {
              roles: { where: { role: 'UNIT_HEAD' }, include: { person: true } },
              parent: { include: { roles: { where: { role: 'UNIT_HEAD' }, include: { person: true } } } },
            },
          },
        },
      });
      const coordinator = toRecipient(programme.coordinator);
      // Cases of one launch share a start date: the holiday list is built once per date, not once per case.
      const calendars = new Map<LocalDate, LocalDate[]>();
      const holidaysFrom = (start: LocalDate): LocalDate[] => {
        let list = calendars.get(start);
        if (!list) calendars.set(start, (list = holidaysBetween(start, addCalendarDays(start, 366 * CALENDAR_YEARS), local)));
        return list;
      };
      let started = 0;
      let alreadyRunning = 0;
      await inFlight(cases, async (c) => {
        const startDate = localDate(c.startDate ?? programme.startDate);
        const input: CaseWorkflowInput = {
          caseId: c.id,
          programmeId: programme.id,
          programmeName: programme.name,
          unit: {
            id: c.unit.id,
            code: c.unit.code,
            name: c.unit.name,
            timeZone: unitTimeZone(c.unit),
          },
          startDate,
          template,
          holidays: holidaysFrom(startDate),
          unitHeads: c.unit.roles.map((r) => toRecipient(r.person)),
          parentUnitHeads: (c.unit.parent?.roles ?? []).map((r) => toRecipient(r.person)),
          coordinator,
          publicBaseUrl,
          suspended: suspension ?? undefined,
        };
        try {
          await client.workflow.start('caseWorkflow', {
            taskQueue,
            workflowId: c.workflowId,
            args: [input],
            // A case that already ran to its end is never started again by a retried batch.
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          });
          started++;
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) alreadyRunning++;
          else throw err;
        }
      });
      if (cases.length > 0) {
        await prisma.case.updateMany({ where: { id: { in: cases.map((c) => c.id) }, launchedAt: null }, data: { launchedAt: new Date() } });
      }
      const remaining = await prisma.case.count({ where: { programmeId: args.programmeId, launchedAt: null } });
      return { started, alreadyRunning, remaining };
    },

    async applyActionBatch(args: { programmeId: string; action: PendingProgrammeAction; cursor?: string; limit: number }): Promise<ActionBatchResult> {
      const { action } = args;
      const unitCodes = 'unitCodes' in action && action.unitCodes && action.unitCodes.length > 0 ? action.unitCodes : undefined;
      if (action.kind === 'migrate' && !unitCodes && args.cursor === undefined) {
        // The whole programme moves: units launched from now on start on the new version too.
        const target = await prisma.template.findUnique({ where: { key_version: { key: action.template.key, version: action.template.version } } });
        if (target) await prisma.programme.update({ where: { id: args.programmeId }, data: { templateId: target.id } });
      }
      const cases = await prisma.case.findMany({
        where: {
          programmeId: args.programmeId,
          launchedAt: { not: null },
          ...(args.cursor ? { workflowId: { gt: args.cursor } } : {}),
          ...(unitCodes ? { unit: { code: { in: unitCodes } } } : {}),
        },
        orderBy: { workflowId: 'asc' },
        take: args.limit,
        select: { workflowId: true },
      });
      const command = toCaseCommand(action);
      let applied = 0;
      let skipped = 0;
      await inFlight(cases, async (c) => {
        try {
          // The update id makes a retried batch idempotent on the server; the case also remembers the action id.
          await client.workflow.getHandle(c.workflowId).executeUpdate(programmeActionUpdate, { args: [command], updateId: action.actionId });
          applied++;
        } catch (err) {
          const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
          if (cause instanceof ApplicationFailure && cause.type === 'ALREADY_APPLIED') applied++;
          else if (cause instanceof ApplicationFailure || err instanceof WorkflowNotFoundError || isClosedWorkflowError(err)) skipped++;
          else throw err;
        }
      });
      return { applied, skipped, cursor: cases.length < args.limit ? null : cases[cases.length - 1].workflowId };
    },

    async recordProgrammeState(args: { programmeId: string; status: ProgrammeStatus; actions: ProgrammeActionRecord[] }): Promise<void> {
      const last = [...args.actions].reverse().find((a) => a.kind === 'suspend' || a.kind === 'resume');
      const suspension = args.status === 'SUSPENDED' && last?.kind === 'suspend' ? { since: last.at.slice(0, 10), by: last.by, reason: last.reason } : null;
      const closed = args.status === 'COMPLETED' || args.status === 'CANCELLED';
      await prisma.$transaction([
        prisma.programme.update({
          where: { id: args.programmeId },
          data: {
            status: args.status,
            actions: args.actions as unknown as object,
            suspension: suspension ?? db.Prisma.DbNull,
            ...(closed ? { closedAt: new Date() } : {}),
          },
        }),
        // Units never launched because the programme closed first are closed with it.
        ...(closed ? [prisma.case.updateMany({ where: { programmeId: args.programmeId, launchedAt: null, status: 'ACTIVE' }, data: { status: 'CANCELLED' } })] : []),
        // Each coordinator action enters the programme's audit chain twice, exactly once each: when the workflow
        // accepted it, and when it had reached every case (with how many it reached and skipped).
        prisma.auditEvent.createMany({ data: programmeActionAudit(args.programmeId, args.actions), skipDuplicates: true }),
      ]);
    },

    async programmeTimeZone(args: { programmeId: string }): Promise<IndonesianTimeZone> {
      return programmeZone(prisma, args.programmeId);
    },

    async programmeLaunchedNotice(args: { programmeId: string }): Promise<NotificationRequest> {
      const programme = found(await prisma.programme.findUnique({ where: { id: args.programmeId }, include: { template: true, coordinator: true } }), args.programmeId);
      const [zone, unitsLaunched] = await Promise.all([programmeZone(prisma, programme.id), prisma.case.count({ where: { programmeId: programme.id, launchedAt: { not: null } } })]);
      const to = toRecipient(programme.coordinator);
      const name = (programme.template.definition as unknown as Partial<TemplateDefinition>).name;
      return {
        idempotencyKey: `programme/${programme.id}/launched`,
        to,
        delivery: { timeZone: zone, escalationsAnyTime: false },
        message: {
          kind: 'programme-launched',
          programmeName: programme.name,
          timeZone: zoneAbbreviation(zone),
          link: programmeLink(publicBaseUrl, programme.id),
          unitsLaunched,
          startDate: localDate(programme.startDate),
          templateName: (to.locale === 'en' ? name?.en : undefined) ?? name?.id ?? programme.template.name,
          templateVersion: programme.template.version,
          summaryTime: WEEKLY_SUMMARY_TIME,
        },
      };
    },

    async programmeWeeklySummary(args: { programmeId: string; weekKey: string }): Promise<NotificationRequest> {
      let week: { monday: LocalDate; sunday: LocalDate };
      try {
        week = isoWeekRange(args.weekKey);
      } catch (err) {
        throw ApplicationFailure.create({ type: 'InvalidWeek', message: (err as Error).message, nonRetryable: true });
      }
      const { monday, sunday } = week;
      const programme = found(await prisma.programme.findUnique({ where: { id: args.programmeId }, include: { coordinator: true } }), args.programmeId);
      const zone = await programmeZone(prisma, programme.id);
      const [[totals], overdueUnits, worstUnits, approvedThisWeek] = await Promise.all([
        // One aggregate over the cases' counters, as the dashboard does (the tasks themselves are not scanned). Lateness
        // leaves out cancelled units: nobody follows them up any more.
        prisma.$queryRaw<Array<Record<'units' | 'blocked' | 'open' | 'submitted' | 'in_review' | 'returned' | 'approved' | 'waived' | 'overdue_units' | 'overdue_tasks', number>>>`
          SELECT count(*)::int AS units,
                 coalesce(sum(tasks_blocked), 0)::int AS blocked, coalesce(sum(tasks_open), 0)::int AS open,
                 coalesce(sum(tasks_submitted), 0)::int AS submitted, coalesce(sum(tasks_in_review), 0)::int AS in_review,
                 coalesce(sum(tasks_returned), 0)::int AS returned, coalesce(sum(tasks_approved), 0)::int AS approved,
                 coalesce(sum(tasks_waived), 0)::int AS waived,
                 count(*) FILTER (WHERE tasks_overdue > 0 AND status <> 'CANCELLED')::int AS overdue_units,
                 coalesce(sum(tasks_overdue) FILTER (WHERE status <> 'CANCELLED'), 0)::int AS overdue_tasks
            FROM cases WHERE programme_id = ${programme.id}::uuid`,
        prisma.$queryRaw<SummaryRow[]>`
          SELECT u.code, u.name, c.tasks_overdue AS overdue, ${summaryCounts}
            FROM cases c JOIN units u ON u.id = c.unit_id
           WHERE c.programme_id = ${programme.id}::uuid AND c.tasks_overdue > 0 AND c.status <> 'CANCELLED'
           ORDER BY c.tasks_overdue DESC, u.code
           LIMIT ${MAX_OVERDUE_UNITS}`,
        // Units still at work (not cancelled) that have tasks, the lowest share done first.
        prisma.$queryRaw<SummaryRow[]>`
          SELECT code, name, overdue, done, total FROM (
            SELECT u.code, u.name, c.tasks_overdue AS overdue, ${summaryCounts}
              FROM cases c JOIN units u ON u.id = c.unit_id
             WHERE c.programme_id = ${programme.id}::uuid AND c.status <> 'CANCELLED'
          ) x
           WHERE total > 0
           ORDER BY done::float8 / total, overdue DESC, code
           LIMIT ${MAX_WORST_UNITS}`,
        prisma.task.count({
          where: {
            case: { programmeId: programme.id },
            state: 'APPROVED',
            approvedAt: { gte: new Date(localTimeToInstant(monday, '00:00', zone)), lt: new Date(localTimeToInstant(addCalendarDays(sunday, 1), '00:00', zone)) },
          },
        }),
      ]);
      const tasksByState = {
        BLOCKED: totals.blocked,
        OPEN: totals.open,
        SUBMITTED: totals.submitted,
        IN_REVIEW: totals.in_review,
        RETURNED: totals.returned,
        APPROVED: totals.approved,
        WAIVED: totals.waived,
      };
      const taskCount = Object.values(tasksByState).reduce((a, b) => a + b, 0);
      const unit = (r: SummaryRow): SummaryUnit => ({ code: r.code, name: r.name, overdueTasks: r.overdue, percentApproved: percent(r.done, r.total) });
      return {
        idempotencyKey: `programme/${programme.id}/weekly/${args.weekKey}`,
        to: toRecipient(programme.coordinator),
        // Working hours are the programme's zone's (the coordinator has no zone of their own).
        delivery: { timeZone: zone, escalationsAnyTime: false },
        message: {
          kind: 'programme-weekly-summary',
          programmeName: programme.name,
          timeZone: zoneAbbreviation(zone),
          link: programmeLink(publicBaseUrl, programme.id),
          weekKey: args.weekKey,
          weekStart: monday,
          weekEnd: sunday,
          unitCount: totals.units,
          taskCount,
          tasksByState,
          percentApproved: percent(tasksByState.APPROVED + tasksByState.WAIVED, taskCount),
          approvedThisWeek,
          overdueUnitCount: totals.overdue_units,
          overdueTaskCount: totals.overdue_tasks,
          overdueUnits: overdueUnits.map(unit),
          worstUnits: worstUnits.map(unit),
        },
      };
    },

    /** Kept for programme runs recorded before the engine (they replay and close through this activity). */
    async markProgrammeCompleted(args: { programmeId: string }): Promise<void> {
      await prisma.programme.updateMany({ where: { id: args.programmeId, status: 'RUNNING' }, data: { status: 'COMPLETED' } });
    },
  };
}

interface SummaryRow {
  code: string;
  name: string;
  overdue: number;
  done: number;
  total: number;
}

/** A case's approved-or-waived tasks and all its tasks, from its counters. */
const summaryCounts = db.Prisma.sql`(c.tasks_approved + c.tasks_waived)::int AS done,
  (c.tasks_blocked + c.tasks_open + c.tasks_submitted + c.tasks_in_review + c.tasks_returned + c.tasks_approved + c.tasks_waived)::int AS total`;

/** A programme that is not there will not appear on a retry: the email is given up on, not retried forever. */
function found<T>(programme: T | null, programmeId: string): T {
  if (!programme) throw ApplicationFailure.create({ type: 'ProgrammeNotFound', message: `programme ${programmeId} is not in the database`, nonRetryable: true });
  return programme;
}

const programmeLink = (publicBaseUrl: string, programmeId: string) => `${publicBaseUrl.replace(/\/+$/, '')}/programmes/${programmeId}`;

/**
 * The zone of a programme's coordinator emails: the zone most of its units are in (ties go to the westernmost, then
 * the name); a programme without units takes its coordinator's unit's zone, else WIB.
 */
async function programmeZone(prisma: PrismaClient, programmeId: string): Promise<IndonesianTimeZone> {
  const rows = await prisma.$queryRaw<Array<{ code: string; time_zone: string; n: number }>>`
    SELECT min(u.code) AS code, u.time_zone, count(*)::int AS n
      FROM cases c JOIN units u ON u.id = c.unit_id
     WHERE c.programme_id = ${programmeId}::uuid
     GROUP BY u.time_zone`;
  const counts = new Map<IndonesianTimeZone, number>();
  // A stored zone that is not Indonesian counts by its unit code, as unitTimeZone() does (one sample code per zone).
  for (const r of rows) {
    const zone = isIndonesianTimeZone(r.time_zone) ? r.time_zone : timeZoneForUnitCode(r.code);
    counts.set(zone, (counts.get(zone) ?? 0) + r.n);
  }
  const ranked = [...counts].sort(([za, a], [zb, b]) => b - a || TIME_ZONES[za] - TIME_ZONES[zb] || za.localeCompare(zb));
  if (ranked.length > 0) return ranked[0][0];
  const home = await prisma.roleAssignment.findFirst({
    where: { role: 'COORDINATOR', unitId: { not: null }, person: { programmes: { some: { id: programmeId } } } },
    include: { unit: true },
    orderBy: { id: 'asc' },
  });
  return home?.unit ? unitTimeZone(home.unit) : 'Asia/Jakarta';
}

function toCaseCommand(action: PendingProgrammeAction): ProgrammeActionCommand {
  const common = { actionId: action.actionId, by: action.by, reason: action.reason };
  switch (action.kind) {
    case 'extend':
      return { ...common, kind: 'extend', workingDays: action.workingDays, taskKeys: action.taskKeys };
    case 'migrate':
      return { ...common, kind: 'migrate', template: action.template };
    default:
      return { ...common, kind: action.kind };
  }
}

function isClosedWorkflowError(err: unknown): boolean {
  return err instanceof Error && /workflow execution already completed|already completed/i.test(err.message);
}

/** Audit events for a programme's action log (idempotency keys make a repeated write a no-op). */
export function programmeActionAudit(programmeId: string, actions: ProgrammeActionRecord[]) {
  return actions.flatMap((a) => [
    {
      idempotencyKey: `programme/${programmeId}/action/${a.actionId}/accepted`,
      programmeId,
      actor: a.by,
      action: `programme.${a.kind}`,
      reason: a.reason,
      after: { actionId: a.actionId, kind: a.kind, state: 'accepted' },
      at: new Date(a.at),
    },
    ...(a.applied !== undefined
      ? [
          {
            idempotencyKey: `programme/${programmeId}/action/${a.actionId}/done`,
            programmeId,
            actor: a.by,
            action: `programme.${a.kind}`,
            reason: a.reason,
            after: { actionId: a.actionId, kind: a.kind, state: 'reached every case', applied: a.applied, skipped: a.skipped ?? 0 },
          },
        ]
      : []),
  ]);
}
