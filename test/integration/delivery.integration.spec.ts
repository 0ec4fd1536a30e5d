import { randomUUID } from 'node:crypto';
import type { MessageData, NotificationRequest } from '@kawal/contracts';
import { PrismaClient, createPrismaClient } from '@kawal/database';
import { Mailer, parseWorkingHours } from '@kawal/mail';
import { createOutboxDispatcher } from '../../activities/outbox/dispatcher';
import { notificationActivities } from '../../activities/notification.activities';
import { seedProgramme } from '../support/seed';
import { TestDatabase, createTestDatabase } from '../support/postgres';
import { SmtpReceiver, startSmtpReceiver } from '../support/smtp';

/**
 * When email goes out, against real PostgreSQL and a real SMTP server over TCP, with the clock in the test's hands:
 * nothing outside the recipient's working hours (except escalations when the programme allows it), and one daily
 * digest instead of a reminder per task for a person with more than the threshold of items due.
 * Dates: Tuesday 22 and Wednesday 23 December 2026 (WITA, UTC+8); 24 and 25 December are holidays (SKB 2026).
 */
describe('working hours and the daily digest (PostgreSQL, SMTP over TCP)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let smtp: SmtpReceiver;
  let mailer: Mailer;
  let clock = 0;
  const BASE = 'https://kawal.test';
  const settings = {
    workingHours: parseWorkingHours('07:00-17:00'),
    digestThreshold: 3,
    digestHorizonDays: 5,
    digestTime: '07:30',
    digestCollectMs: 2 * 60_000,
    now: () => clock,
  };
  let send: ReturnType<typeof notificationActivities>['sendNotification'];
  let dispatcher: ReturnType<typeof createOutboxDispatcher>;
  let caseId: string;
  const LURAH = 'lurah1@banjarbarukota.go.id';
  const LURAH2 = 'lurah2@banjarbarukota.go.id';

  const base = { programmeName: 'Tindak Lanjut Standar Pelayanan 2027', unitName: 'Kelurahan 1', link: `${BASE}/cases/00000000-0000-4000-8000-000000000001` };
  const request = (key: string, email: string, message: MessageData, escalationsAnyTime = false): NotificationRequest => ({
    idempotencyKey: `${key}/${randomUUID()}`,
    to: { email, name: email === LURAH ? 'Lurah 1' : 'Lurah 2', locale: 'id' },
    message,
    delivery: { timeZone: 'Asia/Makassar', escalationsAnyTime },
  });
  const reminder = (taskTitle: string, dueDate: string): MessageData => ({ kind: 'reminder', ...base, taskTitle, dueDate, timeZone: 'WITA', workingDaysBefore: 1 });

  beforeAll(async () => {
    [db, smtp] = await Promise.all([createTestDatabase(), startSmtpReceiver()]);
    prisma = createPrismaClient(db.url, 3);
    mailer = new Mailer({ host: smtp.host, port: smtp.port, secure: false, from: 'Kawal <kawal@kawal.test>' });
    send = notificationActivities(prisma, mailer, 'kawal.test', 24 * 60 * 60_000, { publicBaseUrl: BASE, ttlHours: 72 }, settings).sendNotification;
    dispatcher = createOutboxDispatcher(prisma, mailer, (r) => send(r), { publicBaseUrl: BASE, mailDomain: 'kawal.test', digestHorizonDays: 5 });
    // Kelurahan 1 (lurah1) has five open tasks due within the week; Kelurahan 2 (lurah2) has two.
    const programmeId = randomUUID();
    const { units } = await seedProgramme(prisma, { programmeId, startDate: '2026-12-01', kelurahan: 2 });
    const cases = await prisma.case.findMany({ where: { programmeId } });
    caseId = cases.find((c) => c.unitId === units[0].id)!.id;
    const other = cases.find((c) => c.unitId === units[1].id)!.id;
    const task = (cId: string, i: number, due: string, overdue = false) => ({ caseId: cId, key: `t${i}`, title: `Tugas ${i}`, assigneeRole: 'UNIT_HEAD' as const, state: 'OPEN' as const, dueDate: new Date(`${due}T00:00:00Z`), overdue });
    await prisma.task.createMany({
      data: [task(caseId, 1, '2026-12-18', true), task(caseId, 2, '2026-12-23'), task(caseId, 3, '2026-12-24'), task(caseId, 4, '2026-12-28'), task(caseId, 5, '2026-12-28'), task(other, 1, '2026-12-23'), task(other, 2, '2026-12-28')],
    });
    await prisma.case.updateMany({ where: { programmeId }, data: { launchedAt: new Date() } });
  });

  afterAll(async () => {
    mailer?.close();
    await prisma?.$disconnect();
    await smtp?.close();
    await db?.drop();
  });

  beforeEach(() => smtp.clear());

  it('holds what is written at night until 07:00 in the recipient’s zone, sends it once, with a working action link', async () => {
    clock = Date.parse('2026-12-22T14:00:00Z'); // Tuesday 22:00 WITA
    const approved = request('approved', LURAH, { kind: 'task-approved', ...base, taskTitle: 'Tugas 9' });
    expect(await send(approved)).toEqual({ status: 'deferred', messageId: null });
    // A retried activity finds it planned and does not send either.
    expect(await send(approved)).toEqual({ status: 'deferred', messageId: null });
    const row = await prisma.notification.findUniqueOrThrow({ where: { idempotencyKey: approved.idempotencyKey } });
    expect(row).toMatchObject({ status: 'DEFERRED', timeZone: 'Asia/Makassar' });
    expect(row.notBefore?.toISOString()).toBe('2026-12-22T23:00:00.000Z'); // Wednesday 07:00 WITA

    expect(await dispatcher.tick(new Date('2026-12-22T22:59:00Z'))).toEqual({ deferred: 0, digests: 0 });
    expect(smtp.messages).toHaveLength(0);
    expect(await dispatcher.tick(new Date('2026-12-22T23:00:00Z'))).toEqual({ deferred: 1, digests: 0 });
    expect(await dispatcher.tick(new Date('2026-12-22T23:05:00Z'))).toEqual({ deferred: 0, digests: 0 });
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0];
    expect(mail.subject).toMatch(/disetujui/i);
    expect(mail.text).toMatch(/http:\/\/kawal\.test\/links\/|https:\/\/kawal\.test\/links\/kwa_/);
    expect((await prisma.notification.findUniqueOrThrow({ where: { idempotencyKey: approved.idempotencyKey } })).status).toBe('SENT');
  });

  it('sends an escalation at night only when the programme allows it', async () => {
    clock = Date.parse('2026-12-22T15:00:00Z'); // 23:00 WITA
    const escalation: MessageData = { kind: 'escalation', ...base, taskTitle: 'Tugas 1', dueDate: '2026-12-18', timeZone: 'WITA', workingDaysLate: 2, level: 1, target: 'PARENT_UNIT_HEAD' };
    expect((await send(request('esc-allowed', 'camat@banjarbarukota.go.id', escalation, true))).status).toBe('sent');
    expect((await send(request('esc-waits', 'camat@banjarbarukota.go.id', escalation, false))).status).toBe('deferred');
    expect(smtp.messages).toHaveLength(1);
    // At 07:00 WITA the one that waited goes out, once.
    expect(await dispatcher.tick(new Date('2026-12-22T23:00:00Z'))).toEqual({ deferred: 1, digests: 0 });
    expect(smtp.messages).toHaveLength(2);
  });

  it('gathers the morning’s reminders of a person with more than 3 items due into one digest; work returned still goes at once', async () => {
    clock = Date.parse('2026-12-22T23:30:00Z'); // Wednesday 23 December, 07:30 WITA: the reminder ladder fires
    const reminders = [1, 2, 3, 4, 5].map((i) => request(`reminder-${i}`, LURAH, reminder(`Tugas ${i}`, '2026-12-28')));
    for (const r of reminders) expect(await send(r)).toEqual({ status: 'held-for-digest', messageId: null });
    const returned = await send(request('returned', LURAH, { kind: 'task-returned', ...base, taskTitle: 'Tugas 2', comment: 'Lampirkan SK.', dueDate: '2026-12-23', timeZone: 'WITA' }));
    expect(returned.status).toBe('sent');
    // Two items only: below the threshold, the reminder goes on its own.
    expect((await send(request('reminder-other', LURAH2, reminder('Tugas 1', '2026-12-23')))).status).toBe('sent');
    expect(smtp.messages.map((m) => m.subject)).toEqual([expect.stringMatching(/dikembalikan/i), expect.stringMatching(/Pengingat/)]);
    smtp.clear();

    expect(await dispatcher.tick(new Date('2026-12-22T23:31:00Z'))).toEqual({ deferred: 0, digests: 0 });
    expect(await dispatcher.tick(new Date('2026-12-22T23:32:00Z'))).toEqual({ deferred: 0, digests: 1 });
    expect(await dispatcher.tick(new Date('2026-12-22T23:40:00Z'))).toEqual({ deferred: 0, digests: 0 });
    expect(smtp.messages).toHaveLength(1);
    const digest = smtp.messages[0];
    expect(digest.to && 'value' in digest.to ? digest.to.value[0].address : '').toBe(LURAH);
    expect(digest.subject).toBe('[Kawal] Ringkasan harian 23 Desember 2026 (WITA): 5 tugas jatuh tempo, 1 terlambat');
    const lines = (digest.text ?? '').split('\n').filter((l) => l.startsWith('- '));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^- Tugas 1 — Kelurahan 1, "Tindak Lanjut Standar Pelayanan 2027" — tenggat 18 Desember 2026 \(WITA\) \(TERLAMBAT\)$/);
    expect(lines.slice(1).map((l) => / tenggat (\d+ Desember 2026)/.exec(l)?.[1])).toEqual(['23 Desember 2026', '24 Desember 2026', '28 Desember 2026', '28 Desember 2026']);
    expect(digest.html).toContain('<li>');

    const held = await prisma.notification.findMany({ where: { idempotencyKey: { in: reminders.map((r) => r.idempotencyKey) } } });
    expect(held.map((h) => [h.status, h.digestKey])).toEqual(reminders.map(() => ['DIGESTED', `digest/${LURAH}/2026-12-23`]));
    // A late retry of one of those reminders sends nothing.
    expect((await send(reminders[0])).status).toBe('held-for-digest');
    expect(smtp.messages).toHaveLength(1);
  });

  it('keeps a deferred email through an SMTP outage and delivers it once when the server is back', async () => {
    clock = Date.parse('2026-12-23T12:00:00Z'); // Wednesday 20:00 WITA; Thursday and Friday are holidays
    const r = request('outage', LURAH2, { kind: 'task-approved', ...base, taskTitle: 'Tugas 2' });
    expect((await send(r)).status).toBe('deferred');
    const notBefore = (await prisma.notification.findUniqueOrThrow({ where: { idempotencyKey: r.idempotencyKey } })).notBefore!;
    expect(notBefore.toISOString()).toBe('2026-12-27T23:00:00.000Z'); // Monday 28 December, 07:00 WITA
    smtp.setDown(true);
    expect(await dispatcher.tick(notBefore)).toEqual({ deferred: 0, digests: 0 });
    const waiting = await prisma.notification.findUniqueOrThrow({ where: { idempotencyKey: r.idempotencyKey } });
    expect(waiting.status).toBe('DEFERRED');
    expect(waiting.notBefore!.getTime()).toBeGreaterThan(notBefore.getTime());
    smtp.setDown(false);
    expect(await dispatcher.tick(waiting.notBefore!)).toEqual({ deferred: 1, digests: 0 });
    expect(await dispatcher.tick(new Date(waiting.notBefore!.getTime() + 600_000))).toEqual({ deferred: 0, digests: 0 });
    expect(smtp.messages).toHaveLength(1);
    expect((await prisma.notification.findUniqueOrThrow({ where: { idempotencyKey: r.idempotencyKey } })).status).toBe('SENT');
  });
});
