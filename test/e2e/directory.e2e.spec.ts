import { ADMIN_EMAIL, ApiStack, TEST_PASSWORD, createPerson, createUnitTree, startApiStack } from '../support/api-stack';

/**
 * The directory over HTTP: units (CRUD, moves, listing, CSV import) and people (registration, roles, disabling,
 * sessions), each with its authorisation rules and its audit trail on the admin chain.
 *
 * Tree from createUnitTree: 63.72 > 63.72.01 > 63.72.01.1001, 63.72.01.1002; 63.72 > 63.72.02 > 63.72.02.1001.
 */
describe('directory: units and people over HTTP', () => {
  let stack: ApiStack;
  const CAMAT_ADMIN = 'admin.utara@kawal.test'; // ADMIN on 63.72.01 (Banjarbaru Utara)
  const LURAH = 'lurah.loktabat@kawal.test'; // UNIT_HEAD on 63.72.01.1001
  const COORDINATOR = 'organisasi@kawal.test'; // COORDINATOR on 63.72
  const LURAH_SELATAN = 'lurah.selatan@kawal.test'; // UNIT_HEAD on 63.72.02.1001

  const call = (method: string, url: string, body?: unknown, headers?: Record<string, string> | Promise<Record<string, string>>) => stack.call(method, url, body, headers);
  const csv = (...lines: string[]) => lines.join('\r\n') + '\r\n';
  const importCsv = (text: string, query = '', headers: Record<string, string> = {}) => call('POST', `/units/import${query}`, text, { 'content-type': 'text/csv', ...headers });
  const importAs = async (email: string, text: string, query = '') => importCsv(text, query, await stack.as(email));
  const unitCodes = async (query: string) => {
    const res = await call('GET', `/units?${query}&limit=500`);
    expect(res.status).toBe(200);
    return res.body.items.map((u: { code: string }) => u.code) as string[];
  };

  beforeAll(async () => {
    stack = await startApiStack({ worker: false });
    await createUnitTree(stack);
    await createPerson(stack, CAMAT_ADMIN, [{ role: 'ADMIN', unitCode: '63.72.01' }]);
    await createPerson(stack, LURAH, [{ role: 'UNIT_HEAD', unitCode: '63.72.01.1001' }]);
    await createPerson(stack, COORDINATOR, [{ role: 'COORDINATOR', unitCode: '63.72' }]);
    await createPerson(stack, LURAH_SELATAN, [{ role: 'UNIT_HEAD', unitCode: '63.72.02.1001' }]);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('units', () => {
    it('lets a kecamatan administrator add a kelurahan in their kecamatan only, and no top-level unit', async () => {
      const asCamat = stack.as(CAMAT_ADMIN);
      const created = await call('POST', '/units', { code: '63.72.01.1003', name: 'Guntung Manggis', kind: 'KELURAHAN', parentCode: '63.72.01' }, asCamat);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ code: '63.72.01.1003', name: 'Guntung Manggis', kind: 'KELURAHAN', parentCode: '63.72.01', timeZone: 'Asia/Makassar' });

      const elsewhere = await call('POST', '/units', { code: '63.72.02.1002', name: 'Guntung Paikat', kind: 'KELURAHAN', parentCode: '63.72.02' }, asCamat);
      expect(elsewhere.status).toBe(403);
      expect(elsewhere.headers.get('content-type')).toContain('application/problem+json');
      expect(elsewhere.body.code).toBe('FORBIDDEN');
      expect(elsewhere.body.detail).toContain('63.72.02');

      const topLevel = await call('POST', '/units', { code: '64', name: 'Kalimantan Timur', kind: 'PROVINSI' }, asCamat);
      expect(topLevel.status).toBe(403);

      const lurah = await call('POST', '/units', { code: '63.72.01.1004', name: 'Sungai Besar', kind: 'KELURAHAN', parentCode: '63.72.01' }, stack.as(LURAH));
      expect(lurah.status).toBe(403);

      expect((await call('POST', '/units', { code: '63.72.01.1003', name: 'Lagi', kind: 'KELURAHAN', parentCode: '63.72.01' })).status).toBe(409);
      const noParent = await call('POST', '/units', { code: '63.72.09.1001', name: 'X', kind: 'KELURAHAN', parentCode: '63.72.09' });
      expect(noParent.status).toBe(400);
      expect(noParent.body.errors[0].field).toBe('parentCode');

      const got = await call('GET', '/units/63.72.01.1003', undefined, stack.as(LURAH));
      expect(got.status).toBe(200);
      expect(got.body.parentCode).toBe('63.72.01');
      expect((await call('GET', '/units/63.72.99')).status).toBe(404);
    });

    it('changes a unit, refuses moves that would loop or leave the mover’s scope', async () => {
      const asCamat = stack.as(CAMAT_ADMIN);
      const renamed = await call('PATCH', '/units/63.72.01.1003', { name: 'Kelurahan Guntung Manggis' }, asCamat);
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ code: '63.72.01.1003', name: 'Kelurahan Guntung Manggis', parentCode: '63.72.01' });

      const invalid = await call('PATCH', '/units/63.72.01.1003', { kind: 'NEGARA', timeZone: 'Asia/Tokyo' });
      expect(invalid.status).toBe(400);
      expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['kind', 'timeZone']);

      const loop = await call('PATCH', '/units/63.72', { parentCode: '63.72.01' });
      expect(loop.status).toBe(400);
      expect(loop.body.errors[0]).toMatchObject({ field: 'parentCode' });
      expect(loop.body.errors[0].rule).toMatch(/loop/);
      expect((await call('PATCH', '/units/63.72.01', { parentCode: '63.72.01' })).status).toBe(400);

      // Not an administrator over the new parent, nor over the top level.
      expect((await call('PATCH', '/units/63.72.01.1003', { parentCode: '63.72.02' }, asCamat)).status).toBe(403);
      expect((await call('PATCH', '/units/63.72.01.1003', { parentCode: null }, asCamat)).status).toBe(403);
      // Not an administrator over the old parent (the kecamatan itself sits under the kota).
      expect((await call('PATCH', '/units/63.72.01', { parentCode: null }, asCamat)).status).toBe(403);
      expect((await call('PATCH', '/units/63.72.02.1001', { name: 'X' }, asCamat)).status).toBe(403);
      expect((await call('PATCH', '/units/63.72.01.1003', { name: 'X' }, stack.as(LURAH))).status).toBe(403);
      expect((await call('PATCH', '/units/63.72.99', { name: 'X' })).status).toBe(404);

      // The global administrator moves it to the top level and back.
      const top = await call('PATCH', '/units/63.72.01.1003', { parentCode: null });
      expect(top.status).toBe(200);
      expect(top.body.parentCode).toBeNull();
      const back = await call('PATCH', '/units/63.72.01.1003', { parentCode: '63.72.01' });
      expect(back.body.parentCode).toBe('63.72.01');
    });

    it('deletes a leaf (204) but not a unit with children or role assignments (409)', async () => {
      const withChildren = await call('DELETE', '/units/63.72.01');
      expect(withChildren.status).toBe(409);
      expect(withChildren.body.code).toBe('UNIT_IN_USE');
      expect(withChildren.body.detail).toMatch(/unit di bawahnya/);
      const withRoles = await call('DELETE', '/units/63.72.01.1001', undefined, { 'accept-language': 'en' });
      expect(withRoles.status).toBe(409);
      expect(withRoles.body.detail).toMatch(/role assignment/);

      expect((await call('DELETE', '/units/63.72.01.1003', undefined, stack.as(LURAH))).status).toBe(403);
      const deleted = await call('DELETE', '/units/63.72.01.1003', undefined, stack.as(CAMAT_ADMIN));
      expect(deleted.status).toBe(204);
      expect((await call('GET', '/units/63.72.01.1003')).status).toBe(404);
      expect((await call('DELETE', '/units/63.72.01.1003')).status).toBe(404);
    });

    it('lists units a page at a time by code, with filters', async () => {
      const all = await unitCodes('under=63.72');
      expect(all).toEqual(['63.72', '63.72.01', '63.72.01.1001', '63.72.01.1002', '63.72.02', '63.72.02.1001']);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await call('GET', `/units?under=63.72&limit=2${cursor ? `&cursor=${cursor}` : ''}`, undefined, stack.as(LURAH));
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((u: { code: string }) => u.code));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual(all);
      expect(new Set(seen).size).toBe(seen.length);
      expect(pages).toBe(3);

      expect(await unitCodes('parentCode=63.72')).toEqual(['63.72.01', '63.72.02']);
      expect(await unitCodes('kind=KECAMATAN&under=63.72')).toEqual(['63.72.01', '63.72.02']);
      expect(await unitCodes('q=LOKTABAT')).toEqual(['63.72.01.1001', '63.72.02.1001']);
      expect(await unitCodes('q=72.02')).toEqual(['63.72.02', '63.72.02.1001']);
      expect(await unitCodes('under=63.72.02')).toEqual(['63.72.02', '63.72.02.1001']);
      expect(await unitCodes('q=100%25')).toEqual([]); // a literal %, not a wildcard

      const first = await call('GET', '/units?limit=1');
      expect(first.body.items[0]).toEqual(expect.objectContaining({ code: expect.any(String), parentCode: null, kind: expect.any(String), timeZone: expect.any(String) }));
      expect((await call('GET', '/units?cursor=@@@')).status).toBe(400);
      expect((await call('GET', '/units?kind=NEGARA')).body.errors[0].field).toBe('kind');
      expect((await call('GET', '/units?limit=0')).status).toBe(400);
    });
  });

  describe('CSV import', () => {
    // Kota Banjarmasin, children before their parents in the file.
    const BANJARMASIN = csv(
      'code,name,kind,parent_code,time_zone',
      '63.71.01.1001,Kelayan Luar,kelurahan,63.71.01,',
      '63.71.01.1002,Kelayan Dalam,kelurahan,63.71.01,',
      '63.71.01,Banjarmasin Selatan,kecamatan,63.71,',
      '63.71,Kota Banjarmasin,kota,,WITA',
    );

    it('creates units from a valid file, parents first whatever the order in the file', async () => {
      const res = await importCsv(BANJARMASIN);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ applied: true, dryRun: false, mode: 'all-or-nothing', created: 4, updated: 0, unchanged: 0, rejected: 0, errors: [] });
      expect(res.body.rows.map((r: { code: string; row: number; action: string }) => [r.row, r.code, r.action])).toEqual([
        [5, '63.71', 'create'],
        [4, '63.71.01', 'create'],
        [2, '63.71.01.1001', 'create'],
        [3, '63.71.01.1002', 'create'],
      ]);
      const kelurahan = await call('GET', '/units/63.71.01.1002');
      expect(kelurahan.body).toMatchObject({ name: 'Kelayan Dalam', kind: 'KELURAHAN', parentCode: '63.71.01', timeZone: 'Asia/Makassar' });
    });

    it('changes nothing when the same file comes again, and updates what changed', async () => {
      const again = await importCsv(BANJARMASIN);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ applied: true, created: 0, updated: 0, unchanged: 4, rejected: 0 });
      expect(again.body.rows.every((r: { action: string }) => r.action === 'unchanged')).toBe(true);

      const renamed = await importCsv(BANJARMASIN.replace('Kelayan Dalam', 'Kelayan Dalam Baru'));
      expect(renamed.body).toMatchObject({ created: 0, updated: 1, unchanged: 3 });
      expect(renamed.body.rows.find((r: { code: string }) => r.code === '63.71.01.1002')).toMatchObject({ action: 'update', changes: ['name'] });
      expect((await call('GET', '/units/63.71.01.1002')).body.name).toBe('Kelayan Dalam Baru');
    });

    const WITH_BAD_ROW = csv(
      'code,name,kind,parent_code',
      '63.71.02,Banjarmasin Timur,kecamatan,63.71',
      '63.71.02.1001,Kuripan,kelurahan,63.71.02',
      '63.71.02.1002,Sungai Bilu,kelurahan,63.71.09',
    );

    it('rejects a file with a bad row as a whole (422) in all-or-nothing mode, saving nothing', async () => {
      const res = await importCsv(WITH_BAD_ROW);
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe('IMPORT_REJECTED');
      expect(res.body.errors).toEqual([expect.objectContaining({ row: 4, column: 'parent_code', field: 'row 4: parent_code', rule: 'parent-not-found' })]);
      expect(res.body.errors[0].message).toContain('63.71.09');
      expect(res.body.detail).toMatch(/1 dari 3 baris/);
      expect((await call('GET', '/units/63.71.02')).status).toBe(404);
    });

    it('plans without saving in a dry run', async () => {
      const dry = await importCsv(WITH_BAD_ROW, '?mode=valid-only&dryRun=true');
      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({ applied: false, dryRun: true, mode: 'valid-only', created: 2, rejected: 1 });
      expect((await call('GET', '/units/63.71.02')).status).toBe(404);
      // (63.71.01.1002 is called Kelayan Dalam Baru by now: two updates.)
      const dryAll = await importCsv(BANJARMASIN.replace('Kota Banjarmasin', 'Kota Seribu Sungai'), '?dryRun=true');
      expect(dryAll.status).toBe(200);
      expect(dryAll.body).toMatchObject({ applied: false, dryRun: true, created: 0, updated: 2, unchanged: 2 });
      expect((await call('GET', '/units/63.71')).body.name).toBe('Kota Banjarmasin');
    });

    it('applies the valid rows and reports the others in valid-only mode', async () => {
      const res = await importCsv(WITH_BAD_ROW, '?mode=valid-only');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ applied: true, mode: 'valid-only', created: 2, updated: 0, rejected: 1 });
      expect(res.body.errors).toEqual([expect.objectContaining({ row: 4, column: 'parent_code', field: 'row 4: parent_code', rule: 'parent-not-found' })]);
      expect((await call('GET', '/units/63.71.02.1001')).body.parentCode).toBe('63.71.02');
      expect((await call('GET', '/units/63.71.02.1002')).status).toBe(404);

      // A row under a rejected row is left out too, and says why.
      const cascade = await importCsv(
        csv('code,name,kind,parent_code', '63.71.03,Banjarmasin Barat,kabupaten,63.71', '63.71.03.1001,Telaga Biru,kelurahan,63.71.03', '63.71.02.1003,Kebun Bunga,kelurahan,63.71.02'),
        '?mode=valid-only',
      );
      expect(cascade.status).toBe(200);
      expect(cascade.body).toMatchObject({ created: 1, rejected: 2 });
      expect(cascade.body.errors.map((e: { row: number; column: string; rule: string }) => `${e.row}:${e.column}:${e.rule}`)).toEqual(['2:kind:kemendagri-kind', '3:parent_code:parent row rejected']);
      expect((await call('GET', '/units/63.71.03.1001')).status).toBe(404);
      expect((await call('GET', '/units/63.71.02.1003')).status).toBe(200);

      // Without its (rejected) first row, the second row would close a loop: UPT-A under UPT-B, which is under UPT-A.
      expect((await call('POST', '/units', { code: '63.72.01.UPT-A', name: 'UPT A', kind: 'UPT', parentCode: '63.72.01' })).status).toBe(201);
      expect((await call('POST', '/units', { code: '63.72.01.UPT-B', name: 'UPT B', kind: 'UPT', parentCode: '63.72.01.UPT-A' })).status).toBe(201);
      const loop = await importCsv(csv('code,name,kind,parent_code,time_zone', '63.72.01.UPT-B,UPT B,UPT,,Asia/Tokyo', '63.72.01.UPT-A,UPT A,UPT,63.72.01.UPT-B,'), '?mode=valid-only');
      expect(loop.status).toBe(200);
      expect(loop.body).toMatchObject({ created: 0, updated: 0, rejected: 2 });
      expect(loop.body.errors.map((e: { row: number; column: string; rule: string }) => `${e.row}:${e.column}:${e.rule}`)).toEqual(['2:time_zone:time-zone-invalid', '3:parent_code:parent-cycle']);
      expect((await call('GET', '/units/63.72.01.UPT-A')).body.parentCode).toBe('63.72.01');
    });

    it('reads the semicolon-separated file Excel writes, with Indonesian headers', async () => {
      const res = await importCsv(['kode;nama;jenis;kode_induk;zona_waktu', '63.71.03;Banjarmasin Barat;Kecamatan;63.71;WITA', '63.71.03.1001;Telaga Biru, Baru;kel;63.71.03;'].join('\n'));
      expect(res.status).toBe(200);
      expect(res.body.created).toBe(2);
      expect((await call('GET', '/units/63.71.03.1001')).body).toMatchObject({ name: 'Telaga Biru, Baru', kind: 'KELURAHAN', parentCode: '63.71.03' });
    });

    it('takes a multipart upload in the field file', async () => {
      const form = new FormData();
      form.append('file', new Blob([csv('code,name,kind,parent_code', '63.71.04,Banjarmasin Utara,kecamatan,63.71')], { type: 'text/csv' }), 'units.csv');
      const res = await call('POST', '/units/import', form);
      expect(res.status).toBe(200);
      expect(res.body.created).toBe(1);
      expect((await call('GET', '/units/63.71.04')).status).toBe(200);

      const noFile = new FormData();
      noFile.append('other', 'x');
      const missing = await call('POST', '/units/import', noFile);
      expect(missing.status).toBe(400);
      expect(missing.body.errors[0].field).toBe('file');
    });

    it('holds the importer to their administrative scope', async () => {
      const file = csv('code,name,kind,parent_code', '63.72.01.1005,Sungai Tiung,kelurahan,63.72.01', '63.72.02.1005,Cempaka,kelurahan,63.72.02', '63.72.01,Banjarbaru Utara Baru,kecamatan,63.72');
      const refused = await importAs(CAMAT_ADMIN, file);
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([
        expect.objectContaining({ row: 3, column: 'parent_code', rule: 'outside your administrative scope' }),
        // A change to the kecamatan itself is within the scope of its administrator.
      ]);
      const partial = await importAs(CAMAT_ADMIN, file, '?mode=valid-only');
      expect(partial.status).toBe(200);
      expect(partial.body).toMatchObject({ created: 1, updated: 1, rejected: 1 });
      expect((await call('GET', '/units/63.72.02.1005')).status).toBe(404);
      expect((await call('GET', '/units/63.72.01')).body.name).toBe('Banjarbaru Utara Baru');

      const topLevel = await importAs(CAMAT_ADMIN, csv('code,name,kind', '65,Kalimantan Utara,provinsi'));
      expect(topLevel.status).toBe(422);
      expect(topLevel.body.errors[0].rule).toBe('outside your administrative scope');
      expect((await importAs(LURAH, file)).status).toBe(403);
    });

    it('refuses an unreadable file in any mode, other media types and bad options', async () => {
      const noHeader = await importCsv('63.71.05,Banjarmasin Tengah,kecamatan\n', '?mode=valid-only');
      expect(noHeader.status).toBe(422);
      expect(noHeader.body.errors.map((e: { rule: string }) => e.rule)).toContain('missing-column');
      expect((await call('POST', '/units/import', { code: '63.71.05' })).status).toBe(415);
      const badMode = await importCsv(BANJARMASIN, '?mode=sebagian');
      expect(badMode.status).toBe(400);
      expect(badMode.body.errors[0].field).toBe('mode');
      const tooBig = await importCsv('code,name,kind\n' + 'x'.repeat(5 * 1024 * 1024 + 10));
      expect(tooBig.status).toBe(413);
    });

    it('documents the import in OpenAPI: CSV and multipart bodies, the 422 problem', async () => {
      const spec = await call('GET', '/openapi.json', undefined, stack.anonymous);
      const op = spec.body.paths['/units/import'].post;
      expect(Object.keys(op.requestBody.content).sort()).toEqual(['multipart/form-data', 'text/csv']);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '413', '415', '422']));
      expect(op.responses['422'].content['application/problem+json']).toBeDefined();
      for (const [path, methods] of [
        ['/units/{code}', ['get', 'patch', 'delete']],
        ['/people/{email}', ['get', 'patch']],
        ['/people/{email}/roles', ['put']],
        ['/people/{email}/sessions/revoke', ['post']],
      ] as const) {
        for (const m of methods) expect(spec.body.paths[path][m].summary).toBeTruthy();
      }
    });
  });

  describe('people', () => {
    it('lets an administrator register people with roles in their scope only', async () => {
      const asCamat = stack.as(CAMAT_ADMIN);
      const created = await call('POST', '/people', { email: 'Staf.Ulin@kawal.test', name: 'Staf Sungai Ulin', password: TEST_PASSWORD, roles: [{ role: 'UNIT_STAFF', unitCode: '63.72.01.1002' }] }, asCamat);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ email: 'staf.ulin@kawal.test', roles: [{ role: 'UNIT_STAFF', unitCode: '63.72.01.1002' }], disabled: false, disabledAt: null });
      expect(created.body.passwordHash).toBeUndefined();

      const outside = await call('POST', '/people', { email: 'x1@kawal.test', name: 'X', roles: [{ role: 'UNIT_HEAD', unitCode: '63.72.02.1001' }] }, asCamat);
      expect(outside.status).toBe(403);
      expect(outside.body.detail).toContain('63.72.02.1001');
      const everywhere = await call('POST', '/people', { email: 'x2@kawal.test', name: 'X', roles: [{ role: 'OBSERVER', unitCode: null }] }, asCamat);
      expect(everywhere.status).toBe(403);
      expect((await call('POST', '/people', { email: 'x3@kawal.test', name: 'X', roles: [] }, stack.as(LURAH))).status).toBe(403);
      expect((await call('POST', '/people', { email: 'x4@kawal.test', name: 'X', roles: [{ role: 'UNIT_HEAD', unitCode: '63.72.77' }] }, asCamat)).status).toBe(400);
      expect((await call('POST', '/people', { email: 'staf.ulin@kawal.test', name: 'Lagi', roles: [] })).status).toBe(409);
      // The global administrator may grant roles everywhere.
      const observer = await call('POST', '/people', { email: 'ombudsman@kawal.test', name: 'Ombudsman', password: TEST_PASSWORD, roles: [{ role: 'OBSERVER', unitCode: null }] });
      expect(observer.status).toBe(201);
      expect(observer.body.roles).toEqual([{ role: 'OBSERVER', unitCode: null }]);
    });

    it('lists people for administrators and coordinators, in their scope, a page at a time', async () => {
      expect((await call('GET', '/people', undefined, stack.as(LURAH))).status).toBe(403);

      const asCoordinator = await call('GET', '/people?limit=500', undefined, stack.as(COORDINATOR));
      expect(asCoordinator.status).toBe(200);
      const emails = asCoordinator.body.items.map((p: { email: string }) => p.email);
      expect(emails).toEqual(expect.arrayContaining([CAMAT_ADMIN, LURAH, LURAH_SELATAN, COORDINATOR, 'staf.ulin@kawal.test']));
      expect(emails).not.toContain(ADMIN_EMAIL);
      expect(emails).not.toContain('ombudsman@kawal.test');

      const asCamat = await call('GET', '/people?limit=500', undefined, stack.as(CAMAT_ADMIN));
      expect(asCamat.body.items.map((p: { email: string }) => p.email).sort()).toEqual([CAMAT_ADMIN, LURAH, 'staf.ulin@kawal.test'].sort());

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await call('GET', `/people?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.items.map((p: { email: string }) => p.email));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining([ADMIN_EMAIL, 'ombudsman@kawal.test', LURAH]));

      const heads = await call('GET', '/people?role=UNIT_HEAD&unitCode=63.72.01.1001');
      expect(heads.body.items.map((p: { email: string }) => p.email)).toEqual([LURAH]);
      expect((await call('GET', '/people?q=ULIN')).body.items.map((p: { email: string }) => p.email)).toEqual(['staf.ulin@kawal.test']);
      expect((await call('GET', '/people?role=RAJA')).status).toBe(400);
    });

    it('shows a person to themself and to administrators and coordinators over them', async () => {
      const self = await call('GET', `/people/${LURAH}`, undefined, stack.as(LURAH));
      expect(self.status).toBe(200);
      expect(self.body.roles).toEqual([{ role: 'UNIT_HEAD', unitCode: '63.72.01.1001' }]);
      expect((await call('GET', `/people/${CAMAT_ADMIN}`, undefined, stack.as(LURAH))).status).toBe(403);
      expect((await call('GET', `/people/${LURAH.toUpperCase()}`, undefined, stack.as(CAMAT_ADMIN))).status).toBe(200);
      expect((await call('GET', `/people/${LURAH_SELATAN}`, undefined, stack.as(CAMAT_ADMIN))).status).toBe(404);
      expect((await call('GET', `/people/${LURAH_SELATAN}`, undefined, stack.as(COORDINATOR))).status).toBe(200);
      expect((await call('GET', '/people/nobody@kawal.test')).status).toBe(404);
    });

    it('changes names, and disabling a person ends their sessions at once', async () => {
      const renamed = await call('PATCH', `/people/${LURAH}`, { name: 'Hj. Siti Aminah' }, stack.as(LURAH));
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe('Hj. Siti Aminah');
      expect((await call('PATCH', `/people/${LURAH}`, { disabled: true }, stack.as(LURAH))).status).toBe(409);
      expect((await call('PATCH', `/people/${CAMAT_ADMIN}`, { name: 'X' }, stack.as(LURAH))).status).toBe(403);
      expect((await call('PATCH', `/people/${LURAH_SELATAN}`, { disabled: true }, stack.as(CAMAT_ADMIN))).status).toBe(404);
      expect((await call('PATCH', `/people/${LURAH}`, { disabled: 'ya' })).status).toBe(400);

      const staff = stack.as('staf.ulin@kawal.test');
      expect((await call('GET', '/people/staf.ulin@kawal.test', undefined, staff)).status).toBe(200);
      const disabled = await call('PATCH', '/people/staf.ulin@kawal.test', { disabled: true }, stack.as(CAMAT_ADMIN));
      expect(disabled.status).toBe(200);
      expect(disabled.body.disabled).toBe(true);
      expect(disabled.body.disabledAt).toEqual(expect.any(String));
      const after = await call('GET', '/units', undefined, staff);
      expect(after.status).toBe(401);
      expect(await stack.prisma.session.count({ where: { person: { email: 'staf.ulin@kawal.test' }, revokedAt: null } })).toBe(0);
      const signIn = await fetch(`${stack.base}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'staf.ulin@kawal.test', password: TEST_PASSWORD }) });
      expect(signIn.status).toBe(401);

      const enabled = await call('PATCH', '/people/staf.ulin@kawal.test', { disabled: false }, stack.as(CAMAT_ADMIN));
      expect(enabled.body).toMatchObject({ disabled: false, disabledAt: null });
      const again = await fetch(`${stack.base}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'staf.ulin@kawal.test', password: TEST_PASSWORD }) });
      expect(again.status).toBe(201);
    });

    it('replaces roles within the administrator’s scope, and keeps the last global administrator role', async () => {
      const asCamat = stack.as(CAMAT_ADMIN);
      const replaced = await call(
        'PUT',
        `/people/${LURAH}/roles`,
        { roles: [{ role: 'UNIT_HEAD', unitCode: '63.72.01.1001' }, { role: 'REVIEWER', unitCode: '63.72.01' }] },
        asCamat,
      );
      expect(replaced.status).toBe(200);
      expect(replaced.body.roles).toEqual(expect.arrayContaining([{ role: 'UNIT_HEAD', unitCode: '63.72.01.1001' }, { role: 'REVIEWER', unitCode: '63.72.01' }]));
      expect(replaced.body.roles).toHaveLength(2);
      // The new role holds at once, on the same token.
      expect((await call('GET', '/people', undefined, stack.as(LURAH))).status).toBe(403); // REVIEWER is not a people reader

      const outside = await call('PUT', `/people/${LURAH}/roles`, { roles: [{ role: 'UNIT_HEAD', unitCode: '63.72.01.1001' }, { role: 'REVIEWER', unitCode: '63.72.02' }] }, asCamat);
      expect(outside.status).toBe(403);
      // Someone outside the scope is not even visible.
      expect((await call('PUT', `/people/${COORDINATOR}/roles`, { roles: [] }, asCamat)).status).toBe(404);
      expect((await call('PUT', `/people/${LURAH}/roles`, { roles: [{ role: 'UNIT_HEAD', unitCode: '63.72.01.1001' }] }, stack.as(LURAH))).status).toBe(403);
      expect((await call('PUT', `/people/${LURAH}/roles`, { roles: [{ role: 'KING', unitCode: '63.72.01.1001' }] })).status).toBe(400);

      const selfDemotion = await call('PUT', `/people/${ADMIN_EMAIL}/roles`, { roles: [{ role: 'ADMIN', unitCode: '63.72' }] });
      expect(selfDemotion.status).toBe(409);
      expect(selfDemotion.body.code).toBe('LAST_GLOBAL_ADMIN_ROLE');
      const admin = await call('GET', `/people/${ADMIN_EMAIL}`);
      expect(admin.body.roles).toEqual([{ role: 'ADMIN', unitCode: null }]);

      // Back as it was.
      expect((await call('PUT', `/people/${LURAH}/roles`, { roles: [{ role: 'UNIT_HEAD', unitCode: '63.72.01.1001' }] }, asCamat)).status).toBe(200);
    });

    it('revokes a person’s sessions: their token stops working', async () => {
      const lurah = stack.as(LURAH);
      expect((await call('GET', '/units?limit=1', undefined, lurah)).status).toBe(200);
      expect((await call('POST', `/people/${LURAH}/sessions/revoke`, undefined, stack.as(LURAH_SELATAN))).status).toBe(403);
      expect((await call('POST', `/people/${LURAH_SELATAN}/sessions/revoke`, undefined, stack.as(CAMAT_ADMIN))).status).toBe(404);
      const revoked = await call('POST', `/people/${LURAH}/sessions/revoke`, undefined, stack.as(CAMAT_ADMIN));
      expect(revoked.status).toBe(200);
      expect(revoked.body.revoked).toBeGreaterThanOrEqual(1);
      expect((await call('GET', '/units?limit=1', undefined, lurah)).status).toBe(401);
    });
  });

  it('records every change on the admin audit chain, with before and after and no password hashes', async () => {
    const events = await stack.prisma.auditEvent.findMany({ where: { chain: 'admin' }, orderBy: { seq: 'asc' } });
    const actions = new Set(events.map((e) => e.action));
    for (const action of ['unit.created', 'unit.updated', 'unit.deleted', 'units.imported', 'person.created', 'person.updated', 'person.disabled', 'person.enabled', 'person.roles-changed', 'person.sessions-revoked']) {
      expect(actions).toContain(action);
    }
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(JSON.stringify(events.map((e) => [e.before, e.after]))).not.toMatch(/passwordHash|argon2/);

    const rename = events.find((e) => e.action === 'unit.updated' && (e.after as { name?: string }).name === 'Kelurahan Guntung Manggis')!;
    expect(rename.actor).toBe(CAMAT_ADMIN);
    expect(rename.before).toMatchObject({ code: '63.72.01.1003', name: 'Guntung Manggis' });
    const deleted = events.find((e) => e.action === 'unit.deleted')!;
    expect(deleted.before).toMatchObject({ code: '63.72.01.1003' });

    const imports = events.filter((e) => e.action === 'units.imported');
    // Unchanged imports and dry runs change nothing and record nothing.
    expect(imports.length).toBe(7);
    expect(imports[0].after).toMatchObject({ created: 4, updated: 0, createdCodes: ['63.71', '63.71.01', '63.71.01.1001', '63.71.01.1002'] });
    expect(imports[1].before).toMatchObject({ updated: [expect.objectContaining({ code: '63.71.01.1002', name: 'Kelayan Dalam' })] });
    expect(imports[1].after).toMatchObject({ updatedUnits: [expect.objectContaining({ code: '63.71.01.1002', name: 'Kelayan Dalam Baru', changes: ['name'] })] });

    const disabled = events.find((e) => e.action === 'person.disabled')!;
    expect(disabled.before).toMatchObject({ email: 'staf.ulin@kawal.test', disabled: false });
    expect(disabled.after).toMatchObject({ email: 'staf.ulin@kawal.test', disabled: true });
    const roles = events.find((e) => e.action === 'person.roles-changed')!;
    expect((roles.before as { roles: unknown[] }).roles).toEqual([{ role: 'UNIT_HEAD', unitCode: '63.72.01.1001' }]);
    expect((roles.after as { roles: unknown[] }).roles).toHaveLength(2);
    const revoked = events.find((e) => e.action === 'person.sessions-revoked')!;
    expect(revoked.after).toMatchObject({ email: LURAH, revoked: expect.any(Number) });
  });
});
