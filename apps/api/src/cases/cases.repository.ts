import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '@kawal/database';

@Injectable()
export class CasesRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(id: string) {
    return this.prisma.case.findUnique({
      where: { id },
      include: {
        unit: { select: { id: true, code: true, name: true, timeZone: true } },
        programme: { select: { id: true, coordinatorId: true, startDate: true, template: { select: { definition: true } } } },
        tasks: { orderBy: { dueDate: 'asc' } },
        evidence: { orderBy: [{ createdAt: 'asc' }, { version: 'asc' }] },
      },
    });
  }

  /**
   * Records an upload. Without `lineageId` it is version 1 of a new document; with one, the next version of that
   * document (two uploads racing for the same version number: the loser takes the next one).
   */
  async insertEvidence(data: { caseId: string; taskKey: string; sha256: string; sizeBytes: number; mediaType: string; filename: string; storageKey: string; uploadedBy: string }, lineageId?: string) {
    if (!lineageId) {
      const id = randomUUID();
      return this.prisma.evidence.create({ data: { ...data, id, lineageId: id, version: 1 } });
    }
    for (let attempt = 0; ; attempt++) {
      const last = await this.prisma.evidence.aggregate({ where: { lineageId }, _max: { version: true } });
      try {
        return await this.prisma.evidence.create({ data: { ...data, lineageId, version: (last._max.version ?? 0) + 1 } });
      } catch (err) {
        if (attempt < 5 && (err as { code?: string }).code === 'P2002') continue;
        throw err;
      }
    }
  }

  evidenceOfTask(caseId: string, taskKey: string, ids: string[]) {
    return this.prisma.evidence.findMany({ where: { caseId, taskKey, id: { in: ids } }, select: { id: true } });
  }

  evidence(id: string) {
    return this.prisma.evidence.findUnique({ where: { id } });
  }
}
