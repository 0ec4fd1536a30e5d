import { Injectable } from '@nestjs/common';
import { PrismaService, db } from '@kawal/database';

const withParent = { parent: { select: { code: true } } } as const;
const { sql, join, empty } = db.Prisma;

/** A unit as lists and the import read it. */
export interface UnitRecord {
  id: string;
  code: string;
  name: string;
  kind: string;
  parentId: string | null;
  parentCode: string | null;
  timeZone: string;
}

export interface UnitListFilter {
  parentCode?: string;
  kind?: db.UnitKind;
  under?: string;
  q?: string;
  /** Codes strictly after this one (keyset cursor). */
  after?: string;
  limit: number;
}

/** The interactive-transaction client (what `prisma.$transaction(async (tx) => ...)` hands over). */
export type Tx = db.Prisma.TransactionClient;

type RawUnit = { id: string; code: string; name: string; kind: string; parent_id: string | null; parent_code: string | null; time_zone: string };
const toRecord = (r: RawUnit): UnitRecord => ({ id: r.id, code: r.code, name: r.name, kind: r.kind, parentId: r.parent_id, parentCode: r.parent_code, timeZone: r.time_zone });

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class UnitsRepository {
  constructor(readonly prisma: PrismaService) {}

  byCode(code: string, tx: Tx = this.prisma) {
    return tx.unit.findUnique({ where: { code }, include: withParent });
  }

  byCodes(codes: string[]) {
    return this.prisma.unit.findMany({ where: { code: { in: codes } }, select: { id: true, code: true, timeZone: true } });
  }

  create(data: db.Prisma.UnitUncheckedCreateInput, tx: Tx = this.prisma) {
    return tx.unit.create({ data, include: withParent });
  }

  update(id: string, data: db.Prisma.UnitUncheckedUpdateInput, tx: Tx = this.prisma) {
    return tx.unit.update({ where: { id }, data, include: withParent });
  }

  /** One page of units ordered by code; one row more than `limit` tells there is a next page. */
  async page(f: UnitListFilter): Promise<UnitRecord[]> {
    const conditions: db.Prisma.Sql[] = [];
    if (f.under !== undefined) conditions.push(sql`u.id IN (SELECT id FROM sub)`);
    if (f.parentCode !== undefined) conditions.push(sql`p.code = ${f.parentCode}`);
    if (f.kind !== undefined) conditions.push(sql`u.kind = ${f.kind}::"UnitKind"`);
    if (f.q !== undefined) {
      const pattern = `%${escapeLike(f.q)}%`;
      conditions.push(sql`(u.code ILIKE ${pattern} OR u.name ILIKE ${pattern})`);
    }
    if (f.after !== undefined) conditions.push(sql`u.code > ${f.after}`);
    const subtree =
      f.under === undefined
        ? empty
        : sql`WITH RECURSIVE sub(id, depth) AS (
                SELECT id, 0 FROM units WHERE code = ${f.under}
                UNION ALL
                SELECT c.id, sub.depth + 1 FROM units c JOIN sub ON c.parent_id = sub.id WHERE sub.depth < 32
              ) `;
    const where = conditions.length > 0 ? sql`WHERE ${join(conditions, ' AND ')}` : empty;
    const rows = await this.prisma.$queryRaw<RawUnit[]>`
      ${subtree}SELECT u.id::text AS id, u.code, u.name, u.kind::text AS kind, u.parent_id::text AS parent_id, p.code AS parent_code, u.time_zone
        FROM units u LEFT JOIN units p ON p.id = u.parent_id
        ${where}
       ORDER BY u.code
       LIMIT ${f.limit + 1}`;
    return rows.map(toRecord);
  }

  /** Whether `candidateId` is `unitId` itself or lies under it. */
  async isInSubtree(unitId: string, candidateId: string, tx: Tx = this.prisma): Promise<boolean> {
    const rows = await tx.$queryRaw<Array<{ found: boolean }>>`
      WITH RECURSIVE up(id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM units WHERE id = ${candidateId}::uuid
        UNION ALL
        SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id WHERE up.depth < 32
      ) SELECT EXISTS (SELECT 1 FROM up WHERE id = ${unitId}::uuid) AS found`;
    return rows[0]?.found === true;
  }

  /**
   * Serialises changes to the shape of the hierarchy (moves, imports): a check for loops made after this lock sees
   * every earlier move committed, so two concurrent moves cannot close a loop between them.
   */
  async lockHierarchy(tx: Tx): Promise<void> {
    await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('kawal:unit-hierarchy'))`;
  }

  /** Locks the unit row against concurrent children, cases and role assignments (their foreign keys wait for it). */
  async lock(id: string, tx: Tx): Promise<void> {
    await tx.$queryRaw`SELECT id FROM units WHERE id = ${id}::uuid FOR UPDATE`;
  }

  /** What still hangs off a unit: child units, cases, role assignments. */
  async dependants(id: string, tx: Tx = this.prisma): Promise<{ children: number; cases: number; roles: number }> {
    const [children, cases, roles] = await Promise.all([
      tx.unit.count({ where: { parentId: id } }),
      tx.case.count({ where: { unitId: id } }),
      tx.roleAssignment.count({ where: { unitId: id } }),
    ]);
    return { children, cases, roles };
  }

  delete(id: string, tx: Tx = this.prisma) {
    return tx.unit.delete({ where: { id } });
  }

  /**
   * The units with one of these codes, and all their ancestors: what a CSV import needs to know about the units it may
   * refer to (its codes, parent codes and Kemendagri prefixes) and the hierarchy above them.
   */
  async withAncestors(codes: string[], tx: Tx = this.prisma): Promise<UnitRecord[]> {
    if (codes.length === 0) return [];
    const rows = await tx.$queryRaw<RawUnit[]>`
      WITH RECURSIVE up(id, depth) AS (
        SELECT id, 0 FROM units WHERE code = ANY(${codes}::text[])
        UNION
        SELECT u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL AND up.depth < 32
      )
      SELECT u.id::text AS id, u.code, u.name, u.kind::text AS kind, u.parent_id::text AS parent_id, p.code AS parent_code, u.time_zone
        FROM units u LEFT JOIN units p ON p.id = u.parent_id
       WHERE u.id IN (SELECT id FROM up)`;
    return rows.map(toRecord);
  }

  /** The codes of these units (for turning role grants into codes). */
  async codesOf(ids: string[], tx: Tx = this.prisma): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await tx.unit.findMany({ where: { id: { in: ids } }, select: { id: true, code: true } });
    return new Map(rows.map((r) => [r.id, r.code]));
  }

  /** Inserts new units (parents before children, ids chosen by the caller). */
  async insertMany(rows: Array<{ id: string; code: string; name: string; kind: db.UnitKind; parentId: string | null; timeZone: string }>, tx: Tx): Promise<void> {
    for (let i = 0; i < rows.length; i += 1000) {
      await tx.unit.createMany({ data: rows.slice(i, i + 1000) });
    }
  }

  /** Updates many units in one statement per thousand. */
  async updateMany(rows: Array<{ id: string; name: string; kind: string; parentId: string | null; timeZone: string }>, tx: Tx): Promise<void> {
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      await tx.$executeRaw`
        UPDATE units u
           SET name = v.name, kind = v.kind::"UnitKind", parent_id = v.parent_id::uuid, time_zone = v.time_zone, updated_at = now()
          FROM unnest(${chunk.map((r) => r.id)}::uuid[], ${chunk.map((r) => r.name)}::text[], ${chunk.map((r) => r.kind)}::text[],
                      ${chunk.map((r) => r.parentId)}::text[], ${chunk.map((r) => r.timeZone)}::text[]) AS v(id, name, kind, parent_id, time_zone)
         WHERE u.id = v.id`;
    }
  }
}
