import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ApiStack, createPerson, createUnitTree, eventually, startApiStack } from '../support/api-stack';

/**
 * Cases, tasks, evidence versions, the inbox and the audit timeline over HTTP, with the real worker driving the case
 * workflows and the real database holding the read model and the hash-chained audit trail.
 */
describe('cases, evidence, inbox and audit (dev server, PostgreSQL, SMTP, HTTP)', () => {
  let stack: ApiStack;
  let programmeId: string;
  let caseId: string;
  let otherCaseId: string;
  const LURAH = 'lurah.loktabatutara@banjarbarukota.go.id';
  const OTHER_LURAH = 'lurah.sungaiulin@banjarbarukota.go.id';
  const CAMAT = 'camat.utara@banjarbarukota.go.id';
  const KOORDINATOR = 'organisasi@banjarbarukota.go.id';

  const pdf = (text: string) => Buffer.concat([Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\n`, 'latin1'), Buffer.alloc(256, 0x20), Buffer.from('\n%%EOF\n')]);
  const form = (content: Buffer, name: string, replaces?: string) => {
    const f = new FormData();
    f.append('file', new Blob([content]), name);
    if (replaces) f.append('replaces', replaces);
    return f;
  };
  const sql = async <T>(fn: (c: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: stack.db.url });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    stack = await startApiStack();
    await createUnitTree(stack);
    await createPerson(stack, LURAH, [{ role: 'UNIT_HEAD', unitCode: '63.72.01.1001' }]);
    await createPerson(stack, OTHER_LURAH, [{ role: 'UNIT_HEAD', unitCode: '63.72.01.1002' }]);
    await createPerson(stack, CAMAT, [{ role: 'REVIEWER', unitCode: '63.72.01' }]);
    await createPerson(stack, KOORDINATOR, [{ role: 'COORDINATOR', unitCode: '63.72' }]);
    const launch = await stack.call(
      'POST',
      '/programmes',
      { name: 'Standar Pelayanan 2027', templateKey: 'tindak-lanjut-standar-pelayanan', startDate: '2027-01-04', unitCodes: ['63.72.01.1001', '63.72.01.1002'] },
      stack.as(KOORDINATOR),
    );
    expect(launch.status).toBe(201);
    programmeId = launch.body.id;
    const cases = await eventually(async () => {
      const rows = await stack.prisma.case.findMany({ where: { programmeId }, include: { unit: true, _count: { select: { tasks: true } } } });
      return rows.length === 2 && rows.every((r) => r._count.tasks === 2) ? rows : null;
    });
    caseId = cases.find((c) => c.unit.code === '63.72.01.1001')!.id;
    otherCaseId = cases.find((c) => c.unit.code === '63.72.01.1002')!.id;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('keeps every version of a piece of evidence: a new upload never overwrites, it adds a version', async () => {
    const url = `/cases/${caseId}/tasks/standar-pelayanan/evidence`;
    const v1 = await stack.call('POST', url, form(pdf('versi 1'), 'standar.pdf'), stack.as(LURAH));
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ version: 1, lineageId: v1.body.id, mediaType: 'application/pdf' });
    const v2 = await stack.call('POST', url, form(pdf('versi 2, sudah ditandatangani'), 'standar-ttd.pdf', v1.body.id), stack.as(LURAH));
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ version: 2, lineageId: v1.body.id });
    expect(v2.body.sha256).not.toBe(v1.body.sha256);
    // Replacing v1 again still appends (v3), it does not fork or overwrite.
    const v3 = await stack.call('POST', url, form(pdf('versi 3'), 'standar-final.pdf', v1.body.id), stack.as(LURAH));
    expect(v3.body).toMatchObject({ version: 3, lineageId: v1.body.id });

    const detail = await stack.call('GET', `/cases/${caseId}`, undefined, stack.as(LURAH));
    const lineage = detail.body.evidence.filter((e: { lineageId: string }) => e.lineageId === v1.body.id);
    expect(lineage.map((e: { version: number }) => e.version)).toEqual([1, 2, 3]);
    for (const v of [v1, v2, v3]) {
      const file = await fetch(`${stack.base}/evidence/${v.body.id}/content`, { headers: await stack.as(CAMAT) });
      expect(file.status).toBe(200);
      expect(file.headers.get('x-content-sha256')).toBe(v.body.sha256);
    }

    // "replaces" must name evidence of the same task of the same case.
    const elsewhere = await stack.call('POST', `/cases/${caseId}/tasks/maklumat-pelayanan/evidence`, form(pdf('x'), 'x.pdf', v1.body.id), stack.as(LURAH));
    expect([elsewhere.status, elsewhere.body.errors?.[0]?.field]).toEqual([400, 'replaces']);
    const junk = await stack.call('POST', url, form(pdf('x'), 'x.pdf', 'bukan-uuid'), stack.as(LURAH));
    expect([junk.status, junk.body.errors?.[0]?.field]).toEqual([400, 'replaces']);
  });

  it('fills each person\'s inbox by their role: the lurah works, the camat reviews, the coordinator decides', async () => {
    const mine = await stack.call('GET', '/me/tasks', undefined, stack.as(LURAH));
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((i: { unitCode: string; taskKey: string; action: string }) => [i.unitCode, i.taskKey, i.action]).sort()).toEqual([
      ['63.72.01.1001', 'maklumat-pelayanan', 'work'],
      ['63.72.01.1001', 'standar-pelayanan', 'work'],
    ]);
    expect(mine.body.items[0]).toMatchObject({ programmeId, programmeName: 'Standar Pelayanan 2027', timeZone: 'Asia/Makassar', state: 'OPEN' });
    // Soonest due first (standar-pelayanan is due after 10 working days, maklumat after 15).
    expect(mine.body.items.map((i: { taskKey: string }) => i.taskKey)).toEqual(['standar-pelayanan', 'maklumat-pelayanan']);
    expect((await stack.call('GET', '/me/tasks', undefined, stack.as(CAMAT))).body.items).toEqual([]);

    const evidence = (await stack.call('GET', `/cases/${caseId}`, undefined, stack.as(LURAH))).body.evidence[0].id;
    expect((await stack.call('POST', `/cases/${caseId}/tasks/standar-pelayanan/submit`, { evidenceIds: [evidence] }, stack.as(LURAH))).status).toBe(200);
    expect((await stack.call('POST', `/cases/${caseId}/tasks/maklumat-pelayanan/extension-request`, { workingDays: 3, reason: 'Papan dicetak' }, stack.as(LURAH))).status).toBe(200);

    const review = await eventually(async () => {
      const res = await stack.call('GET', '/me/tasks', undefined, stack.as(CAMAT));
      return res.body.items.length === 1 ? res.body.items : null;
    });
    expect(review[0]).toMatchObject({ action: 'review', taskKey: 'standar-pelayanan', unitCode: '63.72.01.1001', state: 'SUBMITTED', reviewLevel: 1 });
    const decide = await stack.call('GET', '/me/tasks?action=decide', undefined, stack.as(KOORDINATOR));
    expect(decide.body.items.map((i: { taskKey: string; action: string }) => [i.taskKey, i.action])).toEqual([['maklumat-pelayanan', 'decide']]);
    const lurahNow = await stack.call('GET', '/me/tasks', undefined, stack.as(LURAH));
    expect(lurahNow.body.items.map((i: { taskKey: string }) => i.taskKey)).toEqual(['maklumat-pelayanan']);
    // The other lurah sees only their own kelurahan.
    const other = await stack.call('GET', '/me/tasks', undefined, stack.as(OTHER_LURAH));
    expect(new Set(other.body.items.map((i: { unitCode: string }) => i.unitCode))).toEqual(new Set(['63.72.01.1002']));

    // Filters.
    expect((await stack.call('GET', `/me/tasks?programmeId=${randomUUID()}`, undefined, stack.as(OTHER_LURAH))).body.items).toEqual([]);
    expect((await stack.call('GET', '/me/tasks?overdue=true', undefined, stack.as(OTHER_LURAH))).body.items).toEqual([]);
    expect((await stack.call('GET', '/me/tasks?overdue=false', undefined, stack.as(OTHER_LURAH))).body.items).toHaveLength(2);
    const due = other.body.items[0].dueDate as string;
    expect((await stack.call('GET', `/me/tasks?dueBefore=${due}`, undefined, stack.as(OTHER_LURAH))).body.items.map((i: { dueDate: string }) => i.dueDate)).toEqual([due]);
    const bad = await stack.call('GET', '/me/tasks?dueBefore=kemarin&overdue=mungkin&limit=0&cursor=zzz&action=approve', undefined, stack.as(LURAH));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['action', 'dueBefore', 'limit', 'overdue']);
    const badCursor = await stack.call('GET', '/me/tasks?cursor=zzz', undefined, stack.as(LURAH));
    expect([badCursor.status, badCursor.body.errors[0].field]).toEqual([400, 'cursor']);
  });

  it('pages the inbox with a stable cursor while tasks are being added concurrently: nothing twice, nothing lost', async () => {
    // 30 more open tasks in the other kelurahan's case, due on dates spread over three months.
    const start = Date.UTC(2027, 0, 4);
    const row = (i: number) => ({ caseId: otherCaseId, key: `tambahan-${i}`, title: `Tugas tambahan ${i}`, assigneeRole: 'UNIT_HEAD' as const, state: 'OPEN' as const, dueDate: new Date(start + ((i * 7919) % 90) * 86_400_000) });
    await stack.prisma.task.createMany({ data: Array.from({ length: 30 }, (_, i) => row(i)) });
    const expected = new Set((await stack.call('GET', '/me/tasks?limit=200', undefined, stack.as(OTHER_LURAH))).body.items.map((i: { taskKey: string }) => i.taskKey));
    expect(expected.size).toBe(32);

    const seen: string[] = [];
    let cursor: string | null = null;
    let added = 0;
    do {
      const page: { body: { items: Array<{ taskKey: string }>; nextCursor: string | null } } = await stack.call('GET', `/me/tasks?limit=4${cursor ? `&cursor=${cursor}` : ''}`, undefined, stack.as(OTHER_LURAH));
      seen.push(...page.body.items.map((i) => i.taskKey));
      cursor = page.body.nextCursor;
      // Between pages, new tasks arrive: some due before the cursor, some after, some with no due date yet.
      await stack.prisma.task.createMany({ data: [row(100 + added), row(200 + added), { ...row(300 + added), dueDate: null }] });
      added += 1;
    } while (cursor);

    expect(new Set(seen).size).toBe(seen.length); // nothing twice
    for (const key of expected) expect(seen).toContain(key); // nothing that existed at the start was skipped
    expect(added).toBeGreaterThanOrEqual(8);
  });

  it("returns a case's timeline with its hash chain verified, and detects a tampered or removed event", async () => {
    const timeline = await stack.call('GET', `/cases/${caseId}/timeline`, undefined, stack.as(LURAH));
    expect(timeline.status).toBe(200);
    const { verification, events } = timeline.body;
    expect(verification).toMatchObject({ chain: `case:${caseId}`, valid: true, brokenAt: null });
    expect(verification.length).toBe(events.length);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.map((e: { seq: number }) => e.seq)).toEqual(events.map((_: unknown, i: number) => i + 1));
    expect(events[0].prevHash).toBeNull();
    for (let i = 1; i < events.length; i++) expect(events[i].prevHash).toBe(events[i - 1].hash);
    const submitted = events.find((e: { actor: string; action: string }) => e.actor === LURAH && e.action === 'task.submitted');
    const times = events.map((e: { at: string }) => e.at);
    expect([...times].sort()).toEqual(times); // a timeline: in time order
    expect(submitted).toBeDefined();
    expect(verification.headHash).toBe(events[events.length - 1].hash);

    // The database refuses to change or delete an audit event.
    await expect(sql((c) => c.query(`UPDATE audit_events SET reason = 'diubah' WHERE chain = $1 AND seq = 1`, [`case:${caseId}`]))).rejects.toThrow(/append-only/);
    await expect(sql((c) => c.query(`DELETE FROM audit_events WHERE chain = $1`, [`case:${caseId}`]))).rejects.toThrow(/append-only/);

    // Someone with full database rights switches the guard off and edits who approved what: detected.
    await sql(async (c) => {
      await c.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      await c.query(`UPDATE audit_events SET actor = 'orang.lain@contoh.id' WHERE chain = $1 AND seq = 2`, [`case:${caseId}`]);
      await c.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    });
    const tampered = await stack.call('GET', `/cases/${caseId}/timeline`, undefined, stack.as(KOORDINATOR));
    expect(tampered.body.verification).toMatchObject({ valid: false, brokenAt: 2 });
    expect(tampered.body.verification.problem).toMatch(/changed/);

    // Removing an event from the other case's chain is detected too.
    const ask = await stack.call('POST', `/cases/${otherCaseId}/tasks/maklumat-pelayanan/extension-request`, { workingDays: 2, reason: 'Percetakan tutup' }, stack.as(OTHER_LURAH));
    expect(ask.status).toBe(200);
    expect((await stack.call('POST', `/cases/${otherCaseId}/tasks/maklumat-pelayanan/extension-decision`, { approve: false, comment: 'Masih cukup waktu' }, stack.as(KOORDINATOR))).status).toBe(200);
    const otherBefore = await eventually(async () => {
      const res = await stack.call('GET', `/cases/${otherCaseId}/timeline`, undefined, stack.as(KOORDINATOR));
      return res.body.events.length >= 2 ? res : null;
    });
    expect(otherBefore.body.verification.valid).toBe(true);
    expect(otherBefore.body.events.length).toBeGreaterThanOrEqual(2);
    await sql(async (c) => {
      await c.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      await c.query(`DELETE FROM audit_events WHERE chain = $1 AND seq = 1`, [`case:${otherCaseId}`]);
      await c.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    });
    const removed = await stack.call('GET', `/cases/${otherCaseId}/timeline`, undefined, stack.as(KOORDINATOR));
    expect(removed.body.verification).toMatchObject({ valid: false, brokenAt: 1 });

    // Not visible to another kelurahan.
    expect((await stack.call('GET', `/cases/${caseId}/timeline`, undefined, stack.as(OTHER_LURAH))).status).toBe(404);
  });
});
