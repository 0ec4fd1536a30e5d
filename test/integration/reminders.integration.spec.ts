import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '@kawal/activities';
import { ProgrammeWorkflowInput, programmeWorkflowId } from '@kawal/contracts';
import { PrismaClient, createPrismaClient } from '@kawal/database';
import { WorkingCalendar, addCalendarDays, localDateAt } from '@kawal/domain';
import { holidaysBetween } from '@kawal/holidays';
import { Mailer } from '@kawal/mail';
import { TestDatabase, createTestDatabase } from '../support/postgres';
import { SmtpReceiver, startSmtpReceiver } from '../support/smtp';
import { createTimeSkippingEnv, uniqueTaskQueue } from '../support/temporal';
import { seedProgramme } from '../support/seed';
import { workflowBundle } from '../support/workflow-worker';

/**
 * The clock at work with every real part: the time-skipping Temporal server, PostgreSQL through the real
 * read-model and outbox activities, and an SMTP server over TCP that parses what arrives.
 */
describe('reminders through real PostgreSQL and SMTP (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let prisma: PrismaClient;
  let smtp: SmtpReceiver;
  let mailer: Mailer;

  beforeAll(async () => {
    [env, db, smtp] = await Promise.all([createTimeSkippingEnv(), createTestDatabase(), startSmtpReceiver()]);
    prisma = createPrismaClient(db.url, 5);
    mailer = new Mailer({ host: smtp.host, port: smtp.port, secure: false, from: 'Kawal <kawal@test.local>' });
  });

  afterAll(async () => {
    mailer?.close();
    await prisma?.$disconnect();
    await Promise.all([env?.teardown(), smtp?.close()]);
    await db?.drop();
  });

  it('launches the cases, emails each lurah a reminder before the deadline in their language, and projects state to PostgreSQL', async () => {
    const programmeId = randomUUID();
    const startDate = localDateAt(await env.currentTimeMs(), 'Asia/Makassar');
    await seedProgramme(prisma, { programmeId, startDate, kelurahan: 3 });
    const taskQueue = uniqueTaskQueue('reminders-int');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({ prisma, mailer, client: env.client, taskQueue, publicBaseUrl: 'https://kawal.test' }),
    });

    await worker.runUntil(async () => {
      const input: ProgrammeWorkflowInput = { programmeId, caseCount: 3, batchSize: 2 };
      await env.client.workflow.start('programmeWorkflow', { taskQueue, workflowId: programmeWorkflowId(programmeId), args: [input] });
      await env.sleep('30 days');

      // 3 units x 2 tasks: each lurah hears of both tasks on the first day, then 1 rung each. (The coordinator's own
      // emails, the launched notice and the Monday summaries, are asserted in programme-mail.integration.spec.ts.)
      const toLurahs = () => smtp.messages.filter((_m, i) => !smtp.envelopes[i].to.includes('organisasi@banjarbarukota.go.id'));
      for (let i = 0; i < 150 && toLurahs().length < 12; i++) await new Promise((r) => setTimeout(r, 200));
      const assigned = toLurahs().filter((msg) => msg.subject?.startsWith('[Kawal] Penugasan') || msg.subject?.startsWith('[Kawal] Assigned'));
      expect(assigned).toHaveLength(6);
      const messages = toLurahs().filter((msg) => !assigned.includes(msg));
      expect(messages).toHaveLength(6);
      const calendar = new WorkingCalendar(holidaysBetween(startDate, addCalendarDays(startDate, 400)));
      const first = calendar.onOrAfter(startDate);
      const due1 = calendar.addWorkingDays(first, 10);
      const [y, m, d] = due1.split('-').map(Number);
      const bulan = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'][m - 1];

      const toLurah1 = messages.filter((msg) => msg.to && JSON.stringify(msg.to).includes('lurah1@banjarbarukota.go.id'));
      expect(toLurah1).toHaveLength(2);
      const docReminder = toLurah1.find((msg) => msg.subject?.includes('Unggah dokumen standar pelayanan'))!;
      expect(docReminder.subject).toBe(`[Kawal] Pengingat: "Unggah dokumen standar pelayanan" jatuh tempo ${d} ${bulan} ${y} (WITA)`);
      expect(docReminder.text).toContain('dalam 2 hari kerja');
      expect(docReminder.text).toContain('Tindak Lanjut Standar Pelayanan 2027');
      // The lurah is a registered person: the button is a signed, single-use link, not the plain task address.
      expect(docReminder.html).toMatch(/href="https:\/\/kawal\.test\/links\/kwa_[A-Za-z0-9_-]{43}"/);
      expect(docReminder.html).not.toContain('https://kawal.test/cases/');
      expect(docReminder.messageId).toMatch(/@kawal\.test>?$/);

      const toLurah2 = messages.filter((msg) => JSON.stringify(msg.to).includes('lurah2@banjarbarukota.go.id'));
      expect(toLurah2.map((msg) => msg.subject).sort()[0]).toMatch(/^\[Kawal\] Reminder: ".+" is due \d+ [A-Z][a-z]+ \d{4} \(WITA\)$/);

      // Outbox: one SENT row per email, with the SMTP message id recorded.
      const rows = await prisma.notification.findMany({ where: { recipient: { not: 'organisasi@banjarbarukota.go.id' } } });
      expect(rows).toHaveLength(12);
      expect(rows.every((r) => r.status === 'SENT' && r.messageId && r.attempts === 1)).toBe(true);

      // Read model: every case started, both tasks overdue and still open after 30 days.
      const tasks = await prisma.task.findMany({ include: { case: true } });
      expect(tasks).toHaveLength(6);
      expect(tasks.every((t) => t.state === 'OPEN' && t.overdue)).toBe(true);
      expect(tasks.filter((t) => t.key === 'standar-pelayanan').every((t) => t.dueDate?.toISOString().startsWith(due1))).toBe(true);
      expect(new Set(tasks.map((t) => t.case.version)).size).toBeGreaterThan(0);
      expect(tasks.every((t) => t.case.version > 1)).toBe(true);
    });
  });
});
