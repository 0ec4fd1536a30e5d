import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { NotificationRequest, NotificationResult } from '@kawal/contracts';
import type { PrismaClient } from '@kawal/database';
import { Mailer, PermanentMailError, renderMessage } from '@kawal/mail';

/**
 * Sends one email through the outbox. The row is keyed by the request's idempotency key (workflow + step +
 * rung + recipient): a retried or redelivered activity finds the row SENT and sends nothing.
 */
export function notificationActivities(prisma: PrismaClient, mailer: Mailer, mailDomain: string) {
  return {
    async sendNotification(request: NotificationRequest): Promise<NotificationResult> {
      const rendered = renderMessage(request.message, request.to.name, request.to.locale);
      const row = await prisma.notification.upsert({
        where: { idempotencyKey: request.idempotencyKey },
        create: {
          idempotencyKey: request.idempotencyKey,
          recipient: request.to.email,
          locale: request.to.locale,
          kind: request.message.kind,
          ...rendered,
        },
        update: {},
      });
      if (row.status === 'SENT' && row.messageId) return { status: 'already-sent', messageId: row.messageId };
      if (row.status === 'DEAD') {
        throw ApplicationFailure.create({ type: 'InvalidRecipient', message: row.lastError ?? 'notification is dead', nonRetryable: true });
      }

      const messageId = `<${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 40)}@${mailDomain}>`;
      try {
        const info = await mailer.send({
          to: request.to.email,
          subject: row.subject,
          text: row.text,
          html: row.html,
          messageId,
          headers: { 'X-Kawal-Notification': row.id },
        });
        await prisma.notification.update({
          where: { id: row.id },
          data: { status: 'SENT', messageId: info.messageId, sentAt: new Date(), attempts: { increment: 1 }, lastError: null },
        });
        return { status: 'sent', messageId: info.messageId };
      } catch (err) {
        const permanent = err instanceof PermanentMailError;
        await prisma.notification.update({
          where: { id: row.id },
          data: { status: permanent ? 'DEAD' : 'FAILED', attempts: { increment: 1 }, lastError: (err as Error).message.slice(0, 1000) },
        });
        if (permanent) throw ApplicationFailure.create({ type: 'InvalidRecipient', message: (err as Error).message, nonRetryable: true });
        throw err;
      }
    },
  };
}
