import { Injectable } from '@nestjs/common';
import { PrismaService, db } from '@kawal/database';

const withRoles = { roles: { include: { unit: { select: { code: true } } } } } as const;
const { sql, join, empty } = db.Prisma;

type Tx = db.Prisma.TransactionClient;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface PeopleListFilter {
  /** Only people with a role on one of these units or under them; null = everyone. */
  scope: string[] | null;
  unitCode?: string;
  role?: db.Role;
  q?: string;
  /** Emails strictly after this one (keyset cursor). */
  after?: string;
  limit: number;
}

@Injectable()
export class PeopleRepository {
  constructor(readonly prisma: PrismaService) {}

  byEmail(email: string, tx: Tx = this.prisma) {
    return tx.person.findUnique({ where: { email: email.toLowerCase() }, include: withRoles });
  }

  create(data: { email: string; name: string; locale: string; roles: Array<{ role: db.Role; unitId: string | null }>; passwordHash?: string }, tx: Tx = this.prisma) {
    return tx.person.create({
      data: { email: data.email.toLowerCase(), name: data.name, locale: data.locale, passwordHash: data.passwordHash, roles: { create: data.roles } },
      include: withRoles,
    });
  }

  update(id: string, data: { name?: string; locale?: string; disabledAt?: Date | null }, tx: Tx = this.prisma) {
    return tx.person.update({ where: { id }, data, include: withRoles });
  }

  /** Replaces role assignments: removes and adds exactly the given ones, and returns the person as it is afterwards. */
  async changeRoles(personId: string, remove: string[], add: Array<{ role: db.Role; unitId: string | null }>, tx: Tx) {
    if (remove.length > 0) await tx.roleAssignment.deleteMany({ where: { personId, id: { in: remove } } });
    if (add.length > 0) await tx.roleAssignment.createMany({ data: add.map((r) => ({ personId, role: r.role, unitId: r.unitId })) });
    return tx.person.findUniqueOrThrow({ where: { id: personId }, include: withRoles });
  }

  /** Locks the person row, so two role changes of one person do not interleave. */
  async lock(personId: string, tx: Tx): Promise<void> {
    await tx.$queryRaw`SELECT id FROM people WHERE id = ${personId}::uuid FOR UPDATE`;
  }

  /** One page of people ordered by email (one more than `limit` tells there is a next page). */
  async page(f: PeopleListFilter) {
    const conditions: db.Prisma.Sql[] = [];
    if (f.scope !== null) {
      conditions.push(sql`EXISTS (SELECT 1 FROM role_assignments r WHERE r.person_id = p.id AND r.unit_id IN (SELECT id FROM scope))`);
    }
    if (f.unitCode !== undefined || f.role !== undefined) {
      const onUnit = f.unitCode !== undefined ? sql` AND u.code = ${f.unitCode}` : empty;
      const ofRole = f.role !== undefined ? sql` AND r.role = ${f.role}::"Role"` : empty;
      conditions.push(sql`EXISTS (SELECT 1 FROM role_assignments r LEFT JOIN units u ON u.id = r.unit_id WHERE r.person_id = p.id${onUnit}${ofRole})`);
    }
    if (f.q !== undefined) {
      const pattern = `%${escapeLike(f.q)}%`;
      conditions.push(sql`(p.email ILIKE ${pattern} OR p.name ILIKE ${pattern})`);
    }
    if (f.after !== undefined) conditions.push(sql`p.email > ${f.after}`);
    const scope =
      f.scope === null
        ? empty
        : sql`WITH RECURSIVE scope(id, depth) AS (
                SELECT id, 0 FROM units WHERE id = ANY(${f.scope}::uuid[])
                UNION
                SELECT c.id, scope.depth + 1 FROM units c JOIN scope ON c.parent_id = scope.id WHERE scope.depth < 32
              ) `;
    const where = conditions.length > 0 ? sql`WHERE ${join(conditions, ' AND ')}` : empty;
    const ids = await this.prisma.$queryRaw<Array<{ id: string }>>`
      ${scope}SELECT p.id::text AS id FROM people p ${where} ORDER BY p.email LIMIT ${f.limit + 1}`;
    const rows = await this.prisma.person.findMany({ where: { id: { in: ids.map((r) => r.id) } }, include: withRoles });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((r) => byId.get(r.id)!).filter(Boolean);
  }
}
