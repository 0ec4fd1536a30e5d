import { ApplicationFailure } from '@temporalio/common';
import type { NotificationRequest } from '@kawal/contracts';
import { PrismaClient, createPrismaClient } from '@kawal/database';
import { Mailer } from '@kawal/mail';
import { notificationActivities } from '../../activities/notification.activities';
import { TestDatabase, createTestDatabase } from '../support/postgres';
import { SmtpReceiver, startSmtpReceiver } from '../support/smtp';

/**
 * The outbox activity against real PostgreSQL and a real SMTP server over TCP: an outage is retried and delivers
 * exactly once; an email that cannot be delivered within the configured time is marked dead and not retried.
 */
describe('email outbox (PostgreSQL, SMTP over TCP)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let smtp: SmtpReceiver;
  let mailer: Mailer;

  beforeAll(async () => {
    [db, smtp] = await Promise.all([createTestDatabase(), startSmtpReceiver()]);
    prisma = createPrismaClient(db.url, 3);
    mailer = new Mailer({ host: smtp.host, port: smtp.port, secure: false, from: 'Kawal <kawal@test.local>' });
  });

  afterAll(async () => {
    mailer?.close();
    await prisma?.$disconnect();
    await smtp?.close();
    await db?.drop();
  });

  const request = (key: string): NotificationRequest => ({
    idempotencyKey: key,
    to: { email: 'lurah1@banjarbarukota.go.id', name: 'Lurah Loktabat Utara', locale: 'id' },
    message: { kind: 'reminder', programmeName: 'Program Uji', unitName: 'Loktabat Utara', taskTitle: 'Laporan', dueDate: '2027-01-18', timeZone: 'WITA', workingDaysBefore: 2, link: 'https://kawal.test/cases/1' },
  });

  it('retries through an SMTP outage and delivers exactly once when the server is back', async () => {
    const { sendNotification } = notificationActivities(prisma, mailer, 'kawal.test', 60 * 60_000);
    smtp.clear();
    smtp.setDown(true);
    const failure = await sendNotification(request('outage/1')).catch((err: Error) => err);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(ApplicationFailure); // an ordinary error: Temporal retries it with backoff
    let row = await prisma.notification.findUniqueOrThrow({ where: { idempotencyKey: 'outage/1' } });
    expect(row).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(row.lastError).toMatch(/451/);

    smtp.setDown(false);
    expect(await sendNotification(request('outage/1'))).toMatchObject({ status: 'sent' });
    // A redelivered activity (a retry after a crash past the send) finds the row SENT and sends nothing.
    expect(await sendNotification(request('outage/1'))).toMatchObject({ status: 'already-sent' });
    const received = await smtp.waitFor(1, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages).toHaveLength(1);
    expect(received[0].subject).toContain('Laporan');
    row = await prisma.notification.findUniqueOrThrow({ where: { idempotencyKey: 'outage/1' } });
    expect(row).toMatchObject({ status: 'SENT', attempts: 2, lastError: null });
    expect(row.messageId).toMatch(/@kawal\.test>$/);
  });

  it('marks an email dead once it could not be delivered within the configured time, and never sends it later', async () => {
    const { sendNotification } = notificationActivities(prisma, mailer, 'kawal.test', 60_000);
    smtp.clear();
    smtp.setDown(true);
    await expect(sendNotification(request('outage/2'))).rejects.toThrow();
    // The email has been waiting longer than the limit.
    await prisma.notification.update({ where: { idempotencyKey: 'outage/2' }, data: { createdAt: new Date(Date.now() - 2 * 60_000) } });
    const dead = await sendNotification(request('outage/2')).catch((err: unknown) => err);
    expect(dead).toBeInstanceOf(ApplicationFailure);
    expect(dead).toMatchObject({ type: 'NotificationDead', nonRetryable: true });
    const row = await prisma.notification.findUniqueOrThrow({ where: { idempotencyKey: 'outage/2' } });
    expect(row).toMatchObject({ status: 'DEAD', attempts: 2 });
    expect(row.lastError).toMatch(/^gave up after 1 min: .*451/);

    smtp.setDown(false);
    await expect(sendNotification(request('outage/2'))).rejects.toMatchObject({ type: 'NotificationDead' });
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages).toHaveLength(0);
  });
});
