import { createHash, randomUUID } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import type { NotificationRequest } from '@kawal/contracts';
import { localDateAt } from '@kawal/domain';
import { Mailer } from '@kawal/mail';
import { notificationActivities } from '../../activities/notification.activities';
import { ADMIN_EMAIL, ApiStack, createPerson, createUnitTree, eventually, startApiStack } from '../support/api-stack';

/**
 * Safe action links end to end: a workflow emails a task link through the outbox activity of the real worker, the
 * email carries a signed, single-use, expiring `/links/<token>` link instead of the plain task address, and the
 * page behind it (real API over HTTP, real PostgreSQL) changes nothing on GET and signs in once on POST.
 */
describe('safe action links in notification emails (dev server, worker, PostgreSQL, SMTP, HTTP)', () => {
  let stack: ApiStack;
  const BASE = 'http://kawal.test';
  const STAF = 'staf.loktabat@banjarbarukota.go.id'; // UNIT_STAFF on 63.72.01.1001, Indonesian
  const STAF_EN = 'staff.loktabat@banjarbarukota.go.id'; // UNIT_STAFF on 63.72.01.1001, prefers English
  const KOORDINATOR = 'organisasi@banjarbarukota.go.id'; // COORDINATOR on 63.72
  const TASK_TITLE = 'Unggah dokumen standar pelayanan';
  const PROGRAMME = 'Tindak Lanjut Standar Pelayanan Loktabat Utara';
  const TOKEN_IN_URL = /http:\/\/kawal\.test\/links\/(kwa_[A-Za-z0-9_-]{43})/;
  let caseId: string;

  const addressOf = (mail: ParsedMail) => (mail.to && 'value' in mail.to ? mail.to.value[0].address : undefined);
  /** The one email to `email` whose subject contains `subject`, once it arrived (the receiver also sees others). */
  const mailTo = (email: string, subject: string) =>
    eventually(async () => {
      const found = stack.smtp.messages.filter((m) => addressOf(m) === email && m.subject?.includes(subject));
      return found.length > 0 ? found : null;
    }, 30_000);
  /** Reassigns the task to a person (the admin), which emails them a task-assigned message. */
  const reassign = async (email: string, reason: string) => {
    const res = await stack.call('POST', `/cases/${caseId}/tasks/standar-pelayanan/reassign`, { email, reason });
    expect(res.status).toBe(200);
  };
  /** The token of the link in the latest email to `email` about the task, checked in the text and the HTML part. */
  const linkIn = async (email: string, subject: string, count = 1): Promise<{ token: string; mail: ParsedMail }> => {
    const mails = await eventually(async () => {
      const found = await mailTo(email, subject);
      return found.length >= count ? found : null;
    }, 30_000);
    const mail = mails[count - 1];
    const inText = TOKEN_IN_URL.exec(mail.text ?? '');
    const inHtml = TOKEN_IN_URL.exec(typeof mail.html === 'string' ? mail.html : '');
    expect(inText).not.toBeNull();
    expect(inHtml?.[1]).toBe(inText![1]);
    return { token: inText![1], mail };
  };
  const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
  const page = (token: string, init: RequestInit = {}) => fetch(`${stack.base}/links/${token}`, { redirect: 'manual', ...init });
  const post = (token: string, headers: Record<string, string> = {}) =>
    page(token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: '' });
  const sessionsOf = async (email: string) => stack.prisma.session.count({ where: { person: { email } } });
  const expectPageHeaders = (res: Response) => {
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toContain("form-action 'self'");
  };

  beforeAll(async () => {
    stack = await startApiStack();
    await createUnitTree(stack);
    await createPerson(stack, KOORDINATOR, [{ role: 'COORDINATOR', unitCode: '63.72' }], 'Bagian Organisasi');
    await createPerson(stack, STAF, [{ role: 'UNIT_STAFF', unitCode: '63.72.01.1001' }], 'Staf Loktabat');
    const en = await stack.call('POST', '/people', { email: STAF_EN, name: 'Staff Loktabat', locale: 'en', password: 'rahasia-kawal-2027', roles: [{ role: 'UNIT_STAFF', unitCode: '63.72.01.1001' }] });
    expect(en.status).toBe(201);

    const launch = await stack.call('POST', '/programmes', {
      name: PROGRAMME,
      templateKey: 'tindak-lanjut-standar-pelayanan',
      startDate: localDateAt(Date.now(), 'Asia/Makassar'),
      unitCodes: ['63.72.01.1001'],
      coordinatorEmail: KOORDINATOR,
    });
    expect(launch.status).toBe(201);
    const cases = await eventually(async () => {
      const res = await stack.call('GET', `/programmes/${launch.body.id}/cases`);
      return res.body.items?.length === 1 && res.body.items[0].tasks.length > 0 ? res.body.items : null;
    }, 30_000);
    caseId = cases[0].id;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('emails the assignee a signed link instead of the plain task address, and the outbox keeps no usable token', async () => {
    await reassign(STAF, 'Staf menyiapkan dokumen');
    const { token, mail } = await linkIn(STAF, `Penugasan: "${TASK_TITLE}"`);
    expect(addressOf(mail)).toBe(STAF);
    expect(mail.subject).toBe(`[Kawal] Penugasan: "${TASK_TITLE}"`);
    expect(mail.text).toContain('Yth. Staf Loktabat,');
    expect(mail.text).toContain(`telah ditugaskan kepada Bapak/Ibu oleh ${ADMIN_EMAIL}`);
    expect(mail.text).toContain('Keterangan: Staf menyiapkan dokumen');
    expect(mail.text).toContain(`Buka tugas: ${BASE}/links/${token}`);
    expect(mail.html).toContain(`href="${BASE}/links/${token}"`);
    expect(`${mail.text}${mail.html}`).not.toContain(`/cases/${caseId}`);

    // The outbox row: sent, rendered with the token masked; the token is nowhere in the table.
    const row = await stack.prisma.notification.findFirstOrThrow({ where: { recipient: STAF, kind: 'task-assigned' } });
    expect(row.status).toBe('SENT');
    expect(row.messageId).toBe(mail.messageId);
    expect(row.text).toContain(`Buka tugas: ${BASE}/links/[token]`);
    expect(row.html).toContain(`href="${BASE}/links/[token]"`);
    const leaks = await stack.prisma.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM notifications WHERE position(${token} in text) > 0 OR position(${token} in html) > 0`;
    expect(leaks[0].n).toBe(0);
    const secret = token.slice(4);
    const anywhere = await stack.prisma.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM notifications WHERE position(${secret} in text) > 0 OR position(${secret} in html) > 0 OR position(${secret} in subject) > 0`;
    expect(anywhere[0].n).toBe(0);

    // The link: only its hash, for this person, the case and the task, expiring after MAIL_LINK_TTL_HOURS (72).
    const link = await stack.prisma.actionLink.findUniqueOrThrow({ where: { tokenHash: hashOf(token) }, include: { person: true } });
    expect(link).toMatchObject({ purpose: 'open-task', payload: { caseId, taskKey: 'standar-pelayanan' }, usedAt: null });
    expect(link.person.email).toBe(STAF);
    const ttl = link.expiresAt.getTime() - link.createdAt.getTime();
    expect(Math.abs(ttl - 72 * 3_600_000)).toBeLessThan(60_000);
  });

  it('shows a page on GET (twice, as a link-scanning mail filter would) and changes nothing', async () => {
    const { token } = await linkIn(STAF, `Penugasan: "${TASK_TITLE}"`);
    const sessionsBefore = await sessionsOf(STAF);
    for (const headers of [{}, { 'accept-language': 'en' }] as Array<Record<string, string>>) {
      const res = await page(token, { headers });
      expect(res.status).toBe(200);
      expectPageHeaders(res);
      expect(res.headers.get('set-cookie')).toBeNull();
      const html = await res.text();
      // The person's own language (Indonesian) wins over the browser's.
      expect(html).toContain('<html lang="id">');
      expect(html).toContain('Buka tugas di Kawal');
      expect(html).toContain('<strong>Staf Loktabat</strong>');
      expect(html).toContain(STAF);
      expect(html).toContain(PROGRAMME);
      expect(html).toContain('Loktabat Utara');
      expect(html).toContain(TASK_TITLE);
      expect(html).toMatch(/Batas waktu: <strong>\d{1,2} [A-Z][a-z]+ \d{4} \(WITA\)<\/strong>/);
      expect(html).toContain('<form method="post"><button type="submit">Masuk dan buka tugas</button></form>');
      expect(html).toMatch(/berlaku sampai \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}\.\d{2} \(WITA\)/);
    }
    expect(await sessionsOf(STAF)).toBe(sessionsBefore);
    expect((await stack.prisma.actionLink.findUniqueOrThrow({ where: { tokenHash: hashOf(token) } })).usedAt).toBeNull();
  });

  it('signs in once on POST and sees the case through 303, then refuses the link a second time (410 page)', async () => {
    const { token } = await linkIn(STAF, `Penugasan: "${TASK_TITLE}"`);
    const sessionsBefore = await sessionsOf(STAF);
    const used = await post(token);
    expect(used.status).toBe(303);
    expect(used.headers.get('location')).toBe(`/cases/${caseId}`);
    const cookie = used.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^kawal_session=kws_[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(used.headers.get('cache-control')).toBe('no-store');
    expect(used.headers.get('referrer-policy')).toBe('no-referrer');

    // Following the redirect with the cookie shows the case to the person.
    const detail = await fetch(`${stack.base}${used.headers.get('location')}`, { headers: { cookie: cookie.split(';')[0] } });
    expect(detail.status).toBe(200);
    const body = (await detail.json()) as { id: string; unitCode: string; tasks: Array<{ key: string }> };
    expect(body).toMatchObject({ id: caseId, unitCode: '63.72.01.1001' });
    expect(body.tasks.map((t) => t.key)).toContain('standar-pelayanan');
    const me = await fetch(`${stack.base}/auth/me`, { headers: { cookie: cookie.split(';')[0] } });
    expect(((await me.json()) as { email: string }).email).toBe(STAF);

    expect(await sessionsOf(STAF)).toBe(sessionsBefore + 1);
    const session = await stack.prisma.session.findFirstOrThrow({ where: { person: { email: STAF } }, orderBy: { createdAt: 'desc' } });
    expect(session).toMatchObject({ kind: 'SESSION', method: 'link' });
    expect((await stack.prisma.actionLink.findUniqueOrThrow({ where: { tokenHash: hashOf(token) } })).usedAt).not.toBeNull();

    // A second use: refused with a clear page, in the person's language; nothing more is created.
    const again = await post(token, { 'accept-language': 'en' });
    expect(again.status).toBe(410);
    expectPageHeaders(again);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await again.text()).toContain('Tautan sudah dipakai');
    const againJson = await stack.call('POST', `/links/${token}`, undefined, { ...stack.anonymous, accept: 'application/json' });
    expect([againJson.status, againJson.body.code]).toEqual([410, 'LINK_USED']);
    const shown = await page(token);
    expect(shown.status).toBe(410);
    expect(await shown.text()).toContain('Tautan sudah dipakai');
    expect(await sessionsOf(STAF)).toBe(sessionsBefore + 1);
  });

  it('answers an API client with a bearer token, the case and the task (JSON), in English for who prefers it', async () => {
    await reassign(STAF_EN, 'Please take over');
    const { token, mail } = await linkIn(STAF_EN, `Assigned to you: "`);
    expect(mail.subject).toBe('[Kawal] Assigned to you: "Unggah dokumen standar pelayanan"');
    expect(mail.text).toContain('Dear Staff Loktabat,');
    expect(mail.text).toContain(`Open the task: ${BASE}/links/${token}`);

    const shown = await page(token, { headers: { 'accept-language': 'id' } });
    const html = await shown.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('You are about to sign in as <strong>Staff Loktabat</strong>');
    expect(html).toContain('Sign in and open the task');

    const json = await stack.call('POST', `/links/${token}`, undefined, { ...stack.anonymous, accept: 'application/json' });
    expect(json.status).toBe(201);
    expect(json.body).toEqual({ token: expect.stringMatching(/^kws_[A-Za-z0-9_-]{43}$/), caseId, taskKey: 'standar-pelayanan' });
    expect(json.headers.get('set-cookie')).toBeNull();
    const detail = await stack.call('GET', `/cases/${caseId}`, undefined, { authorization: `Bearer ${json.body.token}` });
    expect([detail.status, detail.body.id]).toEqual([200, caseId]);
    const twice = await post(token);
    expect(twice.status).toBe(410);
    expect(await twice.text()).toContain('Link already used');
  });

  it('refuses an expired link (410) and a tampered or foreign one (404) with a clear page, and changes nothing', async () => {
    await reassign(STAF, 'Kembali ke staf');
    const { token } = await linkIn(STAF, `Penugasan: "${TASK_TITLE}"`, 2);
    const sessionsBefore = await sessionsOf(STAF);

    // Tampered: one character changed, cut short, or a sign-in link's prefix on this page.
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [tampered, token.slice(0, -3), `kwl_${token.slice(4)}`, 'bukan-token']) {
      const shown = await page(bad);
      expect(shown.status).toBe(404);
      expectPageHeaders(shown);
      expect(await shown.text()).toContain('Tautan tidak valid');
      const used = await post(bad);
      expect(used.status).toBe(404);
      expect(used.headers.get('set-cookie')).toBeNull();
    }
    const english = await page(tampered, { headers: { 'accept-language': 'en-US' } });
    expect(await english.text()).toContain('Invalid link');
    const tamperedJson = await stack.call('POST', `/links/${tampered}`, undefined, { ...stack.anonymous, accept: 'application/json' });
    expect([tamperedJson.status, tamperedJson.body.code]).toEqual([404, 'LINK_INVALID']);
    // A task link is not a sign-in link either.
    expect((await fetch(`${stack.base}/auth/links/${token}`)).status).toBe(404);
    expect((await fetch(`${stack.base}/auth/links/${token}`, { method: 'POST' })).status).toBe(404);

    // Expired: the same link, past its time.
    await stack.prisma.actionLink.update({ where: { tokenHash: hashOf(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await page(token);
    expect(expired.status).toBe(410);
    expectPageHeaders(expired);
    expect(await expired.text()).toContain('Tautan kedaluwarsa');
    const usedLate = await post(token);
    expect(usedLate.status).toBe(410);
    expect(usedLate.headers.get('set-cookie')).toBeNull();
    expect(await usedLate.text()).toContain('Tautan kedaluwarsa');
    const expiredJson = await stack.call('POST', `/links/${token}`, undefined, { ...stack.anonymous, accept: 'application/json' });
    expect([expiredJson.status, expiredJson.body.code]).toEqual([410, 'LINK_EXPIRED']);

    expect(await sessionsOf(STAF)).toBe(sessionsBefore);
    expect((await stack.prisma.actionLink.findUniqueOrThrow({ where: { tokenHash: hashOf(token) } })).usedAt).toBeNull();
  });

  describe('the outbox activity on its own (same database and SMTP receiver)', () => {
    let mailer: Mailer;
    beforeAll(() => {
      mailer = new Mailer({ host: stack.smtp.host, port: stack.smtp.port, secure: false, from: 'Kawal <kawal@kawal.test>' });
    });
    afterAll(() => mailer?.close());

    const request = (email: string, link: string): NotificationRequest => ({
      idempotencyKey: `action-links/${randomUUID()}`,
      to: { email, name: 'Penerima', locale: 'id' },
      message: { kind: 'task-approved', programmeName: PROGRAMME, unitName: 'Loktabat Utara', taskTitle: TASK_TITLE, link },
    });
    const send = (req: NotificationRequest) =>
      notificationActivities(stack.prisma, mailer, 'kawal.test', 60 * 60_000, { publicBaseUrl: BASE, ttlHours: 72 }).sendNotification(req);
    const received = async (key: string) => {
      const row = await stack.prisma.notification.findUniqueOrThrow({ where: { idempotencyKey: key } });
      return eventually(async () => stack.smtp.messages.find((m) => m.messageId === row.messageId) ?? null);
    };

    it('keeps the plain link for a recipient who is not registered, and for a link that is not to a case of this Kawal', async () => {
      const links = await stack.prisma.actionLink.count();
      const stranger = request('tamu@contoh.id', `${BASE}/cases/${caseId}/tasks/standar-pelayanan`);
      expect(await send(stranger)).toMatchObject({ status: 'sent' });
      const toStranger = await received(stranger.idempotencyKey);
      expect(toStranger.text).toContain(`Lihat tugas: ${BASE}/cases/${caseId}/tasks/standar-pelayanan`);
      expect(toStranger.text).not.toContain('/links/');

      for (const link of ['https://kawal.example.org/cases/' + caseId, `${BASE}/programmes/${randomUUID()}`]) {
        const elsewhere = request(STAF, link);
        await send(elsewhere);
        const mail = await received(elsewhere.idempotencyKey);
        expect(mail.text).toContain(`Lihat tugas: ${link}`);
        expect((await stack.prisma.notification.findUniqueOrThrow({ where: { idempotencyKey: elsewhere.idempotencyKey } })).text).toContain(link);
      }
      expect(await stack.prisma.actionLink.count()).toBe(links);
    });

    it('makes a fresh link for each attempt through an SMTP outage, keeps only the one that went out, and never sends twice', async () => {
      const req = request(STAF, `${BASE}/cases/${caseId}`);
      const before = await stack.prisma.actionLink.count({ where: { person: { email: STAF } } });
      stack.smtp.setDown(true);
      try {
        await expect(send(req)).rejects.toThrow();
        await expect(send(req)).rejects.toThrow();
      } finally {
        stack.smtp.setDown(false);
      }
      expect(await stack.prisma.actionLink.count({ where: { person: { email: STAF } } })).toBe(before);
      expect(await send(req)).toMatchObject({ status: 'sent' });
      expect(await send(req)).toMatchObject({ status: 'already-sent' });
      const mail = await received(req.idempotencyKey);
      const token = TOKEN_IN_URL.exec(mail.text ?? '')![1];
      expect(stack.smtp.messages.filter((m) => m.messageId === mail.messageId)).toHaveLength(1);
      const row = await stack.prisma.notification.findUniqueOrThrow({ where: { idempotencyKey: req.idempotencyKey } });
      expect(row).toMatchObject({ status: 'SENT', attempts: 3 });
      expect(row.text).not.toContain(token);
      expect(row.text).toContain(`${BASE}/links/[token]`);
      const links = await stack.prisma.actionLink.findMany({ where: { person: { email: STAF }, createdAt: { gte: row.createdAt } } });
      expect(links).toHaveLength(1);
      expect(links[0]).toMatchObject({ tokenHash: hashOf(token), payload: { caseId }, usedAt: null });
      // A case link opens the case page.
      const shown = await (await page(token)).text();
      expect(shown).toContain('Buka kasus di Kawal');
      expect(shown).not.toContain('Tugas:');
    });
  });
});
