import { zoneAbbreviation, isIndonesianTimeZone, type IndonesianTimeZone, type LocalDate } from '@kawal/domain';
import { db, type PrismaClient } from '@kawal/database';
import type { DigestItem } from '@kawal/mail';

const { sql } = db.Prisma;

interface Row {
  total: number;
  programme_name: string;
  unit_name: string;
  time_zone: string;
  case_id: string;
  key: string;
  title: string;
  state: 'OPEN' | 'RETURNED';
  due_date: Date | null;
  overdue: boolean;
}

/**
 * The tasks a person is expected to work on that are due within `horizonDays` of `today` or overdue: those of the
 * units they head (the recipients of the reminder ladder) not reassigned to someone else, and those reassigned to
 * them by name; in running programmes, active cases. Overdue first, then by due date.
 */
function itemsQuery(email: string, today: LocalDate, horizonDays: number, limit: number | null) {
  return sql`
    SELECT count(*) OVER ()::int AS total, p.name AS programme_name, u.name AS unit_name, u.time_zone, t.case_id, t.key, t.title, t.state, t.due_date, t.overdue
      FROM tasks t
      JOIN cases c ON c.id = t.case_id
      JOIN programmes p ON p.id = c.programme_id
      JOIN units u ON u.id = c.unit_id
     WHERE c.status = 'ACTIVE' AND p.status = 'RUNNING' AND t.state IN ('OPEN', 'RETURNED')
       AND (t.overdue OR t.due_date <= ${today}::date + ${horizonDays}::int)
       AND (t.assignee_email = ${email}
            OR (t.assignee_email IS NULL AND c.unit_id IN (
                  SELECT ra.unit_id FROM role_assignments ra JOIN people pe ON pe.id = ra.person_id
                   WHERE pe.email = ${email} AND ra.role = 'UNIT_HEAD' AND ra.unit_id IS NOT NULL)))
     ORDER BY t.overdue DESC, t.due_date ASC NULLS LAST, t.id
     ${limit === null ? sql`` : sql`LIMIT ${limit}`}`;
}

export async function countItemsDue(prisma: PrismaClient, email: string, today: LocalDate, horizonDays: number): Promise<number> {
  const rows = await prisma.$queryRaw<Array<{ n: number }>>(sql`SELECT count(*)::int AS n FROM (${itemsQuery(email, today, horizonDays, null)}) x`);
  return rows[0]?.n ?? 0;
}

export async function listItemsDue(prisma: Pick<PrismaClient, '$queryRaw'>, email: string, today: LocalDate, horizonDays: number, publicBaseUrl: string, limit = 50): Promise<{ items: DigestItem[]; more: number }> {
  // One query: the page, and (window count) how many there are in all.
  const rows = await prisma.$queryRaw<Row[]>(itemsQuery(email, today, horizonDays, limit));
  const total = rows[0]?.total ?? 0;
  const zone = (tz: string) => (isIndonesianTimeZone(tz) ? zoneAbbreviation(tz as IndonesianTimeZone) : tz);
  return {
    items: rows.map((r) => ({
      programmeName: r.programme_name,
      unitName: r.unit_name,
      taskTitle: r.title,
      dueDate: r.due_date ? r.due_date.toISOString().slice(0, 10) : null,
      timeZone: zone(r.time_zone),
      overdue: r.overdue,
      state: r.state,
      link: `${publicBaseUrl}/cases/${r.case_id}/tasks/${r.key}`,
    })),
    more: Math.max(0, total - rows.length),
  };
}
