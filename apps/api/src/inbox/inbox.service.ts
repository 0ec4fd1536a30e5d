import { Injectable } from '@nestjs/common';
import { PrismaService, db } from '@kawal/database';
import type { Actor } from '../auth/actor';
import { AccessService } from '../access/access.service';
import { CASE_POLICY } from '../access/policy';
import { decodeCursor, encodeCursor } from '../common/pagination';
import { INBOX_PAGE, InboxAction, InboxItemDto, InboxPageDto, InboxQueryDto } from './inbox.dto';

const { sql, join, empty, raw } = db.Prisma;

interface Row {
  id: string;
  action: InboxAction;
  case_id: string;
  programme_id: string;
  programme_name: string;
  unit_code: string;
  unit_name: string;
  time_zone: string;
  key: string;
  title: string;
  state: string;
  due_date: Date | null;
  overdue: boolean;
  escalation_level: number;
  review_level: number;
  last_comment: string | null;
}

/** Keyset cursor over (due date nulls last, task id): stable while rows are inserted or change elsewhere. */
const encodeInboxCursor = (due: Date | null, id: string) => encodeCursor([due ? due.toISOString().slice(0, 10) : '-', id]);

function decodeInboxCursor(cursor: string): { due: string | null; id: string } {
  const [due, id] = decodeCursor(cursor, 2, ([due, id]) => /^[0-9a-f-]{36}$/.test(id) && (due === '-' || /^\d{4}-\d{2}-\d{2}$/.test(due)));
  return { due: due === '-' ? null : due, id };
}


/**
 * "My tasks": what the person is expected to do next, across programmes, soonest due first.
 * - work: open or returned tasks of the units where they are head or staff (or reassigned to them by name);
 * - review: submissions in the units they review (their scope and everything under it), or of programmes they coordinate;
 * - decide: extension requests in programmes they coordinate, or under their COORDINATOR/ADMIN scope.
 * The same rules as the role table (access/policy.ts). Each kind is its own index-friendly branch (state first, then
 * the units in scope, worked out beforehand), each taking only one page; the branches are merged and de-duplicated.
 */
@Injectable()
export class InboxService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly access: AccessService,
  ) {}

  async list(actor: Actor, q: InboxQueryDto): Promise<InboxPageDto> {
    const limit = q.limit ?? INBOX_PAGE.defaultLimit;
    const after = q.cursor ? decodeInboxCursor(q.cursor) : null;
    const me = actor.personId;
    const want = (a: InboxAction) => !q.action || q.action === a;
    const workUnits = actor.grants.filter((g) => g.unitId !== null && (CASE_POLICY['task.work'].atUnit as readonly string[]).includes(g.role)).map((g) => g.unitId as string);
    // The units in scope stay inside the database (a kota coordinator's subtree is thousands of units): each scope is
    // a materialised recursive set, null = everywhere.
    const reviewScope = this.access.scopeOf(actor, CASE_POLICY['task.review'].aboveUnit);
    const decideScope = this.access.scopeOf(actor, CASE_POLICY['case.decide'].aboveUnit);
    const subtree = (name: string, scope: Array<string | null>) =>
      scope.includes(null) || scope.length === 0
        ? null
        : sql`${raw(name)}(id) AS MATERIALIZED (
            WITH RECURSIVE down(id, depth) AS (
              SELECT unnest(${scope as string[]}::uuid[]), 0
              UNION SELECT u.id, down.depth + 1 FROM units u JOIN down ON u.parent_id = down.id WHERE down.depth < 32
            ) SELECT DISTINCT id FROM down)`;

    const common = sql`
      c.status = 'ACTIVE' AND p.status IN ('RUNNING', 'SUSPENDED')
      ${q.programmeId ? sql`AND c.programme_id = ${q.programmeId}::uuid` : empty}
      ${q.dueBefore ? sql`AND t.due_date <= ${q.dueBefore}::date` : empty}
      ${q.overdue === true ? sql`AND t.overdue` : q.overdue === false ? sql`AND NOT t.overdue` : empty}
      ${
        after
          ? after.due === null
            ? sql`AND t.due_date IS NULL AND t.id > ${after.id}::uuid`
            : sql`AND (t.due_date > ${after.due}::date OR t.due_date IS NULL OR (t.due_date = ${after.due}::date AND t.id > ${after.id}::uuid))`
          : empty
      }`;
    const inScope = (units: string[]) => (units.length === 0 ? sql`FALSE` : sql`c.unit_id = ANY(${units}::uuid[])`);
    const inSubtree = (name: string, scope: Array<string | null>) =>
      scope.includes(null) ? sql`TRUE` : scope.length === 0 ? sql`FALSE` : sql`c.unit_id IN (SELECT id FROM ${raw(name)})`;
    const branch = (priority: number, action: InboxAction, condition: db.Prisma.Sql) => sql`
      (SELECT t.id, t.due_date, ${priority}::int AS priority, ${action}::text AS action
         FROM tasks t JOIN cases c ON c.id = t.case_id JOIN programmes p ON p.id = c.programme_id
        WHERE ${condition} AND ${common}
        ORDER BY t.due_date ASC NULLS LAST, t.id ASC
        LIMIT ${limit + 1})`;
    const branches = [
      want('work')
        ? branch(1, 'work', sql`t.state IN ('OPEN', 'RETURNED') AND (t.assignee_email = ${actor.email} OR (t.assignee_email IS NULL AND ${inScope(workUnits)}))`)
        : null,
      want('review') ? branch(2, 'review', sql`t.state IN ('SUBMITTED', 'IN_REVIEW') AND (${inSubtree('review_units', reviewScope)} OR p.coordinator_id = ${me}::uuid)`) : null,
      want('decide') ? branch(3, 'decide', sql`t.extension_request IS NOT NULL AND (${inSubtree('decide_units', decideScope)} OR p.coordinator_id = ${me}::uuid)`) : null,
    ].filter((b): b is db.Prisma.Sql => b !== null);

    const scopes = [want('review') ? subtree('review_units', reviewScope) : null, want('decide') ? subtree('decide_units', decideScope) : null].filter(
      (c): c is db.Prisma.Sql => c !== null,
    );
    const rows = await this.prisma.$queryRaw<Row[]>(sql`
      WITH ${join([...scopes, sql`picked AS (`], ', ')}
        SELECT DISTINCT ON (id) id, due_date, action FROM (${join(branches, ' UNION ALL ')}) b ORDER BY id, priority
      ), page AS (
        SELECT * FROM picked ORDER BY due_date ASC NULLS LAST, id ASC LIMIT ${limit + 1}
      )
      SELECT t.id, page.action, t.case_id, c.programme_id, p.name AS programme_name, u.code AS unit_code, u.name AS unit_name,
             u.time_zone, t.key, t.title, t.state, t.due_date, t.overdue, t.escalation_level, t.review_level, t.last_comment
        FROM page
        JOIN tasks t ON t.id = page.id
        JOIN cases c ON c.id = t.case_id
        JOIN programmes p ON p.id = c.programme_id
        JOIN units u ON u.id = c.unit_id
       ORDER BY t.due_date ASC NULLS LAST, t.id ASC`);

    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(
        (r): InboxItemDto => ({
          action: r.action,
          caseId: r.case_id,
          programmeId: r.programme_id,
          programmeName: r.programme_name,
          unitCode: r.unit_code,
          unitName: r.unit_name,
          timeZone: r.time_zone,
          taskKey: r.key,
          title: r.title,
          state: r.state,
          dueDate: r.due_date ? r.due_date.toISOString().slice(0, 10) : null,
          overdue: r.overdue,
          escalationLevel: r.escalation_level,
          reviewLevel: r.review_level + 1,
          lastComment: r.last_comment,
        }),
      ),
      nextCursor: rows.length > limit ? encodeInboxCursor(last.due_date, last.id) : null,
    };
  }
}
