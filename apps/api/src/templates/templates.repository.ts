import { Injectable } from '@nestjs/common';
import { PrismaService, db } from '@kawal/database';

@Injectable()
export class TemplatesRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(key: string, version: number) {
    return this.prisma.template.findUnique({ where: { key_version: { key, version } } });
  }

  latest(key: string) {
    return this.prisma.template.findFirst({ where: { key, publishedAt: { not: null } }, orderBy: { version: 'desc' } });
  }

  list() {
    return this.prisma.template.findMany({ orderBy: [{ key: 'asc' }, { version: 'desc' }] });
  }

  /** Inserts unless (key, version) exists; returns the stored row either way. */
  async insertIfAbsent(data: { key: string; version: number; name: string; definition: db.Prisma.InputJsonValue; checksum: string }) {
    await this.prisma.template.createMany({ data: [{ ...data, publishedAt: new Date() }], skipDuplicates: true });
    return this.prisma.template.findUniqueOrThrow({ where: { key_version: { key: data.key, version: data.version } } });
  }
}
