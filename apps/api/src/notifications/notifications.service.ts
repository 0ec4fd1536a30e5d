import { Injectable } from '@nestjs/common';
import { PrismaService } from '@kawal/database';
import { ApiError } from '../common/api-error';
import { AccessService } from '../access/access.service';
import { LOG_READERS } from '../access/policy';
import type { Actor } from '../auth/actor';
import { decodeCursor, encodeCursor } from '../common/pagination';
import { NOTIFICATIONS_PAGE, NotificationDto, NotificationPageDto, NotificationQueryDto } from './notification.dto';

/** Notification pages: keyset on (created_at desc, id desc). */
function decodeNotificationCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = decodeCursor(cursor, 2, ([at, id]) => id !== '' && !Number.isNaN(new Date(at).getTime()));
  return { createdAt: new Date(at), id };
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
    const limit = q.limit ?? NOTIFICATIONS_PAGE.defaultLimit;
    const after = q.cursor ? decodeNotificationCursor(q.cursor) : undefined;
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
      notBefore: n.notBefore ? n.notBefore.toISOString() : null,
      digestKey: n.digestKey,
    }));
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
  }
}
