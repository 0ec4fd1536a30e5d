import { parse } from 'csv-parse/sync';
import { Workbook } from 'exceljs';
import { localDateAt } from '@kawal/domain';
import { ADMIN_EMAIL, ApiStack, createPerson, createUnitTree, eventually, startApiStack } from '../support/api-stack';

/**
 * The programme family of the API over HTTP with every real part (Temporal dev server, PostgreSQL, SMTP, worker):
 * launching by a unit selector, who sees which programmes, the dashboard with its per-kecamatan breakdown, the case
 * list's filters and the report export (CSV and XLSX, Indonesian and English).
 */
describe('programmes over HTTP: selector launch, visibility, dashboard, cases, export', () => {
  let stack: ApiStack;
  const KOORDINATOR = 'organisasi@banjarbarukota.go.id';
  const OBSERVER = 'pemantau@ombudsman.go.id';
  const KOORDINATOR_BJM = 'organisasi@banjarmasinkota.go.id';
  const LURAH = 'lurah@loktabatutara.go.id';
  const TEMPLATE = 'tindak-lanjut-standar-pelayanan';
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const today = () => localDateAt(Date.now(), 'Asia/Makassar');
  const daysBefore = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
  /** Ids the tests carry from one to the next (they run in order). */
  const ids: { a?: string; b?: string; c?: string } = {};

  const launch = (body: Record<string, unknown>, as = ADMIN_EMAIL) =>
    stack.call('POST', '/programmes', { name: 'Tindak Lanjut Standar Pelayanan', templateKey: TEMPLATE, startDate: today(), ...body }, stack.as(as));
  const get = (url: string, as = ADMIN_EMAIL, headers: Record<string, string> = {}) => stack.call('GET', url, undefined, stack.as(as).then((h) => ({ ...h, ...headers })));
  const fields = (res: { body: { errors?: Array<{ field: string }> } }) => (res.body.errors ?? []).map((e) => e.field);
  /** The raw bytes of a download. */
  const download = async (url: string, as = ADMIN_EMAIL, headers: Record<string, string> = {}) => {
    const res = await fetch(`${stack.base}${url}`, { headers: { ...(await stack.as(as)), ...headers } });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };
  /** Polls the dashboard until `ready` holds. */
  const dashboard = (id: string, ready: (body: any) => boolean) => // eslint-disable-line @typescript-eslint/no-explicit-any
    eventually(async () => {
      const res = await get(`/programmes/${id}`, KOORDINATOR);
      return res.status === 200 && ready(res.body) ? res.body : null;
    }, 30_000);
  const caseOf = async (programmeId: string, unitCode: string): Promise<{ id: string }> => {
    const res = await get(`/programmes/${programmeId}/cases?limit=500`);
    return res.body.items.find((c: { unitCode: string }) => c.unitCode === unitCode);
  };

  beforeAll(async () => {
    stack = await startApiStack();
    await createUnitTree(stack);
    for (const u of [
      { code: '63.71', name: 'Kota Banjarmasin', kind: 'KOTA' },
      { code: '63.71.01', name: 'Banjarmasin Selatan', kind: 'KECAMATAN', parentCode: '63.71' },
      { code: '63.71.01.1001', name: 'Kelayan Luar', kind: 'KELURAHAN', parentCode: '63.71.01' },
    ]) {
      const res = await stack.call('POST', '/units', u);
      if (res.status !== 201) throw new Error(`unit ${u.code}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    await createPerson(stack, KOORDINATOR, [{ role: 'COORDINATOR', unitCode: '63.72' }], 'Bagian Organisasi Banjarbaru');
    await createPerson(stack, OBSERVER, [{ role: 'OBSERVER', unitCode: '63.72' }], 'Ombudsman Kalsel');
    await createPerson(stack, KOORDINATOR_BJM, [{ role: 'COORDINATOR', unitCode: '63.71' }], 'Bagian Organisasi Banjarmasin');
    await createPerson(stack, LURAH, [{ role: 'UNIT_HEAD', unitCode: '63.72.01.1001' }], 'Lurah Loktabat Utara');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses a launch whose units are not exactly one of unitCodes/unitSelector, select nothing, are unknown, or lie outside the coordinator\'s scope', async () => {
    const both = await launch({ unitCodes: ['63.72.01.1001'], unitSelector: { under: '63.72' } }, KOORDINATOR);
    expect([both.status, fields(both)]).toEqual([400, ['unitSelector']]);
    expect(both.body.errors[0].message).toContain('unitCodes');

    const none = await launch({}, KOORDINATOR);
    expect([none.status, fields(none)]).toEqual([400, ['unitCodes']]);

    const noCriteria = await launch({ unitSelector: {} }, KOORDINATOR);
    expect([noCriteria.status, fields(noCriteria)]).toEqual([400, ['unitSelector']]);

    const empty = await launch({ unitSelector: { under: '63.72.01.1001' } }, KOORDINATOR); // a kelurahan has nothing under it
    expect([empty.status, fields(empty)]).toEqual([400, ['unitSelector']]);
    const emptyKind = await launch({ unitSelector: { under: '63.72', kind: 'DESA' } }, KOORDINATOR);
    expect([emptyKind.status, fields(emptyKind)]).toEqual([400, ['unitSelector']]);
    expect(emptyKind.body.errors[0].rule).toBe('selects no unit');

    const unknownUnder = await launch({ unitSelector: { under: '63.79', kind: 'KELURAHAN' } }, KOORDINATOR);
    expect([unknownUnder.status, fields(unknownUnder)]).toEqual([400, ['unitSelector.under']]);
    const unknownCode = await launch({ unitSelector: { codes: ['63.72.01.1001', '63.72.01.9999'] } }, KOORDINATOR);
    expect([unknownCode.status, fields(unknownCode)]).toEqual([400, ['unitSelector.codes[1]']]);
    const badKind = await launch({ unitSelector: { under: '63.72', kind: 'NEGARA' } }, KOORDINATOR);
    expect([badKind.status, fields(badKind)]).toEqual([400, ['unitSelector.kind']]);
    const badUnder = await launch({ unitSelector: { under: 'kota banjarbaru' } }, KOORDINATOR);
    expect([badUnder.status, fields(badUnder)]).toEqual([400, ['unitSelector.under']]);
    const english = await stack.call('POST', '/programmes', { name: 'X', templateKey: TEMPLATE, startDate: today() }, stack.as(KOORDINATOR).then((h) => ({ ...h, 'accept-language': 'en' })));
    expect([english.status, english.body.title, english.body.errors[0].rule]).toEqual([400, 'Invalid input', 'either unitCodes or unitSelector is required']);

    // Scope: Banjarmasin's coordinator has no authority over Banjarbaru; a lurah may not launch at all.
    const outside = await launch({ unitSelector: { under: '63.72', kind: 'KELURAHAN' } }, KOORDINATOR_BJM);
    expect([outside.status, outside.body.code]).toEqual([403, 'FORBIDDEN']);
    expect(outside.body.detail).toContain('63.72.01.1001');
    const outsideByKind = await launch({ unitSelector: { kind: 'KELURAHAN' } }, KOORDINATOR); // every kelurahan: Banjarmasin's too
    expect([outsideByKind.status, outsideByKind.body.detail]).toEqual([403, expect.stringContaining('63.71.01.1001')]);
    expect((await launch({ unitSelector: { under: '63.72', kind: 'KELURAHAN' } }, LURAH)).status).toBe(403);

    expect((await stack.prisma.programme.count())).toBe(0);
  });

  it('launches for every kelurahan under a kota by selector, and by codes inside a selector', async () => {
    const a = await launch({ name: 'Kelurahan Bebas Maladministrasi Banjarbaru', unitSelector: { under: '63.72', kind: 'KELURAHAN' } }, KOORDINATOR);
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ caseCount: 3, coordinatorEmail: KOORDINATOR, status: 'RUNNING', templateKey: TEMPLATE });
    ids.a = a.body.id;
    const units = await stack.prisma.case.findMany({ where: { programmeId: ids.a }, select: { unit: { select: { code: true } } } });
    expect(units.map((c) => c.unit.code).sort()).toEqual(['63.72.01.1001', '63.72.01.1002', '63.72.02.1001']);
    // The launch opens the programme's audit chain: who, the template, the units.
    const audit = await stack.call('GET', `/programmes/${ids.a}/audit`, undefined, stack.as(KOORDINATOR));
    expect(audit.body.verification).toMatchObject({ valid: true });
    expect(audit.body.events[0]).toMatchObject({ seq: 1, actor: KOORDINATOR, action: 'programme.launched', after: { units: 3, template: { key: TEMPLATE } } });

    // Started two months ago: every deadline has passed, so the tasks turn overdue as soon as the cases run.
    const b = await launch({ name: 'Monitoring Maklumat Banjarbaru Utara', startDate: daysBefore(today(), 60), unitSelector: { under: '63.72.01' } }, KOORDINATOR);
    expect([b.status, b.body.caseCount]).toEqual([201, 2]);
    ids.b = b.body.id;

    const c = await launch({ name: 'Tindak Lanjut BANJARMASIN', unitSelector: { under: '63.71', codes: ['63.71.01.1001'] } }, KOORDINATOR_BJM);
    expect([c.status, c.body.caseCount]).toEqual([201, 1]);
    ids.c = c.body.id;
  });

  it('lists only the programmes a person may read, newest first, filtered and cursor-paged without duplicates', async () => {
    const { a, b, c } = ids;
    const listed = async (as: string, query = '') => {
      const res = await get(`/programmes${query}`, as);
      expect(res.status).toBe(200);
      return res.body.items.map((p: { id: string }) => p.id);
    };
    expect(await listed(ADMIN_EMAIL)).toEqual([c, b, a]);
    expect(await listed(KOORDINATOR)).toEqual([b, a]);
    expect(await listed(OBSERVER)).toEqual([b, a]);
    expect(await listed(KOORDINATOR_BJM)).toEqual([c]);
    expect(await listed(LURAH)).toEqual([]);

    const first = await get('/programmes', KOORDINATOR);
    expect(first.body.nextCursor).toBeNull();
    expect(first.body.items[0]).toMatchObject({ id: b, name: 'Monitoring Maklumat Banjarbaru Utara', caseCount: 2, coordinatorEmail: KOORDINATOR, templateVersion: 1 });
    expect(Date.parse(first.body.items[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(first.body.items[1].createdAt));

    // limit=1, page by page: every programme once, in order.
    for (const [as, expected] of [
      [KOORDINATOR, [b, a]],
      [ADMIN_EMAIL, [c, b, a]],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 10; i++) {
        const page = await get(`/programmes?limit=1${cursor ? `&cursor=${cursor}` : ''}`, as);
        expect(page.status).toBe(200);
        expect(page.body.items).toHaveLength(1);
        seen.push(page.body.items[0].id);
        cursor = page.body.nextCursor;
        if (!cursor) break;
      }
      expect(seen).toEqual(expected);
    }

    expect(await listed(ADMIN_EMAIL, '?q=banjarmasin')).toEqual([c]);
    expect(await listed(ADMIN_EMAIL, '?q=MALADMINISTRASI')).toEqual([a]);
    expect(await listed(KOORDINATOR, '?q=banjarmasin')).toEqual([]);
    expect(await listed(ADMIN_EMAIL, '?q=50%25')).toEqual([]); // LIKE wildcards are taken literally
    expect(await listed(ADMIN_EMAIL, '?status=RUNNING&limit=10')).toEqual([c, b, a]);
    expect(await listed(ADMIN_EMAIL, '?status=CANCELLED')).toEqual([]);

    const badStatus = await get('/programmes?status=PAUSED');
    expect([badStatus.status, fields(badStatus)]).toEqual([400, ['status']]);
    const badCursor = await get('/programmes?cursor=rusak');
    expect([badCursor.status, fields(badCursor)]).toEqual([400, ['cursor']]);
    const badLimit = await get('/programmes?limit=0');
    expect([badLimit.status, fields(badLimit)]).toEqual([400, ['limit']]);
  });

  it('shows the dashboard with a breakdown per kecamatan, and % approved moves with a waiver and an approval', async () => {
    const id = ids.a!;
    let body = await dashboard(id, (p) => p.casesStarted === 3 && p.taskCount === 6);
    expect(body).toMatchObject({ caseCount: 3, casesByStatus: { ACTIVE: 3 }, tasksByState: { OPEN: 6, APPROVED: 0 }, percentApproved: 0, overdueCases: 0, overdueTasks: 0 });
    expect(body.breakdown).toEqual([
      { parentCode: '63.72.01', parentName: 'Banjarbaru Utara', cases: 2, tasks: 4, approved: 0, waived: 0, overdueTasks: 0, overdueCases: 0, percentApproved: 0 },
      { parentCode: '63.72.02', parentName: 'Banjarbaru Selatan', cases: 1, tasks: 2, approved: 0, waived: 0, overdueTasks: 0, overdueCases: 0, percentApproved: 0 },
    ]);

    // Waive a task in Banjarbaru Selatan.
    const selatan = await caseOf(id, '63.72.02.1001');
    const waived = await stack.call('POST', `/cases/${selatan.id}/tasks/maklumat-pelayanan/waive`, { reason: 'Maklumat sudah dipajang sejak 2025' }, stack.as(KOORDINATOR));
    expect([waived.status, waived.body.task?.state]).toEqual([200, 'WAIVED']);
    body = await dashboard(id, (p) => p.tasksByState.WAIVED === 1);
    expect(body.percentApproved).toBe(16.67);
    expect(body.breakdown[1]).toMatchObject({ parentCode: '63.72.02', tasks: 2, approved: 0, waived: 1, percentApproved: 50 });
    expect(body.breakdown[0]).toMatchObject({ parentCode: '63.72.01', percentApproved: 0 });

    // The lurah submits evidence, the coordinator approves: Banjarbaru Utara moves to 25%.
    const utara = await caseOf(id, '63.72.01.1001');
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n', 'latin1'), Buffer.alloc(2048, 0x20), Buffer.from('\n%%EOF\n')]);
    const form = new FormData();
    form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'standar-pelayanan.pdf');
    const task = `/cases/${utara.id}/tasks/standar-pelayanan`;
    const upload = await stack.call('POST', `${task}/evidence`, form, stack.as(LURAH));
    expect(upload.status).toBe(201);
    expect((await stack.call('POST', `${task}/submit`, { evidenceIds: [upload.body.id] }, stack.as(LURAH))).status).toBe(200);
    const approved = await stack.call('POST', `${task}/review`, { decision: 'approve', level: 1 }, stack.as(KOORDINATOR));
    expect([approved.status, approved.body.task?.state]).toEqual([200, 'APPROVED']);
    body = await dashboard(id, (p) => p.tasksByState.APPROVED === 1);
    expect(body.percentApproved).toBe(33.33);
    expect(body.breakdown).toEqual([
      { parentCode: '63.72.01', parentName: 'Banjarbaru Utara', cases: 2, tasks: 4, approved: 1, waived: 0, overdueTasks: 0, overdueCases: 0, percentApproved: 25 },
      { parentCode: '63.72.02', parentName: 'Banjarbaru Selatan', cases: 1, tasks: 2, approved: 0, waived: 1, overdueTasks: 0, overdueCases: 0, percentApproved: 50 },
    ]);

    // The programme started two months ago: overdue tasks and cases, per kecamatan too.
    const late = await dashboard(ids.b!, (p) => p.taskCount === 4 && p.overdueTasks === 4);
    expect(late).toMatchObject({ overdueCases: 2, overdueTasks: 4, percentApproved: 0 });
    expect(late.breakdown).toEqual([{ parentCode: '63.72.01', parentName: 'Banjarbaru Utara', cases: 2, tasks: 4, approved: 0, waived: 0, overdueTasks: 4, overdueCases: 2, percentApproved: 0 }]);
  });

  it('pages and filters the cases of a programme by overdue, status and parent', async () => {
    const cases = async (id: string, query: string, as = KOORDINATOR) => {
      const res = await get(`/programmes/${id}/cases${query}`, as);
      expect(res.status).toBe(200);
      return res.body.items.map((c: { unitCode: string }) => c.unitCode);
    };
    const a = ids.a!;
    const b = ids.b!;
    const page1 = await get(`/programmes/${a}/cases?limit=2`, KOORDINATOR);
    const page2 = await get(`/programmes/${a}/cases?limit=2&cursor=${page1.body.nextCursor}`, KOORDINATOR);
    expect([...page1.body.items, ...page2.body.items].map((c: { unitCode: string }) => c.unitCode)).toEqual(['63.72.01.1001', '63.72.01.1002', '63.72.02.1001']);
    expect(page2.body.nextCursor).toBeNull();
    expect(page1.body.items[0]).toMatchObject({ parentCode: '63.72.01', parentName: 'Banjarbaru Utara', timeZone: 'Asia/Makassar' });

    expect(await cases(a, '?parentCode=63.72.01')).toEqual(['63.72.01.1001', '63.72.01.1002']);
    expect(await cases(a, '?parentCode=63.72.02&status=ACTIVE')).toEqual(['63.72.02.1001']);
    expect(await cases(a, '?status=SIGNED_OFF')).toEqual([]);
    expect(await cases(a, '?overdue=true')).toEqual([]);
    expect(await cases(a, '?overdue=false')).toEqual(['63.72.01.1001', '63.72.01.1002', '63.72.02.1001']);
    expect(await cases(b, '?overdue=true')).toEqual(['63.72.01.1001', '63.72.01.1002']);

    // Waiving every task of one late case clears its overdue tasks and completes it.
    const late = await caseOf(b, '63.72.01.1002');
    for (const key of ['standar-pelayanan', 'maklumat-pelayanan']) {
      const res = await stack.call('POST', `/cases/${late.id}/tasks/${key}/waive`, { reason: 'Dibebaskan oleh koordinator' }, stack.as(KOORDINATOR));
      expect(res.status).toBe(200);
    }
    await eventually(async () => JSON.stringify(await cases(b, '?status=COMPLETED')) === JSON.stringify(['63.72.01.1002']));
    expect(await cases(b, '?overdue=true')).toEqual(['63.72.01.1001']);
    expect(await cases(b, '?overdue=false')).toEqual(['63.72.01.1002']);
    expect(await cases(b, '?overdue=true&parentCode=63.72.02')).toEqual([]);
    const dash = await get(`/programmes/${b}`, KOORDINATOR);
    expect(dash.body).toMatchObject({ overdueCases: 1, overdueTasks: 2, casesByStatus: { ACTIVE: 1, COMPLETED: 1 } });
    expect(dash.body.breakdown[0]).toMatchObject({ cases: 2, tasks: 4, waived: 2, overdueTasks: 2, overdueCases: 1, percentApproved: 50 });

    expect(await cases(a, '', OBSERVER)).toHaveLength(3);
    for (const [query, field] of [
      ['?overdue=maybe', 'overdue'],
      ['?status=OPEN', 'status'],
      ['?parentCode=kecamatan', 'parentCode'],
      ['?cursor=rusak', 'cursor'],
      ['?limit=501', 'limit'],
    ]) {
      const res = await get(`/programmes/${a}/cases${query}`, KOORDINATOR);
      expect([query, res.status, fields(res)]).toEqual([query, 400, [field]]);
    }
  });

  it('exports the report as CSV (Indonesian or English) and XLSX, named after the programme', async () => {
    const id = ids.a!;
    const csv = await download(`/programmes/${id}/export`, KOORDINATOR);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="kelurahan-bebas-maladministrasi-banjarbaru-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(csv.headers.get('content-disposition')).toContain(today());
    const records: string[][] = parse(csv.body, { bom: true });
    expect(records[0]).toEqual(['Kode unit', 'Nama unit', 'Kode induk', 'Induk', 'Zona waktu', 'Status kasus', 'Jumlah tugas', 'Disetujui', 'Terlambat', '% disetujui', 'Tenggat berikutnya']);
    expect(records.slice(1).map((r) => r.slice(0, 10))).toEqual([
      ['63.72.01.1001', 'Loktabat Utara', '63.72.01', 'Banjarbaru Utara', 'Asia/Makassar', 'ACTIVE', '2', '1', '0', '50'],
      ['63.72.01.1002', 'Sungai Ulin', '63.72.01', 'Banjarbaru Utara', 'Asia/Makassar', 'ACTIVE', '2', '0', '0', '0'],
      ['63.72.02.1001', 'Loktabat Selatan', '63.72.02', 'Banjarbaru Selatan', 'Asia/Makassar', 'ACTIVE', '2', '1', '0', '50'],
    ]);
    for (const r of records.slice(1)) expect(r[10]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Loktabat Selatan's only open task is standar-pelayanan: its due date is the next one.
    const selatan = await get(`/programmes/${id}/cases?parentCode=63.72.02`, KOORDINATOR);
    expect(records[3][10]).toBe(selatan.body.items[0].tasks.find((t: { key: string }) => t.key === 'standar-pelayanan').dueDate);

    const en = await download(`/programmes/${id}/export?format=csv`, KOORDINATOR, { 'accept-language': 'en-US,en;q=0.9' });
    const enRecords: string[][] = parse(en.body, { bom: true });
    expect(enRecords[0]).toEqual(['Unit code', 'Unit name', 'Parent code', 'Parent', 'Time zone', 'Case status', 'Tasks', 'Approved', 'Overdue', '% approved', 'Next due date']);
    expect(enRecords).toHaveLength(4);

    const late = parse(await download(`/programmes/${ids.b}/export`, OBSERVER).then((r) => r.body), { bom: true }) as string[][];
    expect(late.slice(1).map((r) => [r[0], r[5], r[6], r[7], r[8]])).toEqual([
      ['63.72.01.1001', 'ACTIVE', '2', '0', '2'],
      ['63.72.01.1002', 'COMPLETED', '2', '2', '0'],
    ]);

    const xlsx = await download(`/programmes/${id}/export?format=xlsx`, OBSERVER);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe(XLSX);
    expect(xlsx.headers.get('content-disposition')).toMatch(/^attachment; filename="kelurahan-bebas-maladministrasi-banjarbaru-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const workbook = new Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Ringkasan', 'Unit', 'Tugas']);
    const unitSheet = workbook.getWorksheet('Unit')!;
    expect(unitSheet.rowCount).toBe(4);
    expect(unitSheet.getRow(2).getCell(1).value).toBe('63.72.01.1001');
    expect(unitSheet.getRow(2).getCell(8).value).toBe(1);
    const taskSheet = workbook.getWorksheet('Tugas')!;
    expect(taskSheet.rowCount).toBe(7);
    const states = [];
    for (let r = 2; r <= 7; r++) states.push(`${taskSheet.getRow(r).getCell(1).value}/${taskSheet.getRow(r).getCell(3).value}=${taskSheet.getRow(r).getCell(5).value}`);
    expect(states.sort()).toEqual([
      '63.72.01.1001/maklumat-pelayanan=OPEN',
      '63.72.01.1001/standar-pelayanan=APPROVED',
      '63.72.01.1002/maklumat-pelayanan=OPEN',
      '63.72.01.1002/standar-pelayanan=OPEN',
      '63.72.02.1001/maklumat-pelayanan=WAIVED',
      '63.72.02.1001/standar-pelayanan=OPEN',
    ]);

    // The Accept header picks XLSX when no format is given; an unknown format is refused.
    const byAccept = await download(`/programmes/${id}/export`, KOORDINATOR, { accept: XLSX });
    expect([byAccept.status, byAccept.headers.get('content-type')]).toEqual([200, XLSX]);
    const pdf = await get(`/programmes/${id}/export?format=pdf`, KOORDINATOR);
    expect([pdf.status, fields(pdf)]).toEqual([400, ['format']]);

    const spec = await stack.call('GET', '/openapi.json');
    const op = spec.body.paths['/programmes/{id}/export'].get;
    expect(Object.keys(op.responses['200'].content).sort()).toEqual(['text/csv', XLSX].sort());
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '404']));
    expect(spec.body.paths['/programmes'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'limit', 'q', 'status']);
  });

  it('hides a programme from people outside it (404) and lets an observer read but not steer (403)', async () => {
    const id = ids.a!;
    for (const url of [`/programmes/${id}`, `/programmes/${id}/cases`, `/programmes/${id}/export`, `/programmes/${id}/export?format=xlsx`]) {
      expect([url, (await get(url, LURAH)).status]).toEqual([url, 404]);
      expect([url, (await get(url, KOORDINATOR_BJM)).status]).toEqual([url, 404]);
    }
    expect((await get(`/programmes/${ids.c}`, KOORDINATOR)).status).toBe(404);
    expect((await get(`/programmes/${ids.c}`, KOORDINATOR_BJM)).status).toBe(200);
    expect((await get('/programmes/not-a-uuid', KOORDINATOR)).status).toBe(404);

    const seen = await get(`/programmes/${id}`, OBSERVER);
    expect([seen.status, seen.body.breakdown.length]).toEqual([200, 2]);
    expect((await download(`/programmes/${id}/export`, OBSERVER)).status).toBe(200);
    const steer = await stack.call('POST', `/programmes/${id}/actions`, { kind: 'remind', reason: 'Pengingat' }, stack.as(OBSERVER));
    expect([steer.status, steer.body.code]).toEqual([403, 'FORBIDDEN']);
    const join = await stack.call('POST', `/programmes/${id}/units`, { unitCodes: ['63.71.01.1001'] }, stack.as(OBSERVER));
    expect(join.status).toBe(403);
    // The coordinator steers, but cannot pull in a unit outside their scope.
    const foreign = await stack.call('POST', `/programmes/${id}/units`, { unitCodes: ['63.71.01.1001'] }, stack.as(KOORDINATOR));
    expect([foreign.status, foreign.body.detail]).toEqual([403, expect.stringContaining('63.71.01.1001')]);
    // The coordinator gets past the steer check to the action's own validation (no fan-out left running at shutdown).
    const noDays = await stack.call('POST', `/programmes/${id}/actions`, { kind: 'extend', reason: 'Jaringan terputus' }, stack.as(KOORDINATOR));
    expect([noDays.status, fields(noDays)]).toEqual([400, ['workingDays']]);
  });
});
