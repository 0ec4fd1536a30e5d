import { Context } from '@temporalio/activity';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { CaseWorkflowInput, Recipient } from '@kawal/contracts';
import type { PrismaClient } from '@kawal/database';
import { isIndonesianTimeZone, parseTemplate, timeZoneForUnitCode } from '@kawal/domain';

export interface ProgrammeActivityDeps {
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
  publicBaseUrl: string;
}

const asLocale = (l: string): 'id' | 'en' => (l === 'en' ? 'en' : 'id');
const STARTS_IN_FLIGHT = 16;

/** Starting unit cases and closing programmes: side effects of the programme workflow. */
export function programmeActivities({ prisma, client, taskQueue, publicBaseUrl }: ProgrammeActivityDeps) {
  return {
    async launchCaseBatch(args: { programmeId: string; offset: number; limit: number }): Promise<{ started: number; alreadyRunning: number }> {
      const programme = await prisma.programme.findUniqueOrThrow({
        where: { id: args.programmeId },
        include: { template: true, coordinator: true },
      });
      const template = parseTemplate(programme.template.definition);
      const cases = await prisma.case.findMany({
        where: { programmeId: args.programmeId },
        orderBy: { workflowId: 'asc' },
        skip: args.offset,
        take: args.limit,
        include: { unit: { include: { roles: { where: { role: 'UNIT_HEAD' }, include: { person: true } } } } },
      });
      const coordinator: Recipient = { email: programme.coordinator.email, name: programme.coordinator.name, locale: asLocale(programme.coordinator.locale) };
      let started = 0;
      let alreadyRunning = 0;
      for (let i = 0; i < cases.length; i += STARTS_IN_FLIGHT) {
        await Promise.all(
          cases.slice(i, i + STARTS_IN_FLIGHT).map(async (c) => {
            const input: CaseWorkflowInput = {
              caseId: c.id,
              programmeId: programme.id,
              programmeName: programme.name,
              unit: {
                id: c.unit.id,
                code: c.unit.code,
                name: c.unit.name,
                timeZone: isIndonesianTimeZone(c.unit.timeZone) ? c.unit.timeZone : timeZoneForUnitCode(c.unit.code),
              },
              startDate: programme.startDate.toISOString().slice(0, 10),
              template,
              holidays: [],
              unitHeads: c.unit.roles.map((r) => ({ email: r.person.email, name: r.person.name, locale: asLocale(r.person.locale) })),
              coordinator,
              publicBaseUrl,
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
          }),
        );
        Context.current().heartbeat({ done: i + STARTS_IN_FLIGHT });
      }
      return { started, alreadyRunning };
    },

    async markProgrammeCompleted(args: { programmeId: string }): Promise<void> {
      await prisma.programme.updateMany({ where: { id: args.programmeId, status: 'RUNNING' }, data: { status: 'COMPLETED' } });
    },
  };
}
