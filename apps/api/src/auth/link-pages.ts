import type { Request, Response } from 'express';
import { ApiError } from '../common/api-error';
import { SESSION_COOKIE } from './tokens';
import type { Locale } from '../common/locale';

import { escapeHtml as escape } from '@kawal/mail';

function page(locale: Locale, title: string, body: string): string {
  return [
    '<!doctype html>',
    `<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`,
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escape(title)} · Kawal</title>`,
    '<style>body{font-family:Arial,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1f2933;line-height:1.5}',
    'button{background:#0b6e4f;color:#fff;border:0;padding:.7rem 1.4rem;border-radius:4px;font-size:1rem;cursor:pointer}',
    '.muted{color:#6b7280;font-size:.9rem}</style></head><body>',
    `<h1>${escape(title)}</h1>`,
    body,
    '</body></html>',
  ].join('\n');
}

/** GET on a sign-in link: shows who will be signed in and a button that POSTs. Opening it changes nothing. */
export function confirmSignInPage(locale: Locale, person: { name: string; email: string }, expiresAt: Date): string {
  const id = locale === 'id';
  const until = expiresAt.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return page(
    locale,
    id ? 'Masuk ke Kawal' : 'Sign in to Kawal',
    [
      `<p>${id ? 'Anda akan masuk sebagai' : 'You are about to sign in as'} <strong>${escape(person.name)}</strong> (${escape(person.email)}).</p>`,
      '<form method="post"><button type="submit">' + (id ? 'Masuk' : 'Sign in') + '</button></form>',
      `<p class="muted">${id ? `Tautan ini hanya dapat dipakai satu kali dan berlaku sampai ${until}.` : `This link works once and until ${until}.`}</p>`,
    ].join('\n'),
  );
}

export function signedInPage(locale: Locale, person: { name: string }): string {
  const id = locale === 'id';
  return page(
    locale,
    id ? 'Anda sudah masuk' : 'You are signed in',
    `<p>${id ? `Selamat datang, ${escape(person.name)}. Sesi Anda tersimpan di peramban ini.` : `Welcome, ${escape(person.name)}. Your session is kept in this browser.`}</p>` +
      `<p><a href="/docs">${id ? 'Buka Kawal' : 'Open Kawal'}</a></p>`,
  );
}

export function badLinkPage(locale: Locale, reason: 'invalid' | 'expired' | 'used'): string {
  const id = locale === 'id';
  const text = {
    invalid: id
      ? ['Tautan tidak valid', 'Tautan ini tidak dikenal. Mungkin terpotong saat disalin, atau sudah diubah. Minta tautan baru dari halaman masuk.']
      : ['Invalid link', 'This link is not recognised. It may have been cut off when copied, or altered. Ask for a new link from the sign-in page.'],
    expired: id
      ? ['Tautan kedaluwarsa', 'Tautan ini sudah melewati batas waktunya. Minta tautan baru dari halaman masuk.']
      : ['Link expired', 'This link is past its time limit. Ask for a new link from the sign-in page.'],
    used: id
      ? ['Tautan sudah dipakai', 'Tautan ini hanya berlaku satu kali dan sudah dipakai. Jika bukan Anda yang memakainya, segera hubungi koordinator program.']
      : ['Link already used', 'This link works only once and has been used. If it was not you, contact the programme coordinator at once.'],
  }[reason];
  return page(locale, text[0], `<p>${escape(text[1])}</p>`);
}

export const LINK_STATUS = { invalid: 404, expired: 410, used: 410 } as const;

/** The problem for an API client (Accept: application/json) whose link cannot be used. */
export function linkProblem(reason: 'invalid' | 'expired' | 'used'): ApiError {
  return new ApiError(
    LINK_STATUS[reason],
    `LINK_${reason.toUpperCase()}`,
    { id: 'Tautan tidak dapat dipakai', en: 'The link cannot be used' },
    {
      id: { invalid: 'Tautan tidak dikenal.', expired: 'Tautan sudah kedaluwarsa.', used: 'Tautan sudah dipakai.' }[reason],
      en: { invalid: 'The link is not recognised.', expired: 'The link has expired.', used: 'The link has already been used.' }[reason],
    },
  );
}

/** Headers of every page behind an emailed link: never cached, never leaking the link as a referrer, nothing embedded. */
export function setLinkPageHeaders(res: Response): void {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
}

/** The browser session a used link starts: HttpOnly, SameSite=Strict, Secure behind HTTPS. */
export function setSessionCookie(req: Request, res: Response, session: { token: string; expiresAt: Date | null }): void {
  const secure = String(req.headers['x-forwarded-proto'] ?? req.protocol) === 'https';
  res.cookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires: session.expiresAt ?? undefined });
}

/** What an action link opens, as far as the read model knows it (each part may be missing). */
export interface ActionLinkContext {
  programmeName?: string;
  unitName?: string;
  taskTitle?: string;
  /** The task's local due date, already formatted ('17 Maret 2027 (WITA)'). */
  due?: string;
  /** The link's expiry, already formatted in the unit's zone when known. */
  until: string;
}

/**
 * GET on an action link from a notification email: names the person, what will open and a button that POSTs to
 * the same address. Opening it changes nothing (a mail filter that scans links cannot use it).
 */
export function confirmActionLinkPage(locale: Locale, person: { name: string; email: string }, ctx: ActionLinkContext): string {
  const id = locale === 'id';
  const isTask = !!ctx.taskTitle;
  const rows: Array<[string, string | undefined]> = [
    [id ? 'Program' : 'Programme', ctx.programmeName],
    [id ? 'Unit' : 'Unit', ctx.unitName],
    [id ? 'Tugas' : 'Task', ctx.taskTitle],
    [id ? 'Batas waktu' : 'Due date', ctx.due],
  ];
  const details = rows.filter(([, v]) => v).map(([k, v]) => `<li>${escape(k)}: <strong>${escape(v!)}</strong></li>`);
  return page(
    locale,
    isTask ? (id ? 'Buka tugas di Kawal' : 'Open your task in Kawal') : id ? 'Buka kasus di Kawal' : 'Open the case in Kawal',
    [
      `<p>${id ? 'Anda akan masuk sebagai' : 'You are about to sign in as'} <strong>${escape(person.name)}</strong> (${escape(person.email)})${
        details.length ? (id ? ' dan membuka:' : ' and open:') : '.'
      }</p>`,
      details.length ? `<ul>\n${details.join('\n')}\n</ul>` : '',
      '<form method="post"><button type="submit">' + (isTask ? (id ? 'Masuk dan buka tugas' : 'Sign in and open the task') : id ? 'Masuk dan buka kasus' : 'Sign in and open the case') + '</button></form>',
      `<p class="muted">${id ? `Tautan ini hanya dapat dipakai satu kali dan berlaku sampai ${escape(ctx.until)}.` : `This link works once and until ${escape(ctx.until)}.`}</p>`,
    ]
      .filter(Boolean)
      .join('\n'),
  );
}

/** An action link that cannot be used: unknown or altered (404), expired or already used (410). */
export function badActionLinkPage(locale: Locale, reason: 'invalid' | 'expired' | 'used'): string {
  const id = locale === 'id';
  const text = {
    invalid: id
      ? ['Tautan tidak valid', 'Tautan ini tidak dikenal. Mungkin terpotong saat disalin, atau sudah diubah. Masuk ke Kawal dengan kata sandi atau tautan masuk untuk membuka tugas Anda.']
      : ['Invalid link', 'This link is not recognised. It may have been cut off when copied, or altered. Sign in to Kawal with your password or a sign-in link to open your task.'],
    expired: id
      ? ['Tautan kedaluwarsa', 'Tautan dalam email ini sudah melewati batas waktunya. Masuk ke Kawal dengan kata sandi atau tautan masuk untuk membuka tugas Anda.']
      : ['Link expired', 'The link in this email is past its time limit. Sign in to Kawal with your password or a sign-in link to open your task.'],
    used: id
      ? ['Tautan sudah dipakai', 'Tautan ini hanya berlaku satu kali dan sudah dipakai. Jika bukan Anda yang memakainya, segera hubungi koordinator program.']
      : ['Link already used', 'This link works only once and has been used. If it was not you, contact the programme coordinator at once.'],
  }[reason];
  return page(locale, text[0], `<p>${escape(text[1])}</p>`);
}
