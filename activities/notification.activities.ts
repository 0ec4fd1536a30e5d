import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { NotificationRequest, NotificationResult } from '@kawal/contracts';
import type { PrismaClient } from '@kawal/database';
import { Mailer, PermanentMailError, renderMessage } from '@kawal/mail';

export const DEFAULT_MAIL_DEAD_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Sends one email through the outbox. The row is keyed by the request's idempotency key (workflow + step +
 * rung + recipient): a retried or redelivered activity finds the row SENT and sends nothing.
 * Transient failures (SMTP down, 4xx) are retried by Temporal with backoff until the row is `deadAfterMs` old; then
 * it is marked DEAD and the failure is non-retryable (`NotificationDead`). A refused address (5xx) is DEAD at once.
 */
export function notificationActivities(prisma: PrismaClient, mailer: Mailer, mailDomain: string, deadAfterMs = DEFAULT_MAIL_DEAD_AFTER_MS) {
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
        throw ApplicationFailure.create({ type: 'NotificationDead', message: row.lastError ?? 'notification is dead', nonRetryable: true });
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
        const expired = !permanent && Date.now() - row.createdAt.getTime() >= deadAfterMs;
        const message = (err as Error).message.slice(0, 1000);
        await prisma.notification.update({
          where: { id: row.id },
          data: { status: permanent || expired ? 'DEAD' : 'FAILED', attempts: { increment: 1 }, lastError: expired ? `gave up after ${Math.round(deadAfterMs / 60_000)} min: ${message}` : message },
        });
        if (permanent) throw ApplicationFailure.create({ type: 'InvalidRecipient', message, nonRetryable: true });
        if (expired) throw ApplicationFailure.create({ type: 'NotificationDead', message: `not delivered within ${Math.round(deadAfterMs / 60_000)} minutes: ${message}`, nonRetryable: true });
        throw err;
      }
    },
  };
}
