import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService, db } from '@kawal/database';

/** The Prisma client or an interactive transaction on it. */
export type TemplatesTx = db.Prisma.TransactionClient | PrismaService;

export interface TemplateContent {
  key: string;
  version: number;
  name: string;
  definition: unknown;
  checksum: string;
}

const PUBLISHED = { publishedAt: { not: null } } as const;
const DRAFT = { publishedAt: null } as const;
const BY_KEY_VERSION = [{ key: 'asc' as const }, { version: 'desc' as const }];

@Injectable()
export class TemplatesRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: db.Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  find(key: string, version: number, tx: TemplatesTx = this.prisma) {
    return tx.template.findUnique({ where: { key_version: { key, version } } });
  }

  latestPublished(key: string) {
    return this.prisma.template.findFirst({ where: { key, ...PUBLISHED }, orderBy: { version: 'desc' } });
  }

  latestDraft(key: string) {
    return this.prisma.template.findFirst({ where: { key, ...DRAFT }, orderBy: { version: 'desc' } });
  }

  /** The newest published version of every key. */
  latestPublishedOfEachKey() {
    return this.prisma.template.findMany({ where: PUBLISHED, orderBy: BY_KEY_VERSION, distinct: ['key'] });
  }

  drafts() {
    return this.prisma.template.findMany({ where: DRAFT, orderBy: BY_KEY_VERSION });
  }

  /** Every version of a key, newest first (without the definitions). */
  versions(key: string, includeDrafts: boolean) {
    return this.prisma.template.findMany({
      where: { key, ...(includeDrafts ? {} : PUBLISHED) },
      orderBy: { version: 'desc' },
      select: { id: true, key: true, version: true, name: true, checksum: true, publishedAt: true, createdAt: true },
    });
  }

  /**
   * Writes a version unless it is already published, in one statement: inserts it, or replaces a draft of the same
   * key and version. `publish` stores it as published, otherwise as a draft. Returns false (and changes nothing)
   * when that version is already published.
   */
  async writeUnlessPublished(content: TemplateContent, publish: boolean, tx: TemplatesTx = this.prisma): Promise<boolean> {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      INSERT INTO templates (id, key, version, name, definition, checksum, published_at)
      VALUES (${randomUUID()}::uuid, ${content.key}, ${content.version}, ${content.name}, ${JSON.stringify(content.definition)}::jsonb, ${content.checksum},
              CASE WHEN ${publish}::boolean THEN CURRENT_TIMESTAMP(3) ELSE NULL END)
      ON CONFLICT (key, version) DO UPDATE
        SET name = EXCLUDED.name, definition = EXCLUDED.definition, checksum = EXCLUDED.checksum, published_at = EXCLUDED.published_at
        WHERE templates.published_at IS NULL
      RETURNING id::text AS id`;
    return rows.length === 1;
  }

  /** Publishes a draft; false when there is no draft of that version (none at all, or already published). */
  async publishDraft(key: string, version: number, tx: TemplatesTx = this.prisma): Promise<boolean> {
    const { count } = await tx.template.updateMany({ where: { key, version, ...DRAFT }, data: { publishedAt: new Date() } });
    return count === 1;
  }

  /** Deletes a draft; false when there is no draft of that version. */
  async deleteDraft(key: string, version: number, tx: TemplatesTx = this.prisma): Promise<boolean> {
    const { count } = await tx.template.deleteMany({ where: { key, version, ...DRAFT } });
    return count === 1;
  }
}
