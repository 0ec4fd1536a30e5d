import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '@kawal/activities';
import {
  ProgrammeProgress,
  ProgrammeWorkflowInput,
  caseStateQuery,
  caseWorkflowId,
  programmeActionRequestUpdate,
  programmeProgressQuery,
  programmeWorkflowId,
  unitsJoinedUpdate,
} from '@kawal/contracts';
import { PrismaClient, createPrismaClient } from '@kawal/database';
import { WorkingCalendar, addCalendarDays, localDateAt } from '@kawal/domain';
import { holidaysBetween } from '@kawal/holidays';
import { Mailer } from '@kawal/mail';
import { TestDatabase, createTestDatabase } from '../support/postgres';
import { SmtpReceiver, startSmtpReceiver } from '../support/smtp';
import { createTimeSkippingEnv, uniqueTaskQueue } from '../support/temporal';
import { seedProgramme } from '../support/seed';
import { workflowBundle } from '../support/workflow-worker';
import { waitUntil } from '../support/eventually';

/**
 * The programme workflow with its real activities: launching in batches, units joining late, bulk actions
 * fanned out to the cases, closing, and the history bound of a large launch. Time-skipping server, real
 * PostgreSQL, real SMTP.
 */
describe('programme workflow with real activities (time-skipping server, PostgreSQL)', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let prisma: PrismaClient;
  let smtp: SmtpReceiver;
  let mailer: Mailer;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('programme-int');

  beforeAll(async () => {
    [env, db, smtp] = await Promise.all([createTimeSkippingEnv(), createTestDatabase(), startSmtpReceiver()]);
    prisma = createPrismaClient(db.url, 10);
    mailer = new Mailer({ host: smtp.host, port: smtp.port, secure: false, from: 'Kawal <kawal@test.local>' });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({ prisma, mailer, client: env.client, taskQueue, publicBaseUrl: 'https://kawal.test' }),
      maxConcurrentActivityTaskExecutions: 50,
    });
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

  /** Polls (in real time: activities run against the real database) until the check passes. */
  const eventually = <T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000) => waitUntil(check, what, timeoutMs);

  it('launches in batches, takes late-joining units, fans out extend, suspend, resume and close, then completes', async () => {
    const programmeId = randomUUID();
    const startDate = localDateAt(await env.currentTimeMs(), 'Asia/Makassar');
    const { units } = await seedProgramme(prisma, { programmeId, startDate, kelurahan: 4 });
    const calendar = new WorkingCalendar(holidaysBetween(startDate, addCalendarDays(startDate, 1200)));
    const input: ProgrammeWorkflowInput = { programmeId, caseCount: 4, batchSize: 3 };
    const programme: WorkflowHandle = await env.client.workflow.start('programmeWorkflow', { taskQueue, workflowId: programmeWorkflowId(programmeId), args: [input] });
    const caseHandle = (code: string) => env.client.workflow.getHandle(caseWorkflowId(programmeId, code));

    await eventually(async () => (await prisma.case.count({ where: { programmeId, version: { gt: 0 } } })) === 4, 'four cases in the read model');
    expect(await programme.query(programmeProgressQuery)).toMatchObject({ status: 'RUNNING', total: 4, launched: 4, closed: 0 });
    const due0 = (await caseHandle(units[0].code).query(caseStateQuery)).tasks.map((t) => t.dueDate!);

    // A bulk extension for a selection of units only.
    const extend = await programme.executeUpdate(programmeActionRequestUpdate, {
      args: [{ kind: 'extend', workingDays: 5, unitCodes: [units[0].code], by: 'organisasi@banjarbarukota.go.id', reason: 'Gangguan jaringan SIMPEL' }],
    });
    await eventually(async () => (await programme.query(programmeProgressQuery)).actions.find((a) => a.actionId === extend.actionId)?.applied === 1, 'the extension to reach its unit');
    expect((await caseHandle(units[0].code).query(caseStateQuery)).tasks.map((t) => t.dueDate)).toEqual(due0.map((d) => calendar.addWorkingDays(d, 5)));
    expect((await caseHandle(units[1].code).query(caseStateQuery)).tasks.map((t) => t.dueDate)).toEqual(due0);

    // Suspend: the read model says so, every case's clock stops, and a unit joining now starts suspended.
    await programme.executeUpdate(programmeActionRequestUpdate, { args: [{ kind: 'suspend', by: 'organisasi@banjarbarukota.go.id', reason: 'Pilkada' }] });
    await eventually(async () => (await prisma.programme.findUniqueOrThrow({ where: { id: programmeId } })).status === 'SUSPENDED', 'the programme read model to say SUSPENDED');
    await eventually(async () => (await prisma.case.count({ where: { programmeId, suspended: true } })) === 4, 'all four cases suspended');
    const refused = await programme.executeUpdate(programmeActionRequestUpdate, { args: [{ kind: 'suspend', by: 'organisasi@banjarbarukota.go.id', reason: 'lagi' }] }).catch((err: WorkflowUpdateFailedError) => err);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((refused as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('ALREADY_SUSPENDED');

    const kec = await prisma.unit.findUniqueOrThrow({ where: { code: '63.72.01' } });
    const late = await prisma.unit.create({ data: { code: '63.72.01.1009', name: 'Kelurahan Terlambat', kind: 'KELURAHAN', parentId: kec.id, timeZone: 'Asia/Makassar' } });
    const joinedOn = localDateAt(await env.currentTimeMs(), 'Asia/Makassar');
    await prisma.case.create({ data: { programmeId, unitId: late.id, workflowId: caseWorkflowId(programmeId, late.code), startDate: new Date(`${joinedOn}T00:00:00Z`) } });
    await programme.executeUpdate(unitsJoinedUpdate, { args: [{ count: 1, by: 'organisasi@banjarbarukota.go.id', reason: 'Pemekaran kelurahan' }] });
    const lateState = await eventually(async () => {
      const row = await prisma.case.findUnique({ where: { workflowId: caseWorkflowId(programmeId, late.code) } });
      return row && row.version > 0 ? caseHandle(late.code).query(caseStateQuery) : undefined;
    }, 'the late unit to be launched');
    expect(lateState.startDate).toBe(calendar.onOrAfter(joinedOn));
    expect(lateState.suspension).toMatchObject({ reason: 'Pilkada' });
    expect(await programme.query(programmeProgressQuery)).toMatchObject({ total: 5, launched: 5 });

    await env.sleep('10 days');
    const resumedBefore = (await caseHandle(units[1].code).query(caseStateQuery)).tasks.map((t) => t.dueDate!);
    await programme.executeUpdate(programmeActionRequestUpdate, { args: [{ kind: 'resume', by: 'organisasi@banjarbarukota.go.id', reason: 'Pilkada selesai' }] });
    await eventually(async () => (await prisma.case.count({ where: { programmeId, suspended: false } })) === 5, 'all five cases resumed');
    const resumed = await caseHandle(units[1].code).query(caseStateQuery);
    const shift = resumed.history.find((h) => h.action === 'resumed')!.after!.workingDaysShifted as number;
    expect(shift).toBeGreaterThanOrEqual(6);
    expect(resumed.tasks.map((t) => t.dueDate)).toEqual(resumedBefore.map((d) => calendar.addWorkingDays(d, shift)));

    // Close: every case not signed off is closed, the programme completes, and the read model shows it.
    await programme.executeUpdate(programmeActionRequestUpdate, { args: [{ kind: 'close', by: 'organisasi@banjarbarukota.go.id', reason: 'Tahun anggaran berakhir' }] });
    const result: ProgrammeProgress = await programme.result();
    expect(result).toMatchObject({ status: 'COMPLETED', total: 5, launched: 5 });
    expect(result.actions.map((a) => [a.kind, a.applied, a.skipped])).toEqual([
      ['extend', 1, 0],
      ['suspend', 4, 0], // the late unit started suspended rather than receiving the action
      ['resume', 5, 0],
      ['close', 5, 0],
    ]);
    await eventually(async () => (await prisma.case.count({ where: { programmeId, status: 'CANCELLED' } })) === 5, 'all five cases closed in the read model');
    const row = await prisma.programme.findUniqueOrThrow({ where: { id: programmeId } });
    expect(row.status).toBe('COMPLETED');
    expect(row.closedAt).not.toBeNull();
    const audit = await prisma.auditEvent.findMany({ where: { programmeId, action: { startsWith: 'case.' } } });
    expect(audit.filter((a) => a.action === 'case.closed')).toHaveLength(5);
    expect(audit.filter((a) => a.action === 'case.suspended').every((a) => a.reason === 'Pilkada' && a.actor === 'organisasi@banjarbarukota.go.id')).toBe(true);
    // The programme's own chain: each action once when accepted, once when it had reached every case.
    const own = await eventually(async () => {
      const rows = await prisma.auditEvent.findMany({ where: { chain: `programme:${programmeId}` }, orderBy: { seq: 'asc' } });
      return rows.length === 8 ? rows : undefined;
    }, 'the programme audit chain');
    expect(own.map((a) => [a.action, (a.after as { state: string }).state]).sort()).toEqual(
      ['extend', 'suspend', 'resume', 'close'].flatMap((k) => [[`programme.${k}`, 'accepted'], [`programme.${k}`, 'reached every case']]).sort(),
    );
    // Each lurah heard about the suspension, the resumption and the closing, once.
    const notices = await prisma.notification.findMany({ where: { kind: 'programme-notice' } });
    expect(notices.filter((n) => n.recipient === 'lurah1@banjarbarukota.go.id')).toHaveLength(4);
    expect(new Set(notices.map((n) => n.idempotencyKey)).size).toBe(notices.length);
  });

  it('keeps the largest history of a 2,000-unit launch far below Temporal’s limit', async () => {
    const programmeId = randomUUID();
    const startDate = localDateAt(await env.currentTimeMs(), 'Asia/Makassar');
    const units = 2_000;
    const { template } = await seedProgramme(prisma, { programmeId, startDate, kelurahan: 0, templateKey: 'uji-skala' });
    const kec = await prisma.unit.findFirstOrThrow({ where: { code: '63.72.01' } });
    const rows = Array.from({ length: units }, (_, i) => ({ code: `63.72.90.${String(i + 1).padStart(4, '0')}`, name: `Unit ${i + 1}`, kind: 'KELURAHAN' as const, parentId: kec.id, timeZone: 'Asia/Makassar' }));
    await prisma.unit.createMany({ data: rows });
    const created = await prisma.unit.findMany({ where: { code: { startsWith: '63.72.90.' } }, select: { id: true, code: true } });
    await prisma.case.createMany({ data: created.map((u) => ({ programmeId, unitId: u.id, workflowId: caseWorkflowId(programmeId, u.code) })) });
    expect(template.tasks.length).toBeGreaterThan(0);

    const programme = await env.client.workflow.start('programmeWorkflow', { taskQueue, workflowId: programmeWorkflowId(programmeId), args: [{ programmeId, caseCount: units }] });
    await eventually(async () => (await prisma.case.count({ where: { programmeId, version: { gt: 0 } } })) === units, 'all 2,000 cases in the read model', 600_000);

    const lengths: number[] = [(await programme.describe()).historyLength];
    const ids = created.map((u) => caseWorkflowId(programmeId, u.code));
    for (let i = 0; i < ids.length; i += 50) {
      lengths.push(...(await Promise.all(ids.slice(i, i + 50).map(async (id) => (await env.client.workflow.getHandle(id).describe()).historyLength))));
    }
    const max = Math.max(...lengths);
    process.stderr.write(`2,000-unit launch: programme history ${lengths[0]} events, largest history ${max} events\n`);
    // Batches of 200 are one activity each: the programme history grows with batches, never with units.
    expect(lengths[0]).toBeLessThan(200);
    expect(max).toBeLessThan(1_000);
    expect(await programme.query(programmeProgressQuery)).toMatchObject({ total: units, launched: units });
    await programme.executeUpdate(programmeActionRequestUpdate, { args: [{ kind: 'cancel', by: 'organisasi@banjarbarukota.go.id', reason: 'Akhir uji' }] });
    expect((await programme.result()).status).toBe('CANCELLED');
  }, 900_000);
});
