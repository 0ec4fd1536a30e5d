import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { ParsedMail } from 'mailparser';
import { createActivities } from '@kawal/activities';
import { ProgrammeWorkflowInput, isoWeekKey, isoWeekRange, programmeActionRequestUpdate, programmeWorkflowId } from '@kawal/contracts';
import { PrismaClient, createPrismaClient } from '@kawal/database';
import { addCalendarDays, dayOfWeek, localDateAt, localTimeToInstant } from '@kawal/domain';
import { Mailer, formatLocalDate } from '@kawal/mail';
import { TestDatabase, createTestDatabase } from '../support/postgres';
import { SmtpReceiver, startSmtpReceiver } from '../support/smtp';
import { createTimeSkippingEnv, uniqueTaskQueue } from '../support/temporal';
import { seedProgramme } from '../support/seed';
import { workflowBundle } from '../support/workflow-worker';
import { waitUntil } from '../support/eventually';

/**
 * The coordinator's emails with every real part: the programme workflow on the time-skipping server, the read model
 * in PostgreSQL, the outbox activity and an SMTP server over TCP whose messages are parsed and asserted.
 */
describe('coordinator emails through PostgreSQL and SMTP (time-skipping server)', () => {
  const COORDINATOR = 'organisasi@banjarbarukota.go.id';
  const BASE = 'https://kawal.test';
  const zone = 'Asia/Makassar';
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let prisma: PrismaClient;
  let smtp: SmtpReceiver;
  let mailer: Mailer;
  let worker: Worker;
  let running: Promise<void>;
  let activities: ReturnType<typeof createActivities>;
  const taskQueue = uniqueTaskQueue('programme-mail-int');

  beforeAll(async () => {
    [env, db, smtp] = await Promise.all([createTimeSkippingEnv(), createTestDatabase(), startSmtpReceiver()]);
    prisma = createPrismaClient(db.url, 10);
    mailer = new Mailer({ host: smtp.host, port: smtp.port, secure: false, from: 'Kawal <kawal@test.local>' });
    activities = createActivities({ prisma, mailer, client: env.client, taskQueue, publicBaseUrl: BASE });
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
    mailer?.close();
    await prisma?.$disconnect();
    await Promise.all([env?.teardown(), smtp?.close()]);
    await db?.drop();
  });

  const toCoordinator = () => smtp.messages.filter((_m, i) => smtp.envelopes[i].to.includes(COORDINATOR));
  const bySubject = (re: RegExp) => toCoordinator().filter((m) => re.test(m.subject ?? ''));

  /** Polls in real time (the activities run against the real database and SMTP server). */
  const eventually = <T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 60_000) => waitUntil(check, what, timeoutMs);

  it('emails the coordinator once when the launch is done, then every Monday at 07:30 WITA, in Bahasa Indonesia, exactly once each; nothing after closing', async () => {
    // Start on a Wednesday morning WITA, so the first Monday is known.
    let now = await env.currentTimeMs();
    let day = addCalendarDays(localDateAt(now, zone), 1);
    while (dayOfWeek(day) !== 3) day = addCalendarDays(day, 1);
    await env.sleep(localTimeToInstant(day, '10:00', zone) - now);
    const startDate = localDateAt(await env.currentTimeMs(), zone);
    expect(startDate).toBe(day);

    const programmeId = randomUUID();
    await seedProgramme(prisma, { programmeId, startDate, kelurahan: 3 });
    const input: ProgrammeWorkflowInput = { programmeId, caseCount: 3, batchSize: 2 };
    const programme = await env.client.workflow.start('programmeWorkflow', { taskQueue, workflowId: programmeWorkflowId(programmeId), args: [input] });

    const [launched] = await eventually(() => bySubject(/Program diluncurkan/).length > 0 && bySubject(/Program diluncurkan/), 'the launched notice');
    expect(launched.subject).toBe('[Kawal] Program diluncurkan: "Tindak Lanjut Standar Pelayanan 2027" (3 unit)');
    expect(launched.text).toMatch(/^Yth\. Bagian Organisasi,/);
    expect(launched.text).toContain('diluncurkan untuk 3 unit dengan templat "Tindak Lanjut Standar Pelayanan" versi 1.');
    expect(launched.text).toContain(`Tanggal mulai: ${formatLocalDate(startDate, 'WITA', 'id')}.`);
    expect(launched.text).toContain('setiap hari Senin pukul 07.30 WITA');
    expect(launched.text).toContain(`${BASE}/programmes/${programmeId}`);
    expect(launched.html).toContain(`href="${BASE}/programmes/${programmeId}"`);
    // Every case was launched before the notice went out.
    expect(await prisma.case.count({ where: { programmeId, launchedAt: null } })).toBe(0);

    // Monday 07:25 WITA: no summary yet. At 07:30 the summary of the launch week goes out.
    const monday = addCalendarDays(startDate, 5);
    now = await env.currentTimeMs();
    await env.sleep(localTimeToInstant(monday, '07:25', zone) - now);
    await new Promise((r) => setTimeout(r, 1000));
    expect(bySubject(/Ringkasan mingguan/)).toHaveLength(0);
    await env.sleep('10 minutes');
    const weekKey = isoWeekKey(addCalendarDays(monday, -1));
    const { monday: weekStart, sunday: weekEnd } = isoWeekRange(weekKey);
    expect(weekStart <= startDate && startDate <= weekEnd).toBe(true);
    const [summary] = await eventually(() => bySubject(/Ringkasan mingguan/).length > 0 && bySubject(/Ringkasan mingguan/), 'the weekly summary');
    // Nothing approved, nothing late yet (the first deadline is 10 working days after the start).
    expect(summary.subject).toBe(`[Kawal] Ringkasan mingguan "Tindak Lanjut Standar Pelayanan 2027" (${weekKey}): 0% disetujui, 0 unit terlambat`);
    const [d, m, y] = formatLocalDate(weekStart, 'WITA', 'id').split(' ');
    expect(summary.text).toContain(`untuk pekan ${weekKey} (${d} ${m} ${y} – ${formatLocalDate(weekEnd, 'WITA', 'id')}).`);
    expect(summary.text).toContain('Kemajuan: 0% tugas telah disetujui atau dikecualikan (0 dari 6 tugas pada 3 unit); 0 tugas disetujui selama pekan tersebut.');
    expect(summary.text).toContain('Tugas menurut status: 6 terbuka, 0 dikirim, 0 dalam pemeriksaan, 0 dikembalikan, 0 disetujui, 0 dikecualikan, 0 menunggu tugas lain.');
    expect(summary.text).toContain('Tidak ada unit yang terlambat.');
    expect(summary.text).toContain('Unit dengan persentase persetujuan terendah:');
    expect(summary.text).toContain('  - Kelurahan 1 (63.72.01.1001): 0% disetujui');
    expect(summary.html).toContain(`href="${BASE}/programmes/${programmeId}"`);

    // The outbox: one row each, sent, with its SMTP message id.
    const rows = await prisma.notification.findMany({ where: { recipient: COORDINATOR, kind: { in: ['programme-launched', 'programme-weekly-summary'] } }, orderBy: { createdAt: 'asc' } });
    expect(rows.map((r) => [r.idempotencyKey, r.status])).toEqual([
      [`programme/${programmeId}/launched`, 'SENT'],
      [`programme/${programmeId}/weekly/${weekKey}`, 'SENT'],
    ]);
    expect(rows.every((r) => r.messageId?.endsWith('@kawal.test>'))).toBe(true);

    // Closed: no more summaries, however long we wait.
    await programme.executeUpdate(programmeActionRequestUpdate, { args: [{ kind: 'close', by: COORDINATOR, reason: 'Akhir uji' }] });
    expect((await programme.result()).status).toBe('COMPLETED');
    await env.sleep('21 days');
    await new Promise((r) => setTimeout(r, 1000));
    expect(bySubject(/Program diluncurkan/)).toHaveLength(1);
    expect(bySubject(/Ringkasan mingguan/)).toHaveLength(1);
    expect(await prisma.notification.count({ where: { kind: 'programme-weekly-summary', idempotencyKey: { startsWith: `programme/${programmeId}/` } } })).toBe(1);
  });

  it('builds the summary from the read model (overdue and worst units, approvals of the local week) and sends it once, in English', async () => {
    const programmeId = randomUUID();
    const { units } = await seedProgramme(prisma, { programmeId, startDate: '2027-03-01', kelurahan: 5, templateKey: 'uji-ringkasan' });
    await prisma.person.update({ where: { email: COORDINATOR }, data: { locale: 'en' } });
    const cases = await prisma.case.findMany({ where: { programmeId }, include: { unit: true }, orderBy: { workflowId: 'asc' } });
    const counters = [
      { tasksOpen: 3, tasksOverdue: 2 }, // Kelurahan 1: 0%, 2 overdue
      { tasksApproved: 4 }, // Kelurahan 2: 100%
      { tasksOpen: 1, tasksApproved: 1, tasksOverdue: 1 }, // Kelurahan 3: 50%, 1 overdue
      { tasksOpen: 2, tasksWaived: 2 }, // Kelurahan 4: 50% (waived counts as done)
      { status: 'CANCELLED' as const, tasksOpen: 4, tasksOverdue: 4 }, // Kelurahan 5: cancelled, left out of the lists
    ];
    for (const [i, c] of cases.entries()) await prisma.case.update({ where: { id: c.id }, data: { launchedAt: new Date(), version: 1, ...counters[i] } });
    // Approvals around the week 2027-W10 (Monday 8 to Sunday 14 March 2027, WITA).
    const approvedAt = (date: string, time: string) => new Date(localTimeToInstant(date, time, zone));
    const task = (caseId: string, key: string, at: Date) => ({ caseId, key, title: key, assigneeRole: 'UNIT_HEAD' as const, state: 'APPROVED' as const, approvedAt: at });
    await prisma.task.createMany({
      data: [
        task(cases[1].id, 'a', approvedAt('2027-03-07', '23:50')), // the Sunday before (WITA): not this week
        task(cases[1].id, 'b', approvedAt('2027-03-08', '00:10')),
        task(cases[1].id, 'c', approvedAt('2027-03-14', '23:50')),
        task(cases[2].id, 'd', approvedAt('2027-03-15', '00:10')), // the Monday after: not this week
      ],
    });

    expect(await activities.programmeTimeZone({ programmeId })).toBe('Asia/Makassar');
    const request = await activities.programmeWeeklySummary({ programmeId, weekKey: '2027-W10' });
    expect(request).toMatchObject({
      idempotencyKey: `programme/${programmeId}/weekly/2027-W10`,
      to: { email: COORDINATOR, name: 'Bagian Organisasi', locale: 'en' },
      message: {
        kind: 'programme-weekly-summary',
        programmeName: 'Tindak Lanjut Standar Pelayanan 2027',
        timeZone: 'WITA',
        link: `${BASE}/programmes/${programmeId}`,
        weekKey: '2027-W10',
        weekStart: '2027-03-08',
        weekEnd: '2027-03-14',
        unitCount: 5,
        taskCount: 17,
        tasksByState: { BLOCKED: 0, OPEN: 10, SUBMITTED: 0, IN_REVIEW: 0, RETURNED: 0, APPROVED: 5, WAIVED: 2 },
        percentApproved: 41.18,
        approvedThisWeek: 2,
        overdueUnitCount: 2,
        overdueTaskCount: 3,
        overdueUnits: [
          { code: units[0].code, name: 'Kelurahan 1', overdueTasks: 2, percentApproved: 0 },
          { code: units[2].code, name: 'Kelurahan 3', overdueTasks: 1, percentApproved: 50 },
        ],
        worstUnits: [
          { code: units[0].code, percentApproved: 0 },
          { code: units[2].code, percentApproved: 50 }, // 50% like Kelurahan 4, but with an overdue task
          { code: units[3].code, percentApproved: 50 },
          { code: units[1].code, percentApproved: 100 },
        ],
      },
    });

    smtp.clear();
    expect(await activities.sendNotification(request)).toMatchObject({ status: 'sent' });
    // A retried activity (or a second Monday wake-up for the same week) sends nothing more.
    expect(await activities.sendNotification(await activities.programmeWeeklySummary({ programmeId, weekKey: '2027-W10' }))).toMatchObject({ status: 'already-sent' });
    const [mail]: ParsedMail[] = await smtp.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.envelopes[0].to).toEqual([COORDINATOR]);
    expect(mail.subject).toBe('[Kawal] Weekly summary "Tindak Lanjut Standar Pelayanan 2027" (2027-W10): 41.18% approved, 2 units overdue');
    expect(mail.text).toMatch(/^Dear Bagian Organisasi,/);
    expect(mail.text).toContain('for the week 2027-W10 (8 March 2027 – 14 March 2027 (WITA)).');
    expect(mail.text).toContain('Progress: 41.18% of the tasks are approved or waived (7 of 17 tasks across 5 units); 2 tasks approved during the week.');
    expect(mail.text).toContain('Overdue units: 2 of 5 units, with 3 tasks overdue.');
    expect(mail.text).toContain('Units with the most overdue tasks:\n  - Kelurahan 1 (63.72.01.1001): 2 tasks overdue\n  - Kelurahan 3 (63.72.01.1003): 1 task overdue');
    expect(mail.text).toContain('  - Kelurahan 4 (63.72.01.1004): 50% approved');
    expect(mail.text).not.toContain('Kelurahan 5');
    expect(mail.text).toContain('Next step: please follow up with the overdue units');
    expect(mail.html).toContain('<li>Kelurahan 1 (63.72.01.1001): 2 tasks overdue</li>');

    // The launched notice: units launched from the read model, the template's name in the coordinator's language.
    const notice = await activities.programmeLaunchedNotice({ programmeId });
    expect(notice).toMatchObject({
      idempotencyKey: `programme/${programmeId}/launched`,
      message: { kind: 'programme-launched', unitsLaunched: 5, startDate: '2027-03-01', templateName: 'Public Service Standard Follow-up', templateVersion: 1, timeZone: 'WITA', summaryTime: '07:30' },
    });
    await activities.sendNotification(notice);
    const [, launched] = await smtp.waitFor(2);
    expect(launched.subject).toBe('[Kawal] Programme launched: "Tindak Lanjut Standar Pelayanan 2027" (5 units)');
    expect(launched.text).toContain('Start date: 1 March 2027 (WITA).');
    await prisma.person.update({ where: { email: COORDINATOR }, data: { locale: 'id' } });
  });

  it('takes the zone most of the programme’s units are in', async () => {
    const programmeId = randomUUID();
    await seedProgramme(prisma, { programmeId, startDate: '2027-03-01', kelurahan: 1, templateKey: 'uji-zona' });
    for (const code of ['94.71.01.1001', '94.71.01.1002']) {
      const unit = await prisma.unit.create({ data: { code, name: `Kelurahan ${code}`, kind: 'KELURAHAN', timeZone: 'Asia/Jayapura' } });
      await prisma.case.create({ data: { programmeId, unitId: unit.id, workflowId: `kawal-case/${programmeId}/${code}` } });
    }
    expect(await activities.programmeTimeZone({ programmeId })).toBe('Asia/Jayapura');
  });
});
