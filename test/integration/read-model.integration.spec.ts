import { randomUUID } from 'node:crypto';
import { readModelActivities } from '../../activities/read-model.activities';
import { PrismaClient, createPrismaClient } from '@kawal/database';
import type { CaseState } from '@kawal/domain';
import { TestDatabase, createTestDatabase } from '../support/postgres';
import { seedProgramme } from '../support/seed';

/** The read-model activity against a real PostgreSQL: versioned, idempotent, audit events exactly once. */
describe('read model writes (real PostgreSQL)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url, 2);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('ignores a late or repeated write and records each decision once in the audit trail', async () => {
    const programmeId = randomUUID();
    await seedProgramme(prisma, { programmeId, startDate: '2027-01-04', kelurahan: 1 });
    const c = await prisma.case.findFirstOrThrow({ where: { programmeId } });
    const { recordCaseState } = readModelActivities(prisma);
    const state = (version: number, taskState: 'OPEN' | 'SUBMITTED'): CaseState => ({
      caseId: c.id,
      programmeId,
      unitCode: '63.72.01.1001',
      timeZone: 'Asia/Makassar',
      startDate: '2027-01-04',
      templateKey: 'tindak-lanjut-standar-pelayanan',
      templateVersion: 1,
      status: 'ACTIVE',
      version,
      phases: [],
      appliedActions: [],
      history: [],
      tasks: [
        {
          key: 'x',
          templateKey: 'x',
          title: 'X',
          assigneeRole: 'UNIT_HEAD',
          state: taskState,
          dueDate: '2027-01-18',
          dueAt: '2027-01-18T15:59:59.999Z',
          overdue: false,
          escalationLevel: 0,
          reviewLevel: 0,
          reviewLevels: 1,
          minEvidence: 0,
          requiredChecklist: [],
          checklist: [],
          checked: [],
          weight: 1,
          evidenceIds: [],
          rungsDone: [],
          history: taskState === 'SUBMITTED' ? [{ at: '2027-01-05T01:00:00.000Z', by: 'lurah1@banjarbarukota.go.id', action: 'submitted' }] : [],
        },
      ],
    });

    expect(await recordCaseState(state(c.version + 2, 'SUBMITTED'))).toEqual({ applied: true });
    expect(await recordCaseState(state(c.version + 1, 'OPEN'))).toEqual({ applied: false });
    expect(await recordCaseState(state(c.version + 2, 'OPEN'))).toEqual({ applied: false });

    const task = await prisma.task.findUniqueOrThrow({ where: { caseId_key: { caseId: c.id, key: 'x' } } });
    expect(task.state).toBe('SUBMITTED');
    expect(task.dueDate?.toISOString()).toBe('2027-01-18T00:00:00.000Z');
    const row = await prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.version).toBe(c.version + 2);
    // The dashboard's per-case counts come from the same (winning) write, not from the late one.
    expect([row.tasksSubmitted, row.tasksOpen, row.tasksApproved, row.tasksOverdue]).toEqual([1, 0, 0, 0]);

    // A retried write of a newer state with the same history adds no second audit event.
    expect(await recordCaseState(state(c.version + 3, 'SUBMITTED'))).toEqual({ applied: true });
    const audit = await prisma.auditEvent.findMany({ where: { caseId: c.id } });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([['task.submitted', 'lurah1@banjarbarukota.go.id']]);
  });
});
