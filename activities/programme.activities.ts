import { Context } from '@temporalio/activity';
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type {
  ActionBatchResult,
  CaseWorkflowInput,
  LaunchBatchResult,
  PendingProgrammeAction,
  ProgrammeActionRecord,
  ProgrammeStatus,
  Recipient,
} from '@kawal/contracts';
import { programmeActionUpdate } from '@kawal/contracts';
import { db, type PrismaClient } from '@kawal/database';
import { LocalDate, ProgrammeActionCommand, TemplateDefinition, addCalendarDays, unitTimeZone } from '@kawal/domain';
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

    /** Kept for programme runs recorded before the engine (they replay and close through this activity). */
    async markProgrammeCompleted(args: { programmeId: string }): Promise<void> {
      await prisma.programme.updateMany({ where: { id: args.programmeId, status: 'RUNNING' }, data: { status: 'COMPLETED' } });
    },
  };
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
