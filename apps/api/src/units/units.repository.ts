import { Injectable } from '@nestjs/common';
import { PrismaService, db } from '@kawal/database';

const withParent = { parent: { select: { code: true } } } as const;

@Injectable()
export class UnitsRepository {
  constructor(private readonly prisma: PrismaService) {}

  byCode(code: string) {
    return this.prisma.unit.findUnique({ where: { code }, include: withParent });
  }

  byCodes(codes: string[]) {
    return this.prisma.unit.findMany({ where: { code: { in: codes } }, select: { id: true, code: true, timeZone: true } });
  }

  create(data: db.Prisma.UnitUncheckedCreateInput) {
    return this.prisma.unit.create({ data, include: withParent });
  }

  list(filter: { parentCode?: string; kind?: db.UnitKind }) {
    return this.prisma.unit.findMany({
      where: { kind: filter.kind, parent: filter.parentCode ? { code: filter.parentCode } : undefined },
      include: withParent,
      orderBy: { code: 'asc' },
      take: 1000,
    });
  }

  /** The unit and its ancestors (nearest first). */
  async ancestry(unitId: string): Promise<string[]> {
    const ids: string[] = [];
    let current: string | null = unitId;
    while (current && ids.length < 10) {
      ids.push(current);
      const row: { parentId: string | null } | null = await this.prisma.unit.findUnique({ where: { id: current }, select: { parentId: true } });
      current = row?.parentId ?? null;
    }
    return ids;
  }
}
