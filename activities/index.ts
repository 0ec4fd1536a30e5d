import type { Client } from '@temporalio/client';
import type { KawalActivities } from '@kawal/contracts';
import type { PrismaClient } from '@kawal/database';
import type { Mailer } from '@kawal/mail';
import { notificationActivities } from './notification.activities';
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
}

/** Every activity the worker registers, built from its dependencies (no globals, easy to test). */
export function createActivities(deps: ActivityDeps): KawalActivities {
  const mailDomain = new URL(deps.publicBaseUrl).hostname || 'kawal.local';
  return {
    ...readModelActivities(deps.prisma),
    ...notificationActivities(deps.prisma, deps.mailer, mailDomain, deps.mailDeadAfterMs),
    ...programmeActivities(deps),
  };
}
