import { Injectable } from '@nestjs/common';
import { PrismaService, db } from '@kawal/database';

const { sql, join, empty } = db.Prisma;

const caseWithTasks = {
  unit: { select: { code: true, name: true, timeZone: true, parent: { select: { code: true, name: true } } } },
  tasks: { orderBy: [{ dueDate: 'asc' as const }, { key: 'asc' as const }] },
};

const programmeInclude = {
  template: { select: { key: true, version: true } },
  coordinator: { select: { email: true } },
  _count: { select: { cases: true } },
  next: { select: { id: true } },
} as const;

/** Tasks that still count against a unit once their deadline passed (approved and waived ones never do). */
const PENDING = sql`t.state NOT IN ('APPROVED', 'WAIVED')`;
const OVERDUE = sql`(t.overdue AND t.state NOT IN ('APPROVED', 'WAIVED'))`;

/** Who may see which programmes in a list: everything, or the own ones plus those reaching into a scope. */
export type ProgrammeVisibility = { all: true } | { all: false; personId: string; scopeUnitIds: string[] };

export interface ProgrammeListRow {
  id: string;
  name: string;
  status: string;
  template_key: string;
  template_version: number;
  start_date: string;
  workflow_id: string;
  coordinator_email: string;
  created_at: Date;
  case_count: number;
  cycle: number;
  previous_id: string | null;
}

export interface BreakdownRow {
  parent_code: string | null;
  parent_name: string | null;
  case_status: string;
  cases: number;
  started: number;
  blocked: number;
  open: number;
  submitted: number;
  in_review: number;
  returned: number;
  approved: number;
  waived: number;
  overdue_tasks: number;
  overdue_cases: number;
}

export interface ReportCaseRow {
  id: string;
  unit_code: string;
  unit_name: string;
  parent_code: string | null;
  parent_name: string | null;
  time_zone: string;
  status: string;
  tasks_total: number;
  tasks_done: number;
  tasks_overdue: number;
  next_due_date: string | null;
}

export interface ReportTaskRow {
  case_id: string;
  key: string;
  title: string;
  state: string;
  due_date: string | null;
  overdue: boolean;
}

@Injectable()
export class ProgrammesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Programme and all its case rows in one transaction; the workflows fill in the tasks. */
  createWithCases(
    programme: { id: string; name: string; templateId: string; coordinatorId: string; startDate: Date; workflowId: string; localHolidays: object[]; previousId?: string; cycle?: number },
    cases: Array<{ unitId: string; workflowId: string }>,
  ) {
    return this.prisma.$transaction(
      async (tx) => {
        await tx.programme.create({ data: programme });
        for (let i = 0; i < cases.length; i += 5_000) {
          await tx.case.createMany({ data: cases.slice(i, i + 5_000).map((c) => ({ ...c, programmeId: programme.id })) });
        }
      },
      { timeout: 120_000 },
    );
  }

  /** The units with these codes (one array parameter, so 100,000 codes are one query). */
  unitsByCodes(codes: string[]) {
    return this.prisma.$queryRaw<Array<{ id: string; code: string; timeZone: string }>>`
      SELECT id::text AS id, code, time_zone AS "timeZone" FROM units WHERE code = ANY(${codes}::text[])`;
  }

  /** The codes of the units still taking part (cases not cancelled), in code order. */
  async activeUnitCodes(programmeId: string): Promise<string[]> {
    const rows = await this.prisma.case.findMany({ where: { programmeId, status: { not: 'CANCELLED' } }, select: { unit: { select: { code: true } } }, orderBy: { unit: { code: 'asc' } } });
    return rows.map((r) => r.unit.code);
  }

  unitByCode(code: string) {
    return this.prisma.unit.findUnique({ where: { code }, select: { id: true, code: true } });
  }

  /**
   * The units a selector names: every unit under `underId` (its subtree, not itself; one recursive query), of `kind`,
   * among `codes`; each criterion only when given. At most `limit` rows, ordered by code.
   */
  selectUnits(filter: { underId?: string; kind?: db.UnitKind; codes?: string[] }, limit: number) {
    const where = [
      filter.kind ? sql`AND u.kind = ${filter.kind}::"UnitKind"` : empty,
      filter.codes ? sql`AND u.code = ANY(${filter.codes}::text[])` : empty,
    ];
    if (filter.underId) {
      return this.prisma.$queryRaw<Array<{ id: string; code: string; timeZone: string }>>(sql`
        WITH RECURSIVE down(id, depth) AS (
          SELECT id, 1 FROM units WHERE parent_id = ${filter.underId}::uuid
          UNION ALL
          SELECT u.id, down.depth + 1 FROM units u JOIN down ON u.parent_id = down.id WHERE down.depth < 32
        )
        SELECT u.id::text AS id, u.code, u.time_zone AS "timeZone"
          FROM units u JOIN down ON down.id = u.id
         WHERE TRUE ${join(where, ' ')}
         ORDER BY u.code
         LIMIT ${limit}`);
    }
    return this.prisma.$queryRaw<Array<{ id: string; code: string; timeZone: string }>>(sql`
      SELECT u.id::text AS id, u.code, u.time_zone AS "timeZone" FROM units u
       WHERE TRUE ${join(where, ' ')}
       ORDER BY u.code
       LIMIT ${limit}`);
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
    return this.prisma.programme.findUnique({ where: { id }, include: programmeInclude });
  }

  /**
   * One page of the programmes a person may see, newest first (created_at desc, id desc), after a keyset cursor.
   * Visibility is one EXISTS over the cases of each programme against the subtree of the person's scope units
   * (a recursive CTE computed once per query), or the person coordinates the programme.
   */
  list(visibility: ProgrammeVisibility, filter: { status?: string; q?: string }, after: { createdAt: Date; id: string } | null, limit: number) {
    const visible = visibility.all
      ? empty
      : visibility.scopeUnitIds.length === 0
        ? sql`AND p.coordinator_id = ${visibility.personId}::uuid`
        : sql`AND (p.coordinator_id = ${visibility.personId}::uuid OR EXISTS (SELECT 1 FROM cases c JOIN scope s ON s.id = c.unit_id WHERE c.programme_id = p.id))`;
    const scope =
      !visibility.all && visibility.scopeUnitIds.length > 0
        ? sql`WITH RECURSIVE scope(id, depth) AS (
              SELECT id, 0 FROM units WHERE id = ANY(${visibility.scopeUnitIds}::uuid[])
              UNION
              SELECT u.id, scope.depth + 1 FROM units u JOIN scope ON u.parent_id = scope.id WHERE scope.depth < 32
            )`
        : empty;
    const filters = [
      visible,
      filter.status ? sql`AND p.status = ${filter.status}::"ProgrammeStatus"` : empty,
      filter.q ? sql`AND p.name ILIKE ${`%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : empty,
      after ? sql`AND (p.created_at, p.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : empty,
    ];
    return this.prisma.$queryRaw<ProgrammeListRow[]>(sql`
      ${scope}
      SELECT p.id::text AS id, p.name, p.status::text AS status, t.key AS template_key, t.version AS template_version,
             to_char(p.start_date, 'YYYY-MM-DD') AS start_date, p.workflow_id, pe.email AS coordinator_email, p.created_at,
             p.cycle, p.previous_id::text AS previous_id,
             (SELECT count(*)::int FROM cases cc WHERE cc.programme_id = p.id) AS case_count
        FROM programmes p
        JOIN templates t ON t.id = p.template_id
        JOIN people pe ON pe.id = p.coordinator_id
       WHERE TRUE ${join(filters, ' ')}
       ORDER BY p.created_at DESC, p.id DESC
       LIMIT ${limit + 1}`);
  }

  /**
   * Every figure of the dashboard in one aggregate query over the programme's cases: each case row carries its task
   * counts (written by the read model with every state), so the dashboard never scans the tasks themselves.
   */
  breakdown(programmeId: string) {
    return this.prisma.$queryRaw<BreakdownRow[]>`
      SELECT pu.code AS parent_code, pu.name AS parent_name, c.status::text AS case_status,
             count(*)::int AS cases,
             count(*) FILTER (WHERE c.version > 0)::int AS started,
             sum(c.tasks_blocked)::int AS blocked, sum(c.tasks_open)::int AS open, sum(c.tasks_submitted)::int AS submitted,
             sum(c.tasks_in_review)::int AS in_review, sum(c.tasks_returned)::int AS returned, sum(c.tasks_approved)::int AS approved,
             sum(c.tasks_waived)::int AS waived, sum(c.tasks_overdue)::int AS overdue_tasks,
             count(*) FILTER (WHERE c.tasks_overdue > 0)::int AS overdue_cases
        FROM cases c
        JOIN units u ON u.id = c.unit_id
        LEFT JOIN units pu ON pu.id = u.parent_id
       WHERE c.programme_id = ${programmeId}::uuid
       GROUP BY pu.code, pu.name, c.status
       ORDER BY pu.code NULLS LAST, c.status`;
  }

  /** A page of cases (by workflow id, which within a programme orders by unit code) with their tasks, filtered. */
  casesPage(programmeId: string, filter: { overdue?: boolean; status?: db.CaseStatus; parentCode?: string }, afterWorkflowId: string | undefined, limit: number) {
    const overdueTask = { overdue: true, state: { notIn: ['APPROVED', 'WAIVED'] as db.TaskState[] } };
    return this.prisma.case.findMany({
      where: {
        programmeId,
        ...(afterWorkflowId ? { workflowId: { gt: afterWorkflowId } } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.parentCode ? { unit: { parent: { code: filter.parentCode } } } : {}),
        ...(filter.overdue === true ? { tasks: { some: overdueTask } } : filter.overdue === false ? { tasks: { none: overdueTask } } : {}),
      },
      include: caseWithTasks,
      orderBy: { workflowId: 'asc' },
      take: limit + 1,
    });
  }

  /**
   * One page of the report's rows, ordered by unit code after `afterCode`: per case its unit, parent and status and
   * its task figures, aggregated by the database (the page's cases are picked first, then their tasks counted).
   */
  reportCases(programmeId: string, afterCode: string | null, limit: number) {
    return this.prisma.$queryRaw<ReportCaseRow[]>`
      WITH page AS (
        SELECT c.id, c.status, u.code, u.name, u.time_zone, u.parent_id
          FROM cases c JOIN units u ON u.id = c.unit_id
         WHERE c.programme_id = ${programmeId}::uuid ${afterCode === null ? empty : sql`AND u.code > ${afterCode}`}
         ORDER BY u.code
         LIMIT ${limit}
      )
      SELECT page.id::text AS id, page.code AS unit_code, page.name AS unit_name, pu.code AS parent_code, pu.name AS parent_name,
             page.time_zone, page.status::text AS status,
             agg.tasks_total, agg.tasks_done, agg.tasks_overdue, agg.next_due_date
        FROM page
        LEFT JOIN units pu ON pu.id = page.parent_id
        CROSS JOIN LATERAL (
          SELECT count(*)::int AS tasks_total,
                 count(*) FILTER (WHERE t.state IN ('APPROVED', 'WAIVED'))::int AS tasks_done,
                 count(*) FILTER (WHERE ${OVERDUE})::int AS tasks_overdue,
                 to_char(min(t.due_date) FILTER (WHERE ${PENDING}), 'YYYY-MM-DD') AS next_due_date
            FROM tasks t WHERE t.case_id = page.id
        ) agg
       ORDER BY page.code`;
  }

  /** The tasks of some cases, for the report's task sheet (soonest due first within a case). */
  reportTasks(caseIds: string[]) {
    if (caseIds.length === 0) return Promise.resolve([] as ReportTaskRow[]);
    return this.prisma.$queryRaw<ReportTaskRow[]>`
      SELECT t.case_id::text AS case_id, t.key, t.title, t.state::text AS state, to_char(t.due_date, 'YYYY-MM-DD') AS due_date, t.overdue
        FROM tasks t
       WHERE t.case_id = ANY(${caseIds}::uuid[])
       ORDER BY t.case_id, t.due_date ASC NULLS LAST, t.key`;
  }
}
