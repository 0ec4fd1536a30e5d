import type { Client } from '@temporalio/client';
import type { KawalActivities } from '@kawal/contracts';
import type { PrismaClient } from '@kawal/database';
import type { Mailer } from '@kawal/mail';
import { DEFAULT_MAIL_LINK_TTL_HOURS, DeliverySettings, notificationActivities } from './notification.activities';
import { programmeActivities } from './programme.activities';
import { readModelActivities } from './read-model.activities';

export interface ActivityDeps {
  prisma: PrismaClient;
  mailer: Mailer;
  client: Client;
  taskQueue: string;
  publicBaseUrl: string;
  /** An email still unsent this long after it was queued is marked dead (default 24 hours). */
  mailDeadAfterMs?: number;
  /** How long the signed, single-use link in a notification email works (default 72 hours). */
  mailLinkTtlHours?: number;
  /** Working hours and the daily digest; without it every email goes out at once. */
  delivery?: DeliverySettings;
  /** How long one attempt holds an email while sending it (default 3 minutes). */
  mailSendLeaseMs?: number;
}

/** Every activity the worker registers, built from its dependencies (no globals, easy to test). */
export function createActivities(deps: ActivityDeps): KawalActivities {
  const mailDomain = new URL(deps.publicBaseUrl).hostname || 'kawal.local';
  return {
    ...readModelActivities(deps.prisma),
    ...notificationActivities(deps.prisma, deps.mailer, mailDomain, deps.mailDeadAfterMs, {
      publicBaseUrl: deps.publicBaseUrl,
      ttlHours: deps.mailLinkTtlHours ?? DEFAULT_MAIL_LINK_TTL_HOURS,
    }, deps.delivery, deps.mailSendLeaseMs),
    ...programmeActivities(deps),
  };
}
export { createOutboxDispatcher } from './outbox/dispatcher';
