import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { MessageData, NotificationRequest, NotificationResult } from '@kawal/contracts';
import type { PrismaClient } from '@kawal/database';
import { ActionLinkTarget, OPEN_TASK_PURPOSE, TOKEN_MASK, actionLinkTarget, actionLinkUrl, createActionLink, tokenHash } from '@kawal/links';
import { localDateAt } from '@kawal/domain';
import { DIGESTIBLE_KINDS, Mailer, PermanentMailError, WorkingHours, decideDelivery, escapeHtml, recipientTimeZone, renderMessage } from '@kawal/mail';
import { calendarAround } from './outbox/calendar';
import { countItemsDue } from './outbox/due-items';

export const DEFAULT_MAIL_DEAD_AFTER_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_MAIL_LINK_TTL_HOURS = 72;
/**
 * How long an attempt holds an email while it sends it. Longer than the longest send the Mailer allows (its
 * connection, greeting and socket timeouts), and a retry that finds the claim live waits rather than sending too.
 */
export const DEFAULT_SEND_LEASE_MS = 3 * 60_000;

/** Signed links in notification emails: on when the activity knows the public address of this Kawal. */
export interface NotificationLinkOptions {
  publicBaseUrl: string;
  /** How long an emailed link works (hours). */
  ttlHours: number;
}

/** When email may go out (working hours, the daily digest); without it every email goes out at once. */
export interface DeliverySettings {
  /** null = any hour. */
  workingHours: WorkingHours | null;
  /** More than this many tasks due or overdue: ladder messages wait for the daily digest. */
  digestThreshold: number;
  digestHorizonDays: number;
  /** Local time of the digest; it goes out `digestCollectMs` later, with that morning's reminders gathered. */
  digestTime: string;
  digestCollectMs: number;
  /** The clock (tests); Date.now by default. */
  now?: () => number;
}


/**
 * Puts a usable link where a stored outbox rendering has the masked one (`<base>/links/[token]`): a fresh
 * single-use `open-task` link for the person, or — when there is no longer an active person with that address —
 * the plain link. Returns the texts to send and the new link's token hash (null when none was created).
 */
export async function fillActionLink(
  prisma: Pick<PrismaClient, 'actionLink' | 'person'>,
  stored: { recipient: string; text: string; html: string },
  opts: NotificationLinkOptions & { target: ActionLinkTarget | null; plainLink: string },
): Promise<{ text: string; html: string; linkHash: string | null }> {
  const masked = actionLinkUrl(opts.publicBaseUrl, TOKEN_MASK);
  if (!stored.text.includes(masked) && !stored.html.includes(escapeHtml(masked))) return { text: stored.text, html: stored.html, linkHash: null };
  const person = opts.target ? await prisma.person.findUnique({ where: { email: stored.recipient.trim().toLowerCase() } }) : null;
  let url = opts.plainLink;
  let linkHash: string | null = null;
  if (person && !person.disabledAt && opts.target) {
    const token = await createActionLink(prisma, { personId: person.id, purpose: OPEN_TASK_PURPOSE, payload: { ...opts.target }, ttlMinutes: opts.ttlHours * 60 });
    url = actionLinkUrl(opts.publicBaseUrl, token);
    linkHash = tokenHash(token);
  }
  return { text: stored.text.replaceAll(masked, url), html: stored.html.replaceAll(escapeHtml(masked), escapeHtml(url)), linkHash };
}

/**
 * Sends one email through the outbox. The row is keyed by the request's idempotency key (workflow + step +
 * rung + recipient): a retried or redelivered activity finds the row SENT and sends nothing.
 * Transient failures (SMTP down, 4xx) are retried by Temporal with backoff until the row is `deadAfterMs` old; then
 * it is marked DEAD and the failure is non-retryable (`NotificationDead`). A refused address (5xx) is DEAD at once.
 *
 * Safe action links (with `links`): when the recipient is an active registered person and the message links to a
 * case or task of this Kawal, the email carries `<base>/links/<token>` instead — a signed, single-use, expiring
 * `open-task` link whose page asks for a POST before it signs anyone in. The outbox row keeps the rendering with
 * the token masked (`[token]`); each send attempt creates a fresh link and fills it in, so no usable token is ever
 * stored, and the link of an attempt that failed is deleted again. Anyone else keeps the plain link.
 */
export function notificationActivities(
  prisma: PrismaClient,
  mailer: Mailer,
  mailDomain: string,
  deadAfterMs = DEFAULT_MAIL_DEAD_AFTER_MS,
  links?: NotificationLinkOptions,
  delivery?: DeliverySettings,
  sendLeaseMs = DEFAULT_SEND_LEASE_MS,
) {
  /**
   * Whether this email waits: for the recipient's working hours (DEFERRED, sent by the outbox dispatcher at
   * notBefore with the request kept in the row) or for their daily digest (DIGEST). Decided once, on the first
   * attempt; a retry finds the row already planned.
   */
  const plan = async (request: NotificationRequest, rowId: string): Promise<NotificationResult | null> => {
    if (!delivery || request.dispatched) return null;
    const now = (delivery.now ?? Date.now)();
    const tz = recipientTimeZone(request.delivery?.timeZone, request.message);
    const itemsDue = DIGESTIBLE_KINDS.has(request.message.kind) ? await countItemsDue(prisma, request.to.email.toLowerCase(), localDateAt(now, tz), delivery.digestHorizonDays) : null;
    const decision = decideDelivery({
      kind: request.message.kind,
      now,
      tz,
      calendar: calendarAround(now),
      hours: delivery.workingHours,
      escalationsAnyTime: request.delivery?.escalationsAnyTime ?? false,
      itemsDue,
      digestThreshold: delivery.digestThreshold,
      digestTime: delivery.digestTime,
      digestCollectMs: delivery.digestCollectMs,
    });
    if (decision.send === 'now') return null;
    const status = decision.send === 'later' ? 'DEFERRED' : 'DIGEST';
    await prisma.notification.updateMany({
      where: { id: rowId, status: { in: ['PENDING', 'FAILED'] } },
      data: { status, notBefore: new Date(decision.at), timeZone: tz, payload: JSON.parse(JSON.stringify(request)) },
    });
    return { status: decision.send === 'later' ? 'deferred' : 'held-for-digest', messageId: null };
  };

  /** The message as it is stored: with the masked action link when the recipient gets one. */
  const storedMessage = async (request: NotificationRequest): Promise<MessageData> => {
    if (!links || !actionLinkTarget(links.publicBaseUrl, request.message.link)) return request.message;
    const person = await prisma.person.findUnique({ where: { email: request.to.email.trim().toLowerCase() }, select: { disabledAt: true } });
    if (!person || person.disabledAt) return request.message;
    return { ...request.message, link: actionLinkUrl(links.publicBaseUrl, TOKEN_MASK) };
  };

  return {
    async sendNotification(request: NotificationRequest): Promise<NotificationResult> {
      const rendered = renderMessage(await storedMessage(request), request.to.name, request.to.locale);
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
      // Already planned by an earlier attempt: the dispatcher (or the digest) sends it.
      if (!request.dispatched && row.status === 'DEFERRED') return { status: 'deferred', messageId: null };
      if (row.status === 'DIGEST' || row.status === 'DIGESTED') return { status: 'held-for-digest', messageId: null };
      const planned = await plan(request, row.id);
      if (planned) return planned;

      // Claim the email for this attempt. An attempt Temporal timed out may still be waiting for the server's reply:
      // its retry must not send a second copy, so it fails (retryably) until the first one has finished.
      const claimed = await prisma.notification.updateMany({
        where: { id: row.id, status: { in: ['PENDING', 'FAILED'] }, OR: [{ claimedUntil: null }, { claimedUntil: { lt: new Date() } }] },
        data: { claimedUntil: new Date(Date.now() + sendLeaseMs) },
      });
      if (claimed.count === 0) {
        const current = await prisma.notification.findUniqueOrThrow({ where: { id: row.id } });
        if (current.status === 'SENT') return { status: 'already-sent', messageId: current.messageId };
        if (current.status === 'DEAD') throw ApplicationFailure.create({ type: 'NotificationDead', message: current.lastError ?? 'notification is dead', nonRetryable: true });
        throw ApplicationFailure.create({ type: 'NotificationInFlight', message: 'another attempt is sending this email; retrying once it has finished' });
      }
      const messageId = `<${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 40)}@${mailDomain}>`;
      const body = links
        ? await fillActionLink(prisma, row, { ...links, target: actionLinkTarget(links.publicBaseUrl, request.message.link), plainLink: request.message.link })
        : { text: row.text, html: row.html, linkHash: null };
      try {
        const info = await mailer.send({
          to: request.to.email,
          subject: row.subject,
          text: body.text,
          html: body.html,
          messageId,
          headers: { 'X-Kawal-Notification': row.id },
        });
        await prisma.notification.update({
          where: { id: row.id },
          data: { status: 'SENT', messageId: info.messageId, sentAt: new Date(), attempts: { increment: 1 }, lastError: null },
        });
        return { status: 'sent', messageId: info.messageId };
      } catch (err) {
        // The link of an email that did not go out is of no use; the next attempt makes a fresh one.
        if (body.linkHash) await prisma.actionLink.deleteMany({ where: { tokenHash: body.linkHash, usedAt: null } }).catch(() => undefined);
        const permanent = err instanceof PermanentMailError;
        const expired = !permanent && Date.now() - row.createdAt.getTime() >= deadAfterMs;
        const message = (err as Error).message.slice(0, 1000);
        await prisma.notification.update({
          where: { id: row.id },
          data: { status: permanent || expired ? 'DEAD' : 'FAILED', claimedUntil: null, attempts: { increment: 1 }, lastError: expired ? `gave up after ${Math.round(deadAfterMs / 60_000)} min: ${message}` : message },
        });
        if (permanent) throw ApplicationFailure.create({ type: 'InvalidRecipient', message, nonRetryable: true });
        if (expired) throw ApplicationFailure.create({ type: 'NotificationDead', message: `not delivered within ${Math.round(deadAfterMs / 60_000)} minutes: ${message}`, nonRetryable: true });
        throw err;
      }
    },
  };
}
