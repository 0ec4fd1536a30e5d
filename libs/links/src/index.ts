import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient, db } from '@kawal/database';

/**
 * Tokens and emailed action links, shared by the API (sign-in, the pages behind links) and the worker (emails).
 * Every token is 256 random bits of which only the SHA-256 is stored, so a database leak gives no usable token.
 *
 * Prefixes: `kws` a session, `kwt` an API token, `kwl` a sign-in link, `kwa` an action link in a notification email
 * ("open my task"). The prefix lets each endpoint refuse the other kinds before touching the database.
 */
export type TokenPrefix = 'kws' | 'kwt' | 'kwl' | 'kwa';

export function newToken(prefix: TokenPrefix): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Cheap shape check before touching the database (a tampered or truncated token never reaches a query). */
export function looksLikeToken(token: string, prefix?: TokenPrefix): boolean {
  const m = /^(kws|kwt|kwl|kwa)_[A-Za-z0-9_-]{43}$/.exec(token);
  return !!m && (!prefix || m[1] === prefix);
}

/** The purpose of the links notification emails carry: sign the person in and open the case (and task). */
export const OPEN_TASK_PURPOSE = 'open-task';

/** What an `open-task` link acts on. */
export interface ActionLinkTarget {
  caseId: string;
  taskKey?: string;
}

/** Stands for the token wherever a rendered link is stored (the outbox keeps no usable token). */
export const TOKEN_MASK = '[token]';

/**
 * Creates a single-use link for a person and returns its token (shown once: only its hash is stored). A `sign-in`
 * link gets the `kwl` prefix, every other purpose `kwa`.
 */
export async function createActionLink(
  prisma: Pick<PrismaClient, 'actionLink'>,
  link: { personId: string; purpose: string; payload?: db.Prisma.InputJsonObject; ttlMinutes: number },
): Promise<string> {
  const token = newToken(link.purpose === 'sign-in' ? 'kwl' : 'kwa');
  await prisma.actionLink.create({
    data: {
      personId: link.personId,
      purpose: link.purpose,
      payload: link.payload ?? {},
      tokenHash: tokenHash(token),
      expiresAt: new Date(Date.now() + link.ttlMinutes * 60_000),
    },
  });
  return token;
}

/** The page behind an action link: `${publicBaseUrl}/links/<token>` (GET shows it, POST from it acts). */
export function actionLinkUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/links/${token}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The case (and task) a link of this Kawal points at — `${publicBaseUrl}/cases/<id>` or
 * `${publicBaseUrl}/cases/<id>/tasks/<key>` — or null for any other link (another site, another page).
 */
export function actionLinkTarget(publicBaseUrl: string, link: string): ActionLinkTarget | null {
  const base = publicBaseUrl.replace(/\/+$/, '');
  if (!base || !link.startsWith(`${base}/`)) return null;
  const m = /^\/cases\/([^/?#]+)(?:\/tasks\/([^/?#]+))?\/?$/.exec(link.slice(base.length));
  if (!m || !UUID.test(m[1])) return null;
  if (m[2] === undefined) return { caseId: m[1].toLowerCase() };
  let taskKey: string;
  try {
    taskKey = decodeURIComponent(m[2]);
  } catch {
    return null;
  }
  return taskKey ? { caseId: m[1].toLowerCase(), taskKey } : null;
}

/** Reads an `open-task` payload back (null when it is not one). */
export function parseActionLinkTarget(payload: unknown): ActionLinkTarget | null {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return null;
  const { caseId, taskKey } = payload as Record<string, unknown>;
  if (typeof caseId !== 'string' || !UUID.test(caseId)) return null;
  if (taskKey !== undefined && (typeof taskKey !== 'string' || !taskKey)) return null;
  return taskKey === undefined ? { caseId } : { caseId, taskKey };
}
