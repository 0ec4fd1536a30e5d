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
        programme: { select: { id: true, coordinatorId: true, template: { select: { definition: true } } } },
        tasks: { orderBy: { dueDate: 'asc' } },
        evidence: { orderBy: { createdAt: 'asc' } },
      },
    });
  }

  insertEvidence(data: { caseId: string; taskKey: string; sha256: string; sizeBytes: number; mediaType: string; filename: string; storageKey: string; uploadedBy: string }) {
    return this.prisma.evidence.create({ data });
  }

  evidenceOfTask(caseId: string, taskKey: string, ids: string[]) {
    return this.prisma.evidence.findMany({ where: { caseId, taskKey, id: { in: ids } }, select: { id: true } });
  }

  evidence(id: string) {
    return this.prisma.evidence.findUnique({ where: { id } });
  }
}
