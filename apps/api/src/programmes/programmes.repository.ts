import { Injectable } from '@nestjs/common';
import { PrismaService } from '@kawal/database';

const caseWithTasks = { unit: { select: { code: true, name: true, timeZone: true } }, tasks: { orderBy: { dueDate: 'asc' as const } } };

@Injectable()
export class ProgrammesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Programme and all its case rows in one transaction; the workflows fill in the tasks. */
  createWithCases(
    programme: { id: string; name: string; templateId: string; coordinatorId: string; startDate: Date; workflowId: string; localHolidays: object[] },
    cases: Array<{ unitId: string; workflowId: string }>,
  ) {
    return this.prisma.$transaction(async (tx) => {
      await tx.programme.create({ data: programme });
      for (let i = 0; i < cases.length; i += 5_000) {
        await tx.case.createMany({ data: cases.slice(i, i + 5_000).map((c) => ({ ...c, programmeId: programme.id })) });
      }
    });
  }

  async unitsInProgramme(programmeId: string, unitIds: string[]): Promise<Set<string>> {
    const rows = await this.prisma.case.findMany({ where: { programmeId, unitId: { in: unitIds } }, select: { unitId: true } });
    return new Set(rows.map((r) => r.unitId));
  }

  addCases(programmeId: string, cases: Array<{ unitId: string; workflowId: string; startDate: Date }>) {
    return this.prisma.case.createMany({ data: cases.map((c) => ({ ...c, programmeId })) });
  }

  removeCases(workflowIds: string[]) {
    return this.prisma.case.deleteMany({ where: { workflowId: { in: workflowIds }, launchedAt: null } });
  }

  delete(id: string) {
    return this.prisma.programme.delete({ where: { id } });
  }

  find(id: string) {
    return this.prisma.programme.findUnique({ where: { id }, include: { template: { select: { key: true, version: true } }, _count: { select: { cases: true } } } });
  }

  list() {
    return this.prisma.programme.findMany({
      include: { template: { select: { key: true, version: true } }, _count: { select: { cases: true } } },
      orderBy: { createdAt: 'desc' },
      take: 200,
    });
  }

  async progress(programmeId: string) {
    const [byStatus, byState, overdue, started] = await Promise.all([
      this.prisma.case.groupBy({ by: ['status'], where: { programmeId }, _count: { _all: true } }),
      this.prisma.task.groupBy({ by: ['state'], where: { case: { programmeId } }, _count: { _all: true } }),
      this.prisma.case.count({ where: { programmeId, tasks: { some: { overdue: true, state: { notIn: ['APPROVED', 'WAIVED'] } } } } }),
      this.prisma.case.count({ where: { programmeId, version: { gt: 0 } } }),
    ]);
    return {
      casesByStatus: Object.fromEntries(byStatus.map((r) => [r.status, r._count._all])),
      tasksByState: byState.map((r) => ({ state: r.state, count: r._count._all })),
      overdueCases: overdue,
      casesStarted: started,
    };
  }

  casesPage(programmeId: string, afterWorkflowId: string | undefined, limit: number) {
    return this.prisma.case.findMany({
      where: { programmeId, ...(afterWorkflowId ? { workflowId: { gt: afterWorkflowId } } : {}) },
      include: caseWithTasks,
      orderBy: { workflowId: 'asc' },
      take: limit + 1,
    });
  }
}
