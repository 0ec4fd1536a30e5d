import type { Request } from 'express';

export type Locale = 'id' | 'en';

/** Bahasa Indonesia unless the client asks for English first (Accept-Language: en...). */
export function requestLocale(req: Pick<Request, 'headers'>): Locale {
  const header = String(req.headers['accept-language'] ?? '').trim().toLowerCase();
  return header.startsWith('en') ? 'en' : 'id';
}
