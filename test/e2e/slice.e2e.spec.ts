import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { localDateAt } from '@kawal/domain';
import { ApiStack, TEST_PASSWORD, startApiStack } from '../support/api-stack';

/**
 * The vertical slice end to end, over HTTP, with every real part: the Temporal dev server, PostgreSQL, an SMTP
 * server over TCP, the real worker process module and the real API application.
 */
describe('vertical slice over HTTP (dev server, PostgreSQL, SMTP)', () => {
  let stack: ApiStack;
  const MAX_BYTES = 64 * 1024;

  /** Signs in as the administrator unless the headers say who (as(...)) or `anonymous`. */
  const call = (method: string, url: string, body?: unknown, headers?: Record<string, string> | Promise<Record<string, string>>) => stack.call(method, url, body, headers);
  /** Headers of a real password sign-in as this person (once per person). */
  const as = (email: string) => stack.as(email);
  const anonymous = { authorization: 'none' };
  const fileForm = (content: Buffer, name: string, type = 'application/octet-stream') => {
    const form = new FormData();
    form.append('file', new Blob([content], { type }), name);
    return form;
  };
  /** Ids the story carries from one step to the next (the tests of this file run in order). */
  const story: { programmeId?: string; case1?: string; case2?: string } = {};
  const storedFiles = () => (readdirSync(stack.evidenceDir, { recursive: true }) as string[]).filter((f) => statSync(path.join(stack.evidenceDir, f)).isFile());

  beforeAll(async () => {
    stack = await startApiStack({ env: { EVIDENCE_MAX_BYTES: String(MAX_BYTES) } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('reports every dependency up on /health and serves OpenAPI and Swagger UI', async () => {
    const health = await call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('up');
    expect(Object.keys(health.body.dependencies).sort()).toEqual(['database', 'mail', 'storage', 'temporal']);
    for (const dep of Object.values(health.body.dependencies) as Array<{ status: string }>) expect(dep.status).toBe('up');

    const spec = await call('GET', '/openapi.json');
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/health', '/programmes', '/programmes/{id}', '/cases/{id}/tasks/{taskKey}/evidence', '/cases/{id}/tasks/{taskKey}/review']));
    const docs = await fetch(`${stack.base}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });

  it('answers bad input with problem+json naming the field, in Indonesian or English', async () => {
    const bad = await call('POST', '/units', { code: 'kota banjarbaru', name: '', kind: 'KOTA' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.title).toBe('Masukan tidak valid');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['code', 'name']);
    expect(bad.headers.get('x-request-id')).toBeTruthy();

    const english = await call('POST', '/units', { code: '63', name: 'X', kind: 'NEGARA' }, { 'accept-language': 'en-US' });
    expect(english.status).toBe(400);
    expect(english.body.title).toBe('Invalid input');
    expect(english.body.errors[0].field).toBe('kind');

    const malformed = await fetch(`${stack.base}/units`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { code: string }).code).toBe('MALFORMED_REQUEST');

    const template = await call('POST', '/templates', {
      key: 'rusak',
      version: 1,
      name: { id: 'Rusak' },
      tasks: [{ key: 'a', title: { id: 'A' }, assigneeRole: 'UNIT_HEAD', due: { from: 'programmeStart', workingDays: 0 } }],
    });
    expect(template.status).toBe(400);
    expect(template.body.errors).toEqual([expect.objectContaining({ field: 'tasks[0].due.workingDays', rule: 'must be at least 1' })]);

    const unknown = await call('GET', '/no-such-route');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('ROUTE_NOT_FOUND');
    expect(JSON.stringify(unknown.body)).not.toMatch(/at .*\.js:\d+/);
  });

  it('launches a programme, takes evidence and a submission, returns and approves it, and shows progress', async () => {
    // Units and people.
    expect((await call('POST', '/units', { code: '63.72', name: 'Kota Banjarbaru', kind: 'KOTA' })).status).toBe(201);
    expect((await call('POST', '/units', { code: '63.72.01', name: 'Banjarbaru Utara', kind: 'KECAMATAN', parentCode: '63.72' })).status).toBe(201);
    const kelurahan = ['Loktabat Utara', 'Mentaos', 'Komet'];
    for (const [i, name] of kelurahan.entries()) {
      const unit = await call('POST', '/units', { code: `63.72.01.100${i + 1}`, name, kind: 'KELURAHAN', parentCode: '63.72.01' });
      expect(unit.status).toBe(201);
      expect(unit.body.timeZone).toBe('Asia/Makassar');
      expect((await call('POST', '/people', { email: `lurah${i + 1}@banjarbarukota.go.id`, name: `Lurah ${name}`, roles: [{ role: 'UNIT_HEAD', unitCode: `63.72.01.100${i + 1}` }], password: TEST_PASSWORD })).status).toBe(201);
    }
    expect((await call('POST', '/people', { email: 'organisasi@banjarbarukota.go.id', name: 'Bagian Organisasi', roles: [{ role: 'COORDINATOR', unitCode: '63.72' }], password: TEST_PASSWORD })).status).toBe(201);

    // The built-in template was published at boot.
    const templates = await call('GET', '/templates');
    expect(templates.body.map((t: { key: string }) => t.key)).toContain('tindak-lanjut-standar-pelayanan');

    const startDate = localDateAt(Date.now(), 'Asia/Makassar');
    const invalidLaunch = await call('POST', '/programmes', { name: 'X', templateKey: 'tindak-lanjut-standar-pelayanan', startDate: '2027-02-30', unitCodes: ['63.72.01.1001', '63.72.01.9999'], coordinatorEmail: 'organisasi@banjarbarukota.go.id' });
    expect(invalidLaunch.status).toBe(400);
    expect(invalidLaunch.body.errors.map((e: { field: string }) => e.field)).toEqual(['startDate']);

    const launch = await call('POST', '/programmes', {
      name: 'Tindak Lanjut Standar Pelayanan Banjarbaru',
      templateKey: 'tindak-lanjut-standar-pelayanan',
      startDate,
      unitCodes: ['63.72.01.1001', '63.72.01.1002', '63.72.01.1003'],
      coordinatorEmail: 'organisasi@banjarbarukota.go.id',
    });
    expect(launch.status).toBe(201);
    expect(launch.body.caseCount).toBe(3);
    const programmeId: string = launch.body.id;
    story.programmeId = programmeId;

    // Every case is a running Temporal workflow and writes its tasks to the read model.
    let progress = await call('GET', `/programmes/${programmeId}`);
    for (let i = 0; i < 100 && (progress.body.casesStarted < 3 || progress.body.taskCount < 6); i++) {
      await new Promise((r) => setTimeout(r, 200));
      progress = await call('GET', `/programmes/${programmeId}`);
    }
    expect(progress.body).toMatchObject({ casesStarted: 3, taskCount: 6, percentApproved: 0 });
    expect(progress.body.tasksByState.OPEN).toBe(6);
    // Each lurah hears of both tasks on the first day; once every case is started the coordinator hears that the
    // launch is done. The mails below are the lurah's.
    const launchMails = await stack.smtp.waitFor(7, 20_000);
    const launched = launchMails.filter((m) => m.subject?.startsWith('[Kawal] Program diluncurkan'));
    expect(launched.map((m) => m.subject)).toEqual(['[Kawal] Program diluncurkan: "Tindak Lanjut Standar Pelayanan Banjarbaru" (3 unit)']);
    expect(JSON.stringify(launched[0].to)).toContain('organisasi@banjarbarukota.go.id');
    const assigned = launchMails.filter((m) => m.subject?.startsWith('[Kawal] Penugasan'));
    expect(assigned.map((m) => JSON.stringify(m.to).match(/lurah\d/)?.[0]).sort()).toEqual(['lurah1', 'lurah1', 'lurah2', 'lurah2', 'lurah3', 'lurah3']);
    await new Promise((r) => setTimeout(r, 500));
    expect(stack.smtp.messages).toHaveLength(7);
    stack.smtp.clear();

    const page1 = await call('GET', `/programmes/${programmeId}/cases?limit=2`);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await call('GET', `/programmes/${programmeId}/cases?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    const cases = [...page1.body.items, ...page2.body.items];
    for (const c of cases) {
      const description = await stack.env.client.workflow.getHandle(c.workflowId).describe();
      expect(description.status.name).toBe('RUNNING');
      expect(c.tasks.map((t: { state: string }) => t.state)).toEqual(['OPEN', 'OPEN']);
    }
    const case1 = cases.find((c) => c.unitCode === '63.72.01.1001');
    story.case1 = case1.id;
    story.case2 = cases.find((c) => c.unitCode === '63.72.01.1002').id;
    const taskUrl = `/cases/${case1.id}/tasks/standar-pelayanan`;

    // Uploads: wrong person, empty, wrong type, too large: refused, and nothing stored.
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n', 'latin1'), Buffer.alloc(2048, 0x20), Buffer.from('\n%%EOF\n')]);
    expect((await call('POST', `${taskUrl}/evidence`, fileForm(pdf, 'sp.pdf'), as('lurah2@banjarbarukota.go.id'))).status).toBe(404); // another kelurahan's case is not even visible
    expect((await call('POST', `${taskUrl}/evidence`, fileForm(pdf, 'sp.pdf'), anonymous)).status).toBe(401);
    const empty = await call('POST', `${taskUrl}/evidence`, fileForm(Buffer.alloc(0), 'kosong.pdf', 'application/pdf'), as('lurah1@banjarbarukota.go.id'));
    expect([empty.status, empty.body.code]).toEqual([400, 'EMPTY_FILE']);
    const exe = await call('POST', `${taskUrl}/evidence`, fileForm(Buffer.from('MZ\x90\x00 this is not a document at all'), 'sp.pdf', 'application/pdf'), as('lurah1@banjarbarukota.go.id'));
    expect([exe.status, exe.body.code]).toEqual([415, 'UNSUPPORTED_FILE_TYPE']);
    const huge = await call('POST', `${taskUrl}/evidence`, fileForm(Buffer.concat([pdf, Buffer.alloc(MAX_BYTES)]), 'besar.pdf'), as('lurah1@banjarbarukota.go.id'));
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(storedFiles()).toEqual([]);

    const upload = await call('POST', `${taskUrl}/evidence`, fileForm(pdf, '../../etc/standar pelayanan.pdf', 'text/plain'), as('lurah1@banjarbarukota.go.id'));
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ sha256: createHash('sha256').update(pdf).digest('hex'), sizeBytes: pdf.length, mediaType: 'application/pdf', filename: 'standar pelayanan.pdf' });
    expect(storedFiles()).toHaveLength(1);
    const download = await fetch(`${stack.base}/evidence/${upload.body.id}/content`, { headers: await as('organisasi@banjarbarukota.go.id') });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
    expect((await call('GET', `/evidence/${upload.body.id}/content`, undefined, as('lurah2@banjarbarukota.go.id'))).status).toBe(404);
    expect((await call('GET', `/evidence/${upload.body.id}/content`, undefined, anonymous)).status).toBe(401);

    // Submit, then the coordinator returns it with a comment: the lurah gets an email.
    const notEnough = await call('POST', `${taskUrl}/submit`, { evidenceIds: [] }, as('lurah1@banjarbarukota.go.id'));
    expect([notEnough.status, notEnough.body.code]).toEqual([422, 'EVIDENCE_REQUIRED']);
    expect(notEnough.body.detail).toBe('tugas "standar-pelayanan" memerlukan paling sedikit 1 bukti, baru 0');
    const notEnoughEn = await call('POST', `${taskUrl}/submit`, { evidenceIds: [] }, { ...(await as('lurah1@banjarbarukota.go.id')), 'accept-language': 'en' });
    expect(notEnoughEn.body.detail).toBe('task "standar-pelayanan" needs at least 1 piece(s) of evidence, got 0');
    const submitted = await call('POST', `${taskUrl}/submit`, { evidenceIds: [upload.body.id], note: 'Mohon diperiksa' }, as('lurah1@banjarbarukota.go.id'));
    expect(submitted.status).toBe(200);
    expect(submitted.body.task).toMatchObject({ state: 'SUBMITTED', reviewLevel: 1 });
    const twice = await call('POST', `${taskUrl}/submit`, { evidenceIds: [upload.body.id] }, as('lurah1@banjarbarukota.go.id'));
    expect([twice.status, twice.body.code]).toEqual([409, 'INVALID_STATE']);

    expect((await call('POST', `${taskUrl}/review`, { decision: 'approve' }, as('lurah1@banjarbarukota.go.id'))).status).toBe(403);
    const noComment = await call('POST', `${taskUrl}/review`, { decision: 'return' }, as('organisasi@banjarbarukota.go.id'));
    expect([noComment.status, noComment.body.code]).toEqual([422, 'COMMENT_REQUIRED']);
    const returned = await call('POST', `${taskUrl}/review`, { decision: 'return', comment: 'Lampirkan SK penetapan standar pelayanan.' }, as('organisasi@banjarbarukota.go.id'));
    expect(returned.status).toBe(200);
    expect(returned.body.task).toMatchObject({ state: 'RETURNED', lastComment: 'Lampirkan SK penetapan standar pelayanan.' });

    const [returnedMail] = await stack.smtp.waitFor(1, 20_000);
    expect(returnedMail.subject).toBe('[Kawal] Dikembalikan untuk perbaikan: "Unggah dokumen standar pelayanan"');
    expect(JSON.stringify(returnedMail.to)).toContain('lurah1@banjarbarukota.go.id');
    expect(returnedMail.text).toContain('Lampirkan SK penetapan standar pelayanan.');
    // A registered person's email carries a signed, single-use link to the task, not the plain task address.
    expect(returnedMail.text).toMatch(/Perbaiki tugas: http:\/\/kawal\.test\/links\/kwa_[A-Za-z0-9_-]{43}\n/);
    expect(returnedMail.text).not.toContain(`http://kawal.test/cases/${case1.id}`);

    // Resubmit and approve.
    expect((await call('POST', `${taskUrl}/submit`, { evidenceIds: [upload.body.id] }, as('lurah1@banjarbarukota.go.id'))).status).toBe(200);
    const approved = await call('POST', `${taskUrl}/review`, { decision: 'approve', level: 1 }, as('organisasi@banjarbarukota.go.id'));
    expect(approved.status).toBe(200);
    expect(approved.body.task.state).toBe('APPROVED');
    const again = await call('POST', `${taskUrl}/review`, { decision: 'approve', level: 1 }, as('organisasi@banjarbarukota.go.id'));
    expect([again.status, again.body.code]).toEqual([409, 'INVALID_STATE']);
    const mails = await stack.smtp.waitFor(2, 20_000);
    expect(mails[1].subject).toBe('[Kawal] Disetujui: "Unggah dokumen standar pelayanan"');

    // The read model shows it.
    const detail = await call('GET', `/cases/${case1.id}`);
    expect(detail.body.tasks.find((t: { key: string }) => t.key === 'standar-pelayanan').state).toBe('APPROVED');
    expect(detail.body.evidence).toHaveLength(1);
    progress = await call('GET', `/programmes/${programmeId}`);
    expect(progress.body.tasksByState).toMatchObject({ APPROVED: 1, OPEN: 5 });
    expect(progress.body.percentApproved).toBe(16.67);
  });

  it('takes the engine commands over HTTP: extension, waiver, sign-off, programme actions and a late-joining unit', async () => {
    const { programmeId, case1, case2 } = story;
    expect(programmeId && case1 && case2).toBeTruthy();
    const lurah1 = as('lurah1@banjarbarukota.go.id');
    const koordinator = as('organisasi@banjarbarukota.go.id');
    const maklumat = `/cases/${case1}/tasks/maklumat-pelayanan`;
    stack.smtp.clear();

    // Extension: validated, scoped to the unit, decided by the coordinator (who is emailed about the request).
    const badDays = await call('POST', `${maklumat}/extension-request`, { workingDays: 0, reason: 'x' }, lurah1);
    expect([badDays.status, badDays.body.errors?.[0]?.field]).toEqual([400, 'workingDays']);
    expect((await call('POST', `${maklumat}/extension-request`, { workingDays: 3, reason: 'Papan maklumat sedang dicetak' }, as('lurah2@banjarbarukota.go.id'))).status).toBe(404);
    const before = (await call('GET', `/cases/${case1}`)).body.tasks.find((t: { key: string }) => t.key === 'maklumat-pelayanan').dueDate;
    const requested = await call('POST', `${maklumat}/extension-request`, { workingDays: 3, reason: 'Papan maklumat sedang dicetak' }, lurah1);
    expect(requested.status).toBe(200);
    expect(requested.body.task.extensionRequested).toBe(true);
    const pending = await call('POST', `${maklumat}/extension-request`, { workingDays: 2, reason: 'lagi' }, lurah1);
    expect([pending.status, pending.body.code]).toEqual([409, 'EXTENSION_PENDING']);
    expect((await call('POST', `${maklumat}/extension-decision`, { approve: true }, lurah1)).status).toBe(403);
    const decided = await call('POST', `${maklumat}/extension-decision`, { approve: true, comment: 'Disetujui' }, koordinator);
    expect(decided.status).toBe(200);
    expect(decided.body.task.dueDate > before).toBe(true);
    expect(decided.body.task.extensionRequested).toBe(false);
    const none = await call('POST', `${maklumat}/extension-decision`, { approve: false, comment: 'x' }, koordinator);
    expect([none.status, none.body.code]).toEqual([409, 'NO_EXTENSION_REQUEST']);
    const requestMail = (await stack.smtp.waitFor(2, 20_000)).find((m) => JSON.stringify(m.to).includes('organisasi@banjarbarukota.go.id'));
    expect(requestMail?.text).toContain('Papan maklumat sedang dicetak');

    // Waive the last open task of case 1: the case completes and can be signed off, by the coordinator only.
    const noReason = await call('POST', `${maklumat}/waive`, { reason: '' }, koordinator);
    expect([noReason.status, noReason.body.errors?.[0]?.field]).toEqual([400, 'reason']);
    const waived = await call('POST', `${maklumat}/waive`, { reason: 'Maklumat sudah dipajang sejak 2025' }, koordinator);
    expect(waived.body.task.state).toBe('WAIVED');
    let detail = await call('GET', `/cases/${case1}`);
    for (let i = 0; i < 50 && detail.body.status !== 'COMPLETED'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      detail = await call('GET', `/cases/${case1}`);
    }
    expect(detail.body.status).toBe('COMPLETED');
    expect((await call('POST', `/cases/${case1}/sign-off`, {}, lurah1)).status).toBe(403);
    const notDone = await call('POST', `/cases/${case2}/sign-off`, {}, koordinator);
    expect([notDone.status, notDone.body.code]).toEqual([409, 'CASE_NOT_COMPLETE']);
    const signed = await call('POST', `/cases/${case1}/sign-off`, { comment: 'Lengkap' }, koordinator);
    expect([signed.status, signed.body.caseStatus]).toEqual([200, 'SIGNED_OFF']);

    // Programme actions: coordinator only, validated, refused when they make no sense.
    expect((await call('POST', `/programmes/${programmeId}/actions`, { kind: 'suspend', reason: 'Pilkada' }, lurah1)).status).toBe(404); // a lurah works through their case; the programme dashboard is not theirs
    const noDays = await call('POST', `/programmes/${programmeId}/actions`, { kind: 'extend', reason: 'Jaringan' }, koordinator);
    expect([noDays.status, noDays.body.errors?.[0]?.field]).toEqual([400, 'workingDays']);
    const badKind = await call('POST', `/programmes/${programmeId}/actions`, { kind: 'pause', reason: 'x' }, koordinator);
    expect([badKind.status, badKind.body.errors?.[0]?.field]).toEqual([400, 'kind']);
    const suspended = await call('POST', `/programmes/${programmeId}/actions`, { kind: 'suspend', reason: 'Pilkada' }, koordinator);
    expect(suspended.status).toBe(202);
    expect(suspended.body).toMatchObject({ kind: 'suspend', by: 'organisasi@banjarbarukota.go.id', reason: 'Pilkada' });
    const twice = await call('POST', `/programmes/${programmeId}/actions`, { kind: 'suspend', reason: 'Pilkada' }, koordinator);
    expect([twice.status, twice.body.code]).toEqual([409, 'ALREADY_SUSPENDED']);
    expect((await call('POST', `/programmes/${programmeId}/actions`, { kind: 'resume', reason: 'Selesai' }, koordinator)).status).toBe(202);
    let programme = await call('GET', `/programmes/${programmeId}`);
    for (let i = 0; i < 50 && programme.body.status !== 'RUNNING'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      programme = await call('GET', `/programmes/${programmeId}`);
    }
    expect(programme.body.status).toBe('RUNNING');

    // A unit joins late; joining twice is refused and names the field.
    expect((await call('POST', '/units', { code: '63.72.01.1004', name: 'Guntung Manggis', kind: 'KELURAHAN', parentCode: '63.72.01' })).status).toBe(201);
    const joined = await call('POST', `/programmes/${programmeId}/units`, { unitCodes: ['63.72.01.1004'], reason: 'Ikut menyusul' }, koordinator);
    expect([joined.status, joined.body.caseCount]).toEqual([200, 4]);
    const again = await call('POST', `/programmes/${programmeId}/units`, { unitCodes: ['63.72.01.1004'] }, koordinator);
    expect([again.status, again.body.errors?.[0]?.field]).toEqual([400, 'unitCodes[0]']);
    for (let i = 0; i < 100 && programme.body.casesStarted < 4; i++) {
      await new Promise((r) => setTimeout(r, 200));
      programme = await call('GET', `/programmes/${programmeId}`);
    }
    expect(programme.body.casesStarted).toBe(4);

    // The notification log: what was sent to whom, with the SMTP message id; coordinators only; filters validated.
    expect((await call('GET', '/notifications', undefined, lurah1)).status).toBe(403);
    const badStatus = await call('GET', '/notifications?status=LOST', undefined, koordinator);
    expect([badStatus.status, badStatus.body.errors?.[0]?.field]).toEqual([400, 'status']);
    const log = await call('GET', '/notifications?recipient=organisasi@banjarbarukota.go.id&kind=extension-requested', undefined, koordinator);
    expect(log.status).toBe(200);
    expect(log.body.items).toEqual([expect.objectContaining({ recipient: 'organisasi@banjarbarukota.go.id', kind: 'extension-requested', status: 'SENT', messageId: expect.stringMatching(/@kawal\.test>$/) })]);
    const first = await call('GET', '/notifications?limit=1', undefined, koordinator);
    const second = await call('GET', `/notifications?limit=1&cursor=${first.body.nextCursor}`, undefined, koordinator);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect((await call('GET', '/notifications?cursor=rusak', undefined, koordinator)).body.errors?.[0]?.field).toBe('cursor');

    const spec = await call('GET', '/openapi.json');
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/cases/{id}/tasks/{taskKey}/extension-request', '/cases/{id}/tasks/{taskKey}/extension-decision', '/cases/{id}/tasks/{taskKey}/waive', '/cases/{id}/tasks/{taskKey}/reassign', '/cases/{id}/sign-off', '/programmes/{id}/actions', '/programmes/{id}/units', '/notifications']),
    );
  });
});
