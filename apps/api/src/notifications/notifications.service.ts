import { Injectable } from '@nestjs/common';
import { PrismaService } from '@kawal/database';
import { ApiError } from '../common/api-error';
import { AccessService } from '../access/access.service';
import { LOG_READERS } from '../access/policy';
import type { Actor } from '../auth/actor';
import { NotificationDto, NotificationPageDto, NotificationQueryDto } from './notification.dto';

const encodeCursor = (createdAt: Date, id: string) => Buffer.from(`${createdAt.toISOString()}|${id}`, 'utf8').toString('base64url');

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) {
    throw ApiError.invalid([{ field: 'cursor', rule: 'must be a nextCursor returned by this endpoint', message: 'harus nilai nextCursor dari halaman sebelumnya' }]);
  }
  return { createdAt, id };
}

/** The notification log: what was sent to whom and when, and what failed (newest first). */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly access: AccessService,
  ) {}

  async list(actor: Actor, q: NotificationQueryDto): Promise<NotificationPageDto> {
    if (!this.access.holdsAnywhere(actor, LOG_READERS)) {
      throw ApiError.forbidden({ id: 'Log notifikasi hanya untuk koordinator dan admin.', en: 'The notification log is for coordinators and admins.' });
    }
    const limit = q.limit ?? 50;
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await this.prisma.notification.findMany({
      where: {
        ...(q.status ? { status: q.status } : {}),
        ...(q.recipient ? { recipient: q.recipient.toLowerCase() } : {}),
        ...(q.kind ? { kind: q.kind } : {}),
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const items: NotificationDto[] = page.map((n) => ({
      id: n.id,
      recipient: n.recipient,
      kind: n.kind,
      subject: n.subject,
      locale: n.locale,
      status: n.status,
      attempts: n.attempts,
      lastError: n.lastError,
      messageId: n.messageId,
      createdAt: n.createdAt.toISOString(),
      sentAt: n.sentAt ? n.sentAt.toISOString() : null,
    }));
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }
}
