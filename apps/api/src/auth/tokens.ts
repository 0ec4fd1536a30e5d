import { createHash, randomBytes } from 'node:crypto';

/** Bearer tokens, session cookies and email-link tokens are 256 random bits; only their SHA-256 is stored. */
export function newToken(prefix: 'kws' | 'kwt' | 'kwl'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Cheap shape check before touching the database (a tampered or truncated token never reaches a query). */
export function looksLikeToken(token: string, prefix?: string): boolean {
  const m = /^(kws|kwt|kwl)_[A-Za-z0-9_-]{43}$/.exec(token);
  return !!m && (!prefix || m[1] === prefix);
}

export const SESSION_COOKIE = 'kawal_session';
