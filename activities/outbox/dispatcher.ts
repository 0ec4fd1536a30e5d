import { createHash } from 'node:crypto';
import type { NotificationRequest, NotificationResult } from '@kawal/contracts';
import { isIndonesianTimeZone, localDateAt, zoneAbbreviation, type IndonesianTimeZone } from '@kawal/domain';
import type { PrismaClient } from '@kawal/database';
import { MAX_SEND_MS, Mailer, PermanentMailError, renderDigest } from '@kawal/mail';
import { listItemsDue } from './due-items';

export interface DispatcherSettings {
  publicBaseUrl: string;
  mailDomain: string;
  digestHorizonDays: number;
  batchSize?: number;
  /** Told of a digest that could not go out this pass (it is tried again on the next one). */
  onError?: (recipient: string, err: unknown) => void;
}

/** What the dispatcher needs from the outbox activity: send a stored request now (it is idempotent by key). */
export type SendNow = (request: NotificationRequest & { dispatched: true }) => Promise<NotificationResult>;

const RETRY_MS = [60_000, 120_000, 300_000, 600_000];

/**
 * The worker's outbox dispatcher: sends the emails that waited for the recipient's working hours (DEFERRED) and the
 * daily digests (DIGEST rows gathered per person), when their time comes. Rows are claimed with FOR UPDATE SKIP
 * LOCKED inside a transaction that lasts the send, so several workers never send the same row; a crash before the
 * commit leaves the row to be sent again (the same window as the activity: SMTP accepted, row not yet updated).
 */
export function createOutboxDispatcher(prisma: PrismaClient, mailer: Mailer, sendNow: SendNow, settings: DispatcherSettings) {
  const batch = settings.batchSize ?? 50;

  async function dispatchDeferred(now: Date): Promise<number> {
    let sent = 0;
    for (let i = 0; i < batch; i++) {
      const done = await prisma.$transaction(
        async (tx) => {
          const rows = await tx.$queryRaw<Array<{ id: string; payload: unknown; attempts: number; created_at: Date }>>`
            SELECT id, payload, attempts, created_at FROM notifications
             WHERE status = 'DEFERRED' AND not_before <= ${now} ORDER BY not_before, id LIMIT 1 FOR UPDATE SKIP LOCKED`;
          const row = rows[0];
          if (!row) return null;
          const request = row.payload as NotificationRequest | null;
          if (!request) {
            await tx.notification.update({ where: { id: row.id }, data: { status: 'DEAD', lastError: 'deferred without its request' } });
            return 'dead';
          }
          // The activity finds the row by its key: it renders, sends, and marks it SENT (or FAILED / DEAD).
          await tx.notification.update({ where: { id: row.id }, data: { status: 'PENDING' } });
          return { id: row.id, request, attempts: row.attempts, createdAt: row.created_at };
        },
        { timeout: 30_000 },
      );
      if (done === null) break;
      if (done === 'dead') continue;
      try {
        await sendNow({ ...done.request, dispatched: true });
        sent++;
      } catch (err) {
        // Transient (SMTP down): back to DEFERRED with a backoff; the activity already marked DEAD what is dead.
        const row = await prisma.notification.findUnique({ where: { id: done.id } });
        if (row && row.status !== 'DEAD' && row.status !== 'SENT') {
          const wait = RETRY_MS[Math.min(row.attempts, RETRY_MS.length) - 1] ?? RETRY_MS[0];
          await prisma.notification.update({ where: { id: done.id }, data: { status: 'DEFERRED', notBefore: new Date(now.getTime() + wait), lastError: (err as Error).message.slice(0, 1000) } });
        }
      }
    }
    return sent;
  }

  /** One digest per person whose gathered reminders are due: everything due or overdue for them, in one email. */
  async function dispatchDigests(now: Date): Promise<number> {
    const people = await prisma.$queryRaw<Array<{ recipient: string }>>`
      SELECT DISTINCT recipient FROM notifications WHERE status = 'DIGEST' AND not_before <= ${now} LIMIT ${batch}`;
    let sent = 0;
    for (const { recipient } of people) {
      const result = await prisma.$transaction(
        async (tx) => {
          const held = await tx.$queryRaw<Array<{ id: string; locale: string; time_zone: string | null }>>`
            SELECT id, locale, time_zone FROM notifications
             WHERE status = 'DIGEST' AND recipient = ${recipient} AND not_before <= ${now} FOR UPDATE SKIP LOCKED`;
          if (held.length === 0) return 0;
          const tz: IndonesianTimeZone = held[0].time_zone && isIndonesianTimeZone(held[0].time_zone) ? held[0].time_zone : 'Asia/Jakarta';
          const date = localDateAt(now.getTime(), tz);
          const key = `digest/${recipient}/${date}`;
          const person = await tx.person.findUnique({ where: { email: recipient }, select: { name: true, locale: true } });
          const locale = (person?.locale ?? held[0].locale) === 'en' ? 'en' : 'id';
          const { items, more } = await listItemsDue(tx, recipient, date, settings.digestHorizonDays, settings.publicBaseUrl);
          let status: 'sent' | 'nothing' = 'nothing';
          if (items.length > 0) {
            const rendered = renderDigest({ date, timeZone: zoneAbbreviation(tz), items, more, inboxLink: `${settings.publicBaseUrl}/me/tasks` }, person?.name ?? recipient, locale);
            const row = await tx.notification.upsert({
              where: { idempotencyKey: key },
              create: { idempotencyKey: key, recipient, locale, kind: 'digest', timeZone: tz, ...rendered },
              update: {},
            });
            if (row.status !== 'SENT') {
              const messageId = `<${createHash('sha256').update(key).digest('hex').slice(0, 40)}@${settings.mailDomain}>`;
              try {
                const info = await mailer.send({ to: recipient, subject: row.subject, text: row.text, html: row.html, messageId, headers: { 'X-Kawal-Notification': row.id } });
                await tx.notification.update({ where: { id: row.id }, data: { status: 'SENT', messageId: info.messageId, sentAt: new Date(), attempts: { increment: 1 } } });
              } catch (err) {
                if (!(err instanceof PermanentMailError)) throw err; // transient: roll back, the rows stay DIGEST, next tick tries again
                await tx.notification.update({ where: { id: row.id }, data: { status: 'DEAD', attempts: { increment: 1 }, lastError: err.message.slice(0, 1000) } });
              }
            }
            status = 'sent';
          }
          await tx.notification.updateMany({ where: { id: { in: held.map((h) => h.id) } }, data: { status: 'DIGESTED', digestKey: key } });
          return status === 'sent' ? 1 : 0;
        },
        // The send happens inside: the transaction must outlive the slowest send, or a digest the server accepted
        // would roll back and go out again on the next pass.
        { timeout: MAX_SEND_MS + 30_000 },
      ).catch((err: unknown) => {
        settings.onError?.(recipient, err);
        return 0;
      });
      sent += result;
    }
    return sent;
  }

  return {
    /** One pass: deferred emails first (they are older), then digests. Returns how many emails went out. */
    async tick(now = new Date()): Promise<{ deferred: number; digests: number }> {
      return { deferred: await dispatchDeferred(now), digests: await dispatchDigests(now) };
    },
  };
}

