/** The token helpers live in @kawal/links (the worker needs them for emailed links); re-exported for the API. */
export { looksLikeToken, newToken, tokenHash } from '@kawal/links';
export type { TokenPrefix } from '@kawal/links';

export const SESSION_COOKIE = 'kawal_session';
