import { ADMIN_EMAIL, ApiStack, TEST_PASSWORD, createPerson, createUnitTree, startApiStack } from '../support/api-stack';

/** Sign-in end to end over HTTP, with the real database and a real SMTP server receiving the sign-in links. */
describe('authentication (PostgreSQL, SMTP, HTTP)', () => {
  let stack: ApiStack;
  const LURAH = 'lurah.loktabat@banjarbarukota.go.id';
  const KOORDINATOR = 'organisasi@banjarbarukota.go.id';
  const MAX_FAILURES = 3;

  const signIn = (email: string, password: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.base}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ email, password }) });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  /** Requests a sign-in link and returns the URL found in the email the SMTP server received. */
  const linkFor = async (email: string): Promise<string> => {
    const before = stack.smtp.messages.length;
    const res = await stack.call('POST', '/auth/links', { email }, stack.anonymous);
    expect(res.status).toBe(202);
    const mails = await stack.smtp.waitFor(before + 1);
    const mail = mails[mails.length - 1];
    expect(mail.to && 'value' in mail.to ? mail.to.value[0].address : '').toBe(email);
    const url = /https?:\/\/\S+\/auth\/links\/(kwl_[A-Za-z0-9_-]{43})/.exec(mail.text ?? '');
    expect(url).not.toBeNull();
    return `/auth/links/${url![1]}`;
  };

  beforeAll(async () => {
    stack = await startApiStack({ worker: false, env: { AUTH_MAX_FAILURES: String(MAX_FAILURES) } });
    await createUnitTree(stack);
    await createPerson(stack, LURAH, [{ role: 'UNIT_HEAD', unitCode: '63.72.01.1001' }], 'Lurah Loktabat Utara');
    await createPerson(stack, KOORDINATOR, [{ role: 'COORDINATOR', unitCode: '63.72' }], 'Bagian Organisasi');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses every protected endpoint without a token, with a bad token, and names the scheme', async () => {
    const none = await stack.call('GET', '/auth/me', undefined, stack.anonymous);
    expect([none.status, none.body.code]).toEqual([401, 'AUTHENTICATION_REQUIRED']);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="kawal"');
    const bad = await stack.call('GET', '/auth/me', undefined, bearer('kws_' + 'x'.repeat(43)));
    expect([bad.status, bad.body.code]).toEqual([401, 'INVALID_TOKEN']);
    const junk = await stack.call('GET', '/programmes', undefined, { authorization: 'Basic YWRtaW46YWRtaW4=' });
    expect(junk.status).toBe(401);
    // Public: health and docs.
    expect((await fetch(`${stack.base}/openapi.json`)).status).toBe(200);
  });

  it('signs in with email and password (argon2id), and refuses a wrong password without telling which part was wrong', async () => {
    const ok = await signIn(LURAH.toUpperCase(), TEST_PASSWORD);
    expect(ok.status).toBe(201);
    const session = (await ok.json()) as { token: string; kind: string; expiresAt: string; email: string };
    expect(session).toMatchObject({ kind: 'SESSION', email: LURAH });
    expect(new Date(session.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const me = await stack.call('GET', '/auth/me', undefined, bearer(session.token));
    expect(me.body).toMatchObject({ email: LURAH, roles: [{ role: 'UNIT_HEAD', unitCode: '63.72.01.1001' }], via: 'SESSION' });

    const stored = await stack.prisma.person.findUniqueOrThrow({ where: { email: LURAH } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    const sessionRow = await stack.prisma.session.findFirstOrThrow({ where: { personId: stored.id } });
    expect(sessionRow.tokenHash).not.toContain(session.token.slice(4, 20)); // only the hash is stored

    const wrong = await signIn(LURAH, 'bukan-kata-sandinya');
    const unknown = await signIn('tidak.ada@banjarbarukota.go.id', TEST_PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe('INVALID_CREDENTIALS');
    expect(((await unknown.json()) as { code: string }).code).toBe('INVALID_CREDENTIALS');
    const invalid = await stack.call('POST', '/auth/sign-in', { email: 'bukan email', password: '' }, stack.anonymous);
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'password']);
  });

  it('rate-limits failed sign-ins per email: the right password is refused too until the window passes', async () => {
    const email = KOORDINATOR;
    for (let i = 0; i < MAX_FAILURES; i++) expect((await signIn(email, `salah-${i}-sekali`)).status).toBe(401);
    const limited = await signIn(email, TEST_PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const problem = (await limited.json()) as { code: string; detail: string };
    expect(problem.code).toBe('TOO_MANY_SIGN_IN_ATTEMPTS');
    expect(problem.detail).toMatch(/menit/);
    // The window passes (the failures age out): the right password works again and clears the count.
    await stack.prisma.signInFailure.deleteMany({ where: { email } });
    expect((await signIn(email, TEST_PASSWORD)).status).toBe(201);
  });

  it('emails a one-time sign-in link: GET only shows a page, POST signs in once, a second POST is refused', async () => {
    const url = await linkFor(LURAH);
    const person = await stack.prisma.person.findUniqueOrThrow({ where: { email: LURAH } });
    const sessionsBefore = await stack.prisma.session.count({ where: { personId: person.id } });

    // A link-scanning mail filter opens it twice: nothing changes.
    for (let i = 0; i < 2; i++) {
      const page = await fetch(`${stack.base}${url}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('set-cookie')).toBeNull();
      const html = await page.text();
      expect(html).toContain('<form method="post">');
      expect(html).toContain('Lurah Loktabat Utara');
    }
    expect(await stack.prisma.session.count({ where: { personId: person.id } })).toBe(sessionsBefore);
    expect((await stack.prisma.actionLink.findFirstOrThrow({ where: { personId: person.id }, orderBy: { createdAt: 'desc' } })).usedAt).toBeNull();

    // The person presses the button: signed in (cookie), once.
    const used = await fetch(`${stack.base}${url}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(used.status).toBe(200);
    const cookie = used.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^kawal_session=kws_[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const sessionCookie = cookie.split(';')[0];
    const me = await fetch(`${stack.base}/auth/me`, { headers: { cookie: sessionCookie } });
    expect(((await me.json()) as { email: string }).email).toBe(LURAH);

    const again = await fetch(`${stack.base}${url}`, { method: 'POST' });
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('Tautan sudah dipakai');
    const againJson = await stack.call('POST', url, undefined, { ...stack.anonymous, accept: 'application/json' });
    expect([againJson.status, againJson.body.code]).toEqual([410, 'LINK_USED']);
    expect(await stack.prisma.session.count({ where: { personId: person.id } })).toBe(sessionsBefore + 1);
  });

  it('gives an API client a bearer token from a link (JSON), and refuses expired and tampered links with a clear page', async () => {
    const url = await linkFor(LURAH);
    const json = await stack.call('POST', url, undefined, { ...stack.anonymous, accept: 'application/json' });
    expect(json.status).toBe(201);
    expect(json.body.token).toMatch(/^kws_/);

    const expiring = await linkFor(LURAH);
    await stack.prisma.actionLink.updateMany({ where: { usedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await fetch(`${stack.base}${expiring}`, { headers: { 'accept-language': 'en' } });
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('Link expired');
    expect((await fetch(`${stack.base}${expiring}`, { method: 'POST' })).status).toBe(410);

    const fresh = await linkFor(LURAH);
    const token = fresh.split('/').pop()!;
    const tampered = `/auth/links/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const page = await fetch(`${stack.base}${tampered}`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('Tautan tidak valid');
    expect((await fetch(`${stack.base}${tampered}`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${stack.base}/auth/links/bukan-token`)).status).toBe(404);
  });

  it('answers a link request for an unknown address the same way, and sends nothing', async () => {
    const before = stack.smtp.messages.length;
    const res = await stack.call('POST', '/auth/links', { email: 'orang.asing@contoh.id' }, stack.anonymous);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.smtp.messages.length).toBe(before);
    const bad = await stack.call('POST', '/auth/links', { email: 'x' }, stack.anonymous);
    expect([bad.status, bad.body.errors[0].field]).toEqual([400, 'email']);
  });

  it('creates named API tokens, lists sessions, and revokes them: a revoked token stops working at once', async () => {
    const session = await stack.tokenFor(KOORDINATOR);
    const created = await stack.call('POST', '/auth/tokens', { name: 'Dasbor Bagian Organisasi', expiresInDays: 30 }, bearer(session));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'API_TOKEN' });
    const apiToken: string = created.body.token;
    expect(apiToken).toMatch(/^kwt_/);
    expect((await stack.call('GET', '/auth/me', undefined, bearer(apiToken))).body.via).toBe('API_TOKEN');

    const list = await stack.call('GET', '/auth/sessions', undefined, bearer(session));
    expect(list.body.map((s: { kind: string; name: string | null }) => [s.kind, s.name])).toEqual(expect.arrayContaining([['API_TOKEN', 'Dasbor Bagian Organisasi'], ['SESSION', null]]));
    expect(list.body.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(apiToken);

    const revoked = await stack.call('DELETE', `/auth/sessions/${created.body.sessionId}`, undefined, bearer(session));
    expect(revoked.status).toBe(204);
    expect((await stack.call('GET', '/auth/me', undefined, bearer(apiToken))).status).toBe(401);
    expect((await stack.call('DELETE', `/auth/sessions/${created.body.sessionId}`, undefined, bearer(session))).status).toBe(404);
    // Someone else's session id is not found for me.
    const adminSessions = await stack.call('GET', '/auth/sessions', undefined, stack.as(ADMIN_EMAIL));
    expect((await stack.call('DELETE', `/auth/sessions/${adminSessions.body[0].id}`, undefined, bearer(session))).status).toBe(404);

    const bad = await stack.call('POST', '/auth/tokens', { name: '', expiresInDays: 1000 }, bearer(session));
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['expiresInDays', 'name']);
  });

  it('signs out, and a password change ends the other sessions', async () => {
    const first = (await (await signIn(LURAH, TEST_PASSWORD)).json()) as { token: string };
    const second = (await (await signIn(LURAH, TEST_PASSWORD)).json()) as { token: string };
    const weak = await stack.call('POST', '/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'pendek' }, bearer(first.token));
    expect([weak.status, weak.body.errors[0].field]).toEqual([400, 'newPassword']);
    const wrongCurrent = await stack.call('POST', '/auth/password', { currentPassword: 'salah-salah-salah', newPassword: 'kata-sandi-baru-2027' }, bearer(first.token));
    expect([wrongCurrent.status, wrongCurrent.body.errors[0].field]).toEqual([400, 'currentPassword']);

    const changed = await stack.call('POST', '/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'kata-sandi-baru-2027' }, bearer(first.token));
    expect(changed.status).toBe(204);
    expect((await stack.call('GET', '/auth/me', undefined, bearer(first.token))).status).toBe(200);
    expect((await stack.call('GET', '/auth/me', undefined, bearer(second.token))).status).toBe(401);
    expect((await signIn(LURAH, TEST_PASSWORD)).status).toBe(401);
    expect((await signIn(LURAH, 'kata-sandi-baru-2027')).status).toBe(201);

    expect((await stack.call('POST', '/auth/sign-out', undefined, bearer(first.token))).status).toBe(204);
    expect((await stack.call('GET', '/auth/me', undefined, bearer(first.token))).status).toBe(401);
  });

  it('ends a session after its idle time, and slides the expiry while it is used', async () => {
    const session = (await (await signIn(KOORDINATOR, TEST_PASSWORD)).json()) as { token: string; sessionId: string; expiresAt: string };
    const idle = stack.config.auth.sessionIdleMinutes * 60_000;
    expect(new Date(session.expiresAt).getTime() - Date.now()).toBeGreaterThan(idle - 60_000);
    // Last used two minutes ago: the next request moves the expiry forward again.
    await stack.prisma.session.update({ where: { id: session.sessionId }, data: { lastUsedAt: new Date(Date.now() - 120_000), expiresAt: new Date(Date.now() + 60_000) } });
    expect((await stack.call('GET', '/auth/me', undefined, bearer(session.token))).status).toBe(200);
    const slid = await stack.prisma.session.findUniqueOrThrow({ where: { id: session.sessionId } });
    expect(slid.expiresAt!.getTime() - Date.now()).toBeGreaterThan(idle - 60_000);
    // Unused past its expiry: refused.
    await stack.prisma.session.update({ where: { id: session.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await stack.call('GET', '/auth/me', undefined, bearer(session.token));
    expect([expired.status, expired.body.code]).toEqual([401, 'INVALID_TOKEN']);
  });

  it('created the first administrator from the environment, with a global ADMIN role', async () => {
    const me = await stack.call('GET', '/auth/me');
    expect(me.body).toMatchObject({ email: ADMIN_EMAIL, roles: [{ role: 'ADMIN', unitCode: null }] });
  });
});
