import { randomBytes } from 'node:crypto';
import { HttpStatus, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import * as argon2 from '@node-rs/argon2';
import { AppConfig } from '@kawal/config';
import { PrismaService, db } from '@kawal/database';
import { Mailer, renderAccountMessage } from '@kawal/mail';
import { ApiError } from '../common/api-error';
import type { Actor } from './actor';
import { looksLikeToken, newToken, tokenHash } from './tokens';

export interface IssuedSession {
  id: string;
  token: string;
  kind: db.SessionKind;
  expiresAt: Date | null;
  person: { email: string; name: string; locale: string };
}

export type LinkCheck =
  | { ok: true; linkId: string; purpose: string; payload: unknown; person: { id: string; email: string; name: string; locale: string }; expiresAt: Date }
  /** personLocale: the link's person's language, when the link is known (used or expired). */
  | { ok: false; reason: 'invalid' | 'expired' | 'used'; personLocale?: string };

/** A used action link: the session it opened and what the link was for. */
export interface RedeemedActionLink {
  ok: true;
  session: IssuedSession;
  purpose: string;
  payload: unknown;
}

/** Touch lastUsedAt (and slide an idle session's expiry) at most this often per session. */
const TOUCH_EVERY_MS = 60_000;

const tooManyAttempts = (retryAfterSeconds: number) =>
  new ApiError(
    HttpStatus.TOO_MANY_REQUESTS,
    'TOO_MANY_SIGN_IN_ATTEMPTS',
    { id: 'Terlalu banyak percobaan masuk', en: 'Too many sign-in attempts' },
    {
      id: `Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam ${Math.ceil(retryAfterSeconds / 60)} menit, atau minta tautan masuk melalui email.`,
      en: `Too many failed sign-in attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes, or ask for a sign-in link by email.`,
    },
    undefined,
    { 'Retry-After': String(Math.ceil(retryAfterSeconds)) },
  );

const badCredentials = () =>
  new ApiError(
    HttpStatus.UNAUTHORIZED,
    'INVALID_CREDENTIALS',
    { id: 'Email atau kata sandi salah', en: 'Wrong email or password' },
    { id: 'Email atau kata sandi tidak cocok dengan akun mana pun.', en: 'The email or password does not match any account.' },
  );

/**
 * Sign-in (password, one-time email link), sessions and API tokens. Passwords are argon2id hashes; every token is
 * 256 random bits of which only the SHA-256 is stored, so a database leak gives no usable token.
 */
@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);
  /** A real hash to verify against when the email is unknown, so timing does not reveal who has an account. */
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly mailer: Mailer,
  ) {}

  private get settings() {
    return this.config.auth;
  }

  /** The actor a bearer token or session cookie stands for, or null (unknown, revoked, expired, disabled). */
  async authenticate(token: string): Promise<Actor | null> {
    if (!looksLikeToken(token)) return null;
    const session = await this.prisma.session.findUnique({
      where: { tokenHash: tokenHash(token) },
      include: { person: { include: { roles: { select: { role: true, unitId: true } } } } },
    });
    const now = Date.now();
    if (!session || session.revokedAt || session.person.disabledAt) return null;
    if (session.expiresAt && session.expiresAt.getTime() <= now) return null;
    if (now - session.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      const expiresAt = session.kind === 'SESSION' ? this.slidingExpiry(session.createdAt, now) : session.expiresAt;
      await this.prisma.session.update({ where: { id: session.id }, data: { lastUsedAt: new Date(now), expiresAt } });
    }
    const p = session.person;
    return {
      personId: p.id,
      email: p.email,
      name: p.name,
      locale: p.locale === 'en' ? 'en' : 'id',
      grants: p.roles.map((r) => ({ role: r.role, unitId: r.unitId })),
      sessionId: session.id,
      via: session.kind,
    };
  }

  /** Idle timeout from now, but never past the session's absolute lifetime. */
  private slidingExpiry(createdAt: Date, now: number): Date {
    const idle = now + this.settings.sessionIdleMinutes * 60_000;
    const max = createdAt.getTime() + this.settings.sessionMaxDays * 86_400_000;
    return new Date(Math.min(idle, max));
  }

  async signInWithPassword(emailRaw: string, password: string, ip: string, userAgent?: string): Promise<IssuedSession> {
    const email = emailRaw.trim().toLowerCase();
    await this.assertNotThrottled(email, ip);
    const person = await this.prisma.person.findUnique({ where: { email } });
    const hash = person?.passwordHash ?? (await this.dummy());
    const ok = await argon2.verify(hash, password).catch(() => false);
    if (!person || !person.passwordHash || !ok || person.disabledAt) {
      await this.prisma.signInFailure.create({ data: { email, ip } });
      throw badCredentials();
    }
    await this.prisma.signInFailure.deleteMany({ where: { email } });
    return this.issue(person, 'SESSION', 'password', ip, userAgent);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= argon2.hash(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }

  /** Refuses (429) while the email or the address has too many recent failures. */
  private async assertNotThrottled(email: string, ip: string): Promise<void> {
    const { maxFailures, failureWindowMinutes } = this.settings;
    const since = new Date(Date.now() - failureWindowMinutes * 60_000);
    const [byEmail, byIp] = await Promise.all([
      this.prisma.signInFailure.findMany({ where: { email, at: { gte: since } }, orderBy: { at: 'asc' }, select: { at: true } }),
      this.prisma.signInFailure.count({ where: { ip, at: { gte: since } } }),
    ]);
    if (byEmail.length >= maxFailures) {
      const oldest = byEmail[byEmail.length - maxFailures].at.getTime();
      throw tooManyAttempts(Math.max(1, (oldest + failureWindowMinutes * 60_000 - Date.now()) / 1000));
    }
    if (byIp >= maxFailures * 4) throw tooManyAttempts(failureWindowMinutes * 60);
  }

  private async issue(person: { id: string; email: string; name: string; locale: string }, kind: db.SessionKind, method: string, ip?: string, userAgent?: string, name?: string, expiresAt?: Date | null): Promise<IssuedSession> {
    const token = newToken(kind === 'SESSION' ? 'kws' : 'kwt');
    const now = Date.now();
    const session = await this.prisma.session.create({
      data: {
        personId: person.id,
        kind,
        name,
        method,
        tokenHash: tokenHash(token),
        ip: ip?.slice(0, 100),
        userAgent: userAgent?.slice(0, 300),
        expiresAt: kind === 'SESSION' ? this.slidingExpiry(new Date(now), now) : (expiresAt ?? null),
      },
    });
    return { id: session.id, token, kind, expiresAt: session.expiresAt, person: { email: person.email, name: person.name, locale: person.locale } };
  }

  /**
   * Emails a one-time sign-in link when the address belongs to an active person. The answer is the same either
   * way, so the endpoint does not reveal who has an account; a person gets at most `maxLinks` links per window.
   */
  async requestSignInLink(emailRaw: string, ip: string): Promise<void> {
    const email = emailRaw.trim().toLowerCase();
    const person = await this.prisma.person.findUnique({ where: { email } });
    if (!person || person.disabledAt) return;
    const since = new Date(Date.now() - this.settings.failureWindowMinutes * 60_000);
    const recent = await this.prisma.actionLink.count({ where: { personId: person.id, purpose: 'sign-in', createdAt: { gte: since } } });
    if (recent >= this.settings.maxLinks) {
      this.logger.warn(`sign-in link for ${email} not sent: ${recent} links in the last ${this.settings.failureWindowMinutes} min`);
      return;
    }
    const token = newToken('kwl');
    const minutes = this.settings.linkTtlMinutes;
    const link = await this.prisma.actionLink.create({
      data: { personId: person.id, purpose: 'sign-in', tokenHash: tokenHash(token), expiresAt: new Date(Date.now() + minutes * 60_000) },
    });
    const locale = person.locale === 'en' ? 'en' : 'id';
    const url = `${this.config.api.publicBaseUrl.replace(/\/$/, '')}/auth/links/${token}`;
    const rendered = renderAccountMessage({ kind: 'sign-in-link', url, expiresInMinutes: minutes, requestedFrom: ip }, person.name, locale);
    // The outbox row is written without the link (the token must not sit in the database in clear text).
    const row = await this.prisma.notification.create({
      data: {
        idempotencyKey: `sign-in-link:${link.id}`,
        recipient: person.email,
        locale,
        kind: 'sign-in-link',
        subject: rendered.subject,
        text: rendered.text.replace(token, '[token]'),
        html: rendered.html.replace(token, '[token]'),
      },
    });
    try {
      const info = await this.mailer.send({ to: person.email, subject: rendered.subject, text: rendered.text, html: rendered.html, messageId: `<sign-in-${link.id}@${new URL(this.config.api.publicBaseUrl).hostname || 'kawal.local'}>` });
      await this.prisma.notification.update({ where: { id: row.id }, data: { status: 'SENT', messageId: info.messageId, sentAt: new Date(), attempts: 1 } });
    } catch (err) {
      // A link is worth nothing once it expires, so it is not retried: the person asks again.
      await this.prisma.notification.update({ where: { id: row.id }, data: { status: 'DEAD', attempts: 1, lastError: (err as Error).message.slice(0, 1000) } });
      this.logger.error(`sign-in link for ${email} could not be sent: ${(err as Error).message}`);
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        'MAIL_UNAVAILABLE',
        { id: 'Email tidak dapat dikirim', en: 'Email could not be sent' },
        { id: 'Tautan masuk tidak dapat dikirim saat ini. Coba lagi beberapa saat lagi.', en: 'The sign-in link cannot be sent right now. Try again shortly.' },
      );
    }
  }

  /**
   * Looks at a link without using it (GET shows a page; nothing changes). `kwl` are sign-in links, `kwa` the action
   * links of notification emails; a token of the other kind is not recognised.
   */
  async inspectLink(token: string, prefix: 'kwl' | 'kwa' = 'kwl'): Promise<LinkCheck> {
    if (!looksLikeToken(token, prefix)) return { ok: false, reason: 'invalid' };
    const link = await this.prisma.actionLink.findUnique({ where: { tokenHash: tokenHash(token) }, include: { person: true } });
    if (!link || link.person.disabledAt) return { ok: false, reason: 'invalid' };
    if (link.usedAt) return { ok: false, reason: 'used', personLocale: link.person.locale };
    if (link.expiresAt.getTime() <= Date.now()) return { ok: false, reason: 'expired', personLocale: link.person.locale };
    const p = link.person;
    return { ok: true, linkId: link.id, purpose: link.purpose, payload: link.payload, person: { id: p.id, email: p.email, name: p.name, locale: p.locale }, expiresAt: link.expiresAt };
  }

  /** Uses a sign-in link: exactly once (a conditional update decides between two racing requests). */
  async redeemSignInLink(token: string, ip: string, userAgent?: string): Promise<IssuedSession | LinkCheck & { ok: false }> {
    const check = await this.inspectLink(token);
    if (!check.ok) return check;
    if (check.purpose !== 'sign-in') return { ok: false, reason: 'invalid' };
    const used = await this.prisma.actionLink.updateMany({ where: { id: check.linkId, usedAt: null, expiresAt: { gt: new Date() } }, data: { usedAt: new Date() } });
    if (used.count !== 1) return { ok: false, reason: 'used' };
    return this.issue(check.person, 'SESSION', 'link', ip, userAgent);
  }

  /**
   * Uses an action link from a notification email (`kwa`, one of `purposes`): exactly once, decided by a conditional
   * update between racing requests, and signs its person in with a new session. A link whose purpose is not one
   * of `purposes`, or whose payload `acceptsPayload` refuses, is treated as unknown and stays unused.
   */
  async redeemActionLink(
    token: string,
    purposes: readonly string[],
    ip: string,
    userAgent?: string,
    acceptsPayload: (payload: unknown) => boolean = () => true,
  ): Promise<RedeemedActionLink | (LinkCheck & { ok: false })> {
    const check = await this.inspectLink(token, 'kwa');
    if (!check.ok) return check;
    if (!purposes.includes(check.purpose) || !acceptsPayload(check.payload)) return { ok: false, reason: 'invalid' };
    const used = await this.prisma.actionLink.updateMany({ where: { id: check.linkId, usedAt: null, expiresAt: { gt: new Date() } }, data: { usedAt: new Date() } });
    if (used.count !== 1) return { ok: false, reason: 'used', personLocale: check.person.locale };
    const session = await this.issue(check.person, 'SESSION', 'link', ip, userAgent);
    return { ok: true, session, purpose: check.purpose, payload: check.payload };
  }

  async createApiToken(actor: Actor, name: string, expiresInDays?: number): Promise<IssuedSession> {
    const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null;
    return this.issue({ id: actor.personId, email: actor.email, name: actor.name, locale: actor.locale }, 'API_TOKEN', 'token', undefined, undefined, name, expiresAt);
  }

  sessionsOf(personId: string) {
    return this.prisma.session.findMany({
      where: { personId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
      orderBy: { createdAt: 'desc' },
      take: 200,
    });
  }

  /** Revokes one of the person's sessions or tokens; false when there is none with that id. */
  async revoke(personId: string, sessionId: string): Promise<boolean> {
    const r = await this.prisma.session.updateMany({ where: { id: sessionId, personId, revokedAt: null }, data: { revokedAt: new Date() } });
    return r.count === 1;
  }

  /** Revokes every session and token of a person (an admin's "sign out everywhere", or a disabled account). */
  async revokeAll(personId: string): Promise<number> {
    const r = await this.prisma.session.updateMany({ where: { personId, revokedAt: null }, data: { revokedAt: new Date() } });
    return r.count;
  }

  async changePassword(actor: Actor, current: string | undefined, next: string): Promise<void> {
    const person = await this.prisma.person.findUniqueOrThrow({ where: { id: actor.personId } });
    if (person.passwordHash) {
      if (!current || !(await argon2.verify(person.passwordHash, current).catch(() => false))) {
        throw ApiError.invalid([{ field: 'currentPassword', rule: 'must be your current password', message: 'harus kata sandi Anda saat ini' }]);
      }
    }
    assertPasswordRules(next, person.email);
    await this.prisma.person.update({ where: { id: person.id }, data: { passwordHash: await argon2.hash(next) } });
    // Other sessions end; the one that changed the password stays.
    await this.prisma.session.updateMany({ where: { personId: person.id, revokedAt: null, NOT: { id: actor.sessionId } }, data: { revokedAt: new Date() } });
  }

  hashPassword(password: string): Promise<string> {
    return argon2.hash(password);
  }

  /**
   * The first administrator. With KAWAL_ADMIN_EMAIL set and no administrator yet, creates one holding ADMIN
   * everywhere; the password is KAWAL_ADMIN_PASSWORD or, when absent, generated and written once to the log.
   */
  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.settings;
    if (!adminEmail) return;
    const existing = await this.prisma.roleAssignment.count({ where: { role: 'ADMIN', unitId: null } });
    if (existing > 0) return;
    const password = adminPassword ?? randomBytes(12).toString('base64url');
    const person = await this.prisma.person.upsert({
      where: { email: adminEmail },
      create: { email: adminEmail, name: 'Administrator', passwordHash: await argon2.hash(password) },
      update: adminPassword ? { passwordHash: await argon2.hash(password) } : {},
    });
    const already = await this.prisma.roleAssignment.findFirst({ where: { personId: person.id, role: 'ADMIN', unitId: null } });
    if (!already) await this.prisma.roleAssignment.create({ data: { personId: person.id, role: 'ADMIN', unitId: null } });
    if (adminPassword) this.logger.log(`administrator ${adminEmail} is ready (password from KAWAL_ADMIN_PASSWORD)`);
    else this.logger.warn(`administrator ${adminEmail} created; sign in with the password ${password} and change it (POST /auth/password)`);
  }
}

/** At least 10 characters, not the email, not one repeated character. */
export function assertPasswordRules(password: string, email: string, field = 'newPassword'): void {
  const rule =
    password.length < 10
      ? { rule: 'must have at least 10 characters', message: 'minimal 10 karakter' }
      : password.length > 200
        ? { rule: 'must have at most 200 characters', message: 'maksimal 200 karakter' }
        : password.toLowerCase() === email.toLowerCase()
          ? { rule: 'must not be the email address', message: 'tidak boleh sama dengan alamat email' }
          : /^(.)\1*$/.test(password)
            ? { rule: 'must not be one repeated character', message: 'tidak boleh satu karakter yang diulang' }
            : null;
  if (rule) throw ApiError.invalid([{ field, ...rule }]);
}
