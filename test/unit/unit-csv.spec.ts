import { MAX_UNIT_CSV_ROWS, normaliseUnitKind, parseUnitCsv, type ExistingUnit, type UnitCsvResult } from '@kawal/units-csv';

const EXISTING = new Map<string, ExistingUnit>([
  ['63', { name: 'Provinsi Kalimantan Selatan', kind: 'PROVINSI', parentCode: null, timeZone: 'Asia/Makassar' }],
  ['63.72', { name: 'Kota Banjarmasin', kind: 'KOTA', parentCode: '63', timeZone: 'Asia/Makassar' }],
  ['63.72.01', { name: 'Kecamatan Banjarmasin Selatan', kind: 'KECAMATAN', parentCode: '63.72', timeZone: 'Asia/Makassar' }],
  ['63.72.01.1001', { name: 'Kelurahan Kelayan Luar', kind: 'KELURAHAN', parentCode: '63.72.01', timeZone: 'Asia/Makassar' }],
  ['DINKES-BJM', { name: 'Dinas Kesehatan Kota Banjarmasin', kind: 'SKPD', parentCode: '63.72', timeZone: 'Asia/Makassar' }],
]);

const csv = (...lines: string[]) => lines.join('\n') + '\n';
const rules = (r: UnitCsvResult) => r.errors.map((e) => `${e.row}:${e.field}:${e.rule}`);

describe('unit import CSV: the happy path', () => {
  const result = parseUnitCsv(
    csv(
      'Name,CODE,Kind,Parent_Code,time_zone',
      'Kelurahan Kelayan Dalam,63.72.01.1002,kelurahan,63.72.01,',
      'Kelurahan Sungai Baru,63.72.02.1003,Kelurahan,63.72.02,', // its parent comes two rows later
      'Kelurahan Kelayan Luar,63.72.01.1001,KELURAHAN,63.72.01,WITA', // exactly as stored
      'Kecamatan Banjarmasin Tengah,63.72.02,kecamatan,63.72,',
      'Dinas Kesehatan Kota Banjarmasin (Dinkes),DINKES-BJM,opd,63.72,', // renamed
      'UPT Puskesmas Kelayan Timur,UPT-PKM-KLT,upt,DINKES-BJM,',
    ),
    EXISTING,
  );

  it('has no errors', () => {
    expect(result.errors).toEqual([]);
  });

  it('orders parents before children, file order otherwise', () => {
    expect(result.rows.map((r) => r.code)).toEqual(['63.72.01.1002', '63.72.02', '63.72.02.1003', '63.72.01.1001', 'DINKES-BJM', 'UPT-PKM-KLT']);
  });

  it('normalises kinds and resolves time zones (file, existing, parent, code)', () => {
    const byCode = new Map(result.rows.map((r) => [r.code, r]));
    expect(byCode.get('63.72.01.1002')).toEqual({
      row: 2,
      code: '63.72.01.1002',
      name: 'Kelurahan Kelayan Dalam',
      kind: 'KELURAHAN',
      parentCode: '63.72.01',
      timeZone: 'Asia/Makassar',
      timeZoneSource: 'parent',
    });
    expect(byCode.get('63.72.01.1001')).toMatchObject({ timeZone: 'Asia/Makassar', timeZoneSource: 'file' });
    expect(byCode.get('DINKES-BJM')).toMatchObject({ kind: 'SKPD', timeZoneSource: 'existing' });
    expect(byCode.get('63.72.02.1003')).toMatchObject({ row: 3, timeZone: 'Asia/Makassar', timeZoneSource: 'parent' }); // parent in the file
    expect(byCode.get('UPT-PKM-KLT')).toMatchObject({ kind: 'UPT', timeZone: 'Asia/Makassar', timeZoneSource: 'parent' });
  });

  it('plans create, update and unchanged', () => {
    expect(result.plan).toEqual([
      { row: 2, code: '63.72.01.1002', action: 'create', changes: [] },
      { row: 5, code: '63.72.02', action: 'create', changes: [] },
      { row: 3, code: '63.72.02.1003', action: 'create', changes: [] },
      { row: 4, code: '63.72.01.1001', action: 'unchanged', changes: [] },
      { row: 6, code: 'DINKES-BJM', action: 'update', changes: ['name'] },
      { row: 7, code: 'UPT-PKM-KLT', action: 'create', changes: [] },
    ]);
  });

  it('is idempotent: importing the stored units again changes nothing', () => {
    const lines = ['code,name,kind,parent_code,time_zone'];
    for (const [code, u] of EXISTING) lines.push(`${code},"${u.name}",${u.kind},${u.parentCode ?? ''},${u.timeZone}`);
    const again = parseUnitCsv(csv(...lines), EXISTING);
    expect(again.errors).toEqual([]);
    expect(again.plan.map((p) => p.action)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
    // Without time zones the stored ones stay.
    const noZones = parseUnitCsv(csv(...lines.map((l) => l.replace(/,[^,]*$/, ''))), EXISTING);
    expect(noZones.errors).toEqual([]);
    expect(noZones.plan.every((p) => p.action === 'unchanged')).toBe(true);
  });

  it('plans an update for a changed kind, parent or time zone', () => {
    const r = parseUnitCsv(
      csv('code,name,kind,parent_code,time_zone', 'DINKES-BJM,Dinas Kesehatan Kota Banjarmasin,UPT,63,Asia/Jakarta'),
      EXISTING,
    );
    expect(r.errors).toEqual([]);
    expect(r.plan).toEqual([{ row: 2, code: 'DINKES-BJM', action: 'update', changes: ['kind', 'parentCode', 'timeZone'] }]);
  });
});

describe('unit import CSV: file format', () => {
  it('reads a BOM, CRLF line ends and quoted names with commas, quotes and semicolons', () => {
    const r = parseUnitCsv('\uFEFFcode,name,kind\r\n63.72.01.1002,"Kelayan Dalam, ""Lama""; Selatan",kelurahan\r\n', new Map());
    expect(r.errors).toEqual([]);
    expect(r.rows[0]).toMatchObject({ code: '63.72.01.1002', name: 'Kelayan Dalam, "Lama"; Selatan', kind: 'KELURAHAN', parentCode: null });
  });

  it('reads the semicolon-separated CSV Excel writes with Indonesian regional settings', () => {
    const r = parseUnitCsv(csv('kode;nama;jenis;kode_induk;zona_waktu', '63.72.01.1002;Kelayan Dalam, Baru;Kelurahan;63.72.01;WITA'), EXISTING);
    expect(r.errors).toEqual([]);
    expect(r.rows[0]).toMatchObject({ code: '63.72.01.1002', name: 'Kelayan Dalam, Baru', parentCode: '63.72.01', timeZone: 'Asia/Makassar' });
  });

  it('rejects an empty file and a header without data', () => {
    expect(rules(parseUnitCsv('', EXISTING))).toEqual(['1:file:empty-file']);
    expect(rules(parseUnitCsv('\uFEFF \r\n\r\n', EXISTING))).toEqual(['1:file:empty-file']);
    const headerOnly = parseUnitCsv(csv('code,name,kind'), EXISTING);
    expect(rules(headerOnly)).toEqual(['2:file:empty-file']);
    expect(headerOnly.errors[0].message).toMatch(/baris data/);
  });

  it('counts blank lines in row numbers, like the spreadsheet does', () => {
    const r = parseUnitCsv(csv('code,name,kind', '', ',,', 'X 1,Salah,SKPD'), EXISTING);
    expect(rules(r)).toEqual(['4:code:code-format']);
  });

  it(`rejects more than ${MAX_UNIT_CSV_ROWS} rows`, () => {
    const lines = ['code,name,kind,time_zone'];
    for (let i = 0; i <= MAX_UNIT_CSV_ROWS; i++) lines.push(`U-${i},Unit ${i},OTHER,WITA`);
    const r = parseUnitCsv(csv(...lines), new Map());
    expect(rules(r)).toEqual(['1:file:too-many-rows']);
    expect(r.rows).toEqual([]);
    expect(r.plan).toEqual([]);
    // Exactly the maximum is fine.
    const ok = parseUnitCsv(csv(...lines.slice(0, MAX_UNIT_CSV_ROWS + 1)), new Map());
    expect(ok.errors).toEqual([]);
    expect(ok.rows).toHaveLength(MAX_UNIT_CSV_ROWS);
    expect(rules(parseUnitCsv(csv(...lines.slice(0, 4)), new Map(), { maxRows: 2 }))).toEqual(['1:file:too-many-rows']);
  });

  it('reports missing, unknown and duplicate columns on the header row', () => {
    const missing = parseUnitCsv(csv('code,nama', '63.72.01.1002,Kelayan Dalam'), EXISTING);
    expect(rules(missing)).toEqual(['1:kind:missing-column']);
    expect(missing.errors[0].message).toMatch(/Kolom wajib kind/);
    expect(missing.rows).toEqual([]);
    const unknown = parseUnitCsv(csv('code,name,kind,keterangan', '63.72.01.1002,Kelayan Dalam,kelurahan,baru'), EXISTING);
    expect(rules(unknown)).toEqual(['1:keterangan:unknown-column']);
    const dup = parseUnitCsv(csv('code,name,kind,kode', 'A,B,SKPD,C'), EXISTING);
    expect(rules(dup)).toEqual(['1:code:duplicate-column']);
    // A header that is really a data row.
    expect(rules(parseUnitCsv(csv('63.72.01.1002,Kelayan Dalam,kelurahan'), EXISTING)).map((r) => r.split(':')[2])).toContain('missing-column');
  });

  it('ignores an unnamed empty column Excel left behind, but not one with data', () => {
    expect(parseUnitCsv(csv('code,name,kind,', '63.72.01.1002,Kelayan Dalam,kelurahan,'), new Map()).errors).toEqual([]);
    expect(rules(parseUnitCsv(csv('code,name,kind,', '63.72.01.1002,Kelayan Dalam,kelurahan,x'), EXISTING))).toEqual(['1:kolom 4:unknown-column']);
  });

  it('reports a row with the wrong number of columns (an unquoted comma)', () => {
    const r = parseUnitCsv(csv('code,name,kind', '63.72.01.1002,Kelayan Dalam, Baru,kelurahan', '63.72.01.1003,Kelayan Tengah', '63.72.01.1004,Kelayan Barat,kelurahan,'), new Map());
    expect(rules(r)).toEqual(['2:file:column-count', '3:file:column-count']);
    expect(r.errors[0].message).toMatch(/tanda kutip/);
    expect(r.rows.map((x) => x.code)).toEqual(['63.72.01.1004']); // a trailing empty cell is tolerated
  });

  it('reports a broken quote instead of throwing', () => {
    const r = parseUnitCsv(csv('code,name,kind', '63.72.01.1002,Kelayan Dalam,kelurahan', '63.72.01.1003,"Kelayan Tengah,kelurahan'), EXISTING);
    expect(rules(r)).toEqual(['3:file:csv-syntax']);
  });
});

describe('unit import CSV: fields', () => {
  it('rejects a duplicate code, naming the first row', () => {
    const r = parseUnitCsv(csv('code,name,kind', '63.72.01.1002,Kelayan Dalam,kelurahan', '63.72.01.1002,Kelayan Dalam Lagi,kelurahan'), new Map());
    expect(rules(r)).toEqual(['3:code:duplicate-code']);
    expect(r.errors[0].message).toContain('baris 2');
    expect(r.rows.map((x) => x.row)).toEqual([2]);
  });

  it('checks the code format (Kemendagri and SKPD-style codes)', () => {
    const r = parseUnitCsv(
      csv(
        'code,name,kind,time_zone',
        'DINKES-BJM.01,Bidang P2P,SKPD,WITA',
        '-63,Salah,SKPD,WITA',
        'DINAS KESEHATAN,Salah,SKPD,WITA',
        `${'A'.repeat(65)},Terlalu panjang,SKPD,WITA`,
        ',Tanpa kode,SKPD,WITA',
        `${'A'.repeat(64)},Pas,SKPD,WITA`,
      ),
      EXISTING,
    );
    expect(rules(r)).toEqual(['3:code:code-format', '4:code:code-format', '5:code:code-format', '6:code:required']);
    expect(r.rows.map((x) => x.row)).toEqual([2, 7]);
  });

  it('checks the name', () => {
    const r = parseUnitCsv(csv('code,name,kind,time_zone', 'A,,SKPD,WITA', `B,${'n'.repeat(201)},SKPD,WITA`, `C,${'é'.repeat(200)},SKPD,WITA`, 'D,"dua\nbaris",SKPD,WITA'), EXISTING);
    expect(rules(r)).toEqual(['2:name:required', '3:name:name-length', '5:name:name-format']);
  });

  it('accepts kinds in any case and Indonesian aliases, rejects unknown ones', () => {
    expect(normaliseUnitKind('kelurahan')).toBe('KELURAHAN');
    expect(normaliseUnitKind(' Desa ')).toBe('DESA');
    expect(normaliseUnitKind('OPD')).toBe('SKPD');
    expect(normaliseUnitKind('kab')).toBe('KABUPATEN');
    expect(normaliseUnitKind('Perangkat Daerah')).toBe('SKPD');
    expect(normaliseUnitKind('kantor')).toBeNull();
    const r = parseUnitCsv(csv('code,name,kind,time_zone', 'A,Kantor A,kantor,WITA', 'B,Kantor B,,WITA'), EXISTING);
    expect(rules(r)).toEqual(['2:kind:unknown-kind', '3:kind:required']);
    expect(r.errors[0].message).toContain('"kantor" tidak dikenal');
  });

  it('accepts the four Indonesian zones and WIB/WITA/WIT, rejects others', () => {
    const r = parseUnitCsv(
      csv(
        'code,name,kind,time_zone',
        'A,Satu,SKPD,asia/jayapura',
        'B,Dua,SKPD,WIT',
        'C,Tiga,SKPD,wib',
        'D,Empat,SKPD,Asia/Singapore',
        'E,Lima,SKPD,UTC+8',
      ),
      new Map(),
    );
    expect(rules(r)).toEqual(['5:time_zone:time-zone-invalid', '6:time_zone:time-zone-invalid']);
    expect(r.rows.map((x) => [x.code, x.timeZone])).toEqual([
      ['A', 'Asia/Jayapura'],
      ['B', 'Asia/Jayapura'],
      ['C', 'Asia/Jakarta'],
    ]);
  });

  it('derives a missing zone from the parent, else the Kemendagri province code; WIB in Kalimantan Barat is Pontianak', () => {
    const r = parseUnitCsv(
      csv(
        'code,name,kind,parent_code,time_zone',
        '91,Provinsi Papua,provinsi,,',
        '61.71,Kota Pontianak,kota,,WIB',
        '31.71,Kota Jakarta Pusat,kota,,',
        'SETDA-PAPUA,Sekretariat Daerah,SKPD,91,',
        'BAPPEDA,Bappeda,SKPD,,',
      ),
      new Map(),
    );
    expect(rules(r)).toEqual(['6:time_zone:time-zone-required']);
    expect(r.rows.map((x) => [x.code, x.timeZone, x.timeZoneSource])).toEqual([
      ['91', 'Asia/Jayapura', 'code'],
      ['61.71', 'Asia/Pontianak', 'file'],
      ['31.71', 'Asia/Jakarta', 'code'],
      ['SETDA-PAPUA', 'Asia/Jayapura', 'parent'],
    ]);
  });
});

describe('unit import CSV: the hierarchy', () => {
  it('finds parents in the file or among existing units', () => {
    const r = parseUnitCsv(csv('code,name,kind,parent_code', 'UPT-1,UPT Satu,UPT,DINKES-BJM', 'UPT-2,UPT Dua,UPT,UPT-1', 'UPT-3,UPT Tiga,UPT,DINSOS-BJM'), EXISTING);
    expect(rules(r)).toEqual(['4:parent_code:parent-not-found']);
    expect(r.errors[0].message).toContain('DINSOS-BJM');
    expect(r.rows.map((x) => x.code)).toEqual(['UPT-1', 'UPT-2']);
  });

  it('rejects a unit that is its own parent', () => {
    expect(rules(parseUnitCsv(csv('code,name,kind,parent_code', 'UPT-1,UPT Satu,UPT,UPT-1'), EXISTING))).toEqual(['2:parent_code:self-parent']);
    expect(rules(parseUnitCsv(csv('code,name,kind,parent_code,time_zone', 'UPT-1,UPT Satu,UPT,x y,WITA'), EXISTING))).toEqual(['2:parent_code:code-format']);
  });

  it('rejects a cycle within the file, on every row of it', () => {
    const r = parseUnitCsv(
      csv('code,name,kind,parent_code', 'A,Satu,UPT,C', 'B,Dua,UPT,A', 'C,Tiga,UPT,B', 'D,Empat,UPT,DINKES-BJM', 'E,Lima,UPT,A'),
      EXISTING,
    );
    // E hangs off the cycle without being in it: only its zone (inherited from A) cannot be worked out.
    expect(rules(r)).toEqual(['2:parent_code:parent-cycle', '3:parent_code:parent-cycle', '4:parent_code:parent-cycle', '6:time_zone:time-zone-required']);
    expect(r.errors[0].message).toContain('A → C → B → A');
    expect(r.errors[3].message).toContain('baris induknya (A) bermasalah');
    expect(r.rows.map((x) => x.code)).toEqual(['D']);
  });

  it('rejects a cycle through existing units', () => {
    // DINKES-BJM is under 63.72 today; moving 63.72 under DINKES-BJM would close a loop.
    const r = parseUnitCsv(csv('code,name,kind,parent_code', '63.72,Kota Banjarmasin,kota,DINKES-BJM'), EXISTING);
    expect(rules(r)).toEqual(['2:parent_code:parent-cycle']);
    expect(r.errors[0].message).toContain('63.72 → DINKES-BJM → 63.72');
  });

  it('keeps stored parents when the file has no parent_code column', () => {
    const r = parseUnitCsv(csv('code,name,kind', '63.72.01.1001,Kelurahan Kelayan Luar,kelurahan', 'BARU-1,Unit Baru,OTHER'), new Map([...EXISTING]));
    expect(rules(r)).toEqual(['3:time_zone:time-zone-required']); // a new non-Kemendagri root needs a zone
    expect(r.rows[0]).toMatchObject({ code: '63.72.01.1001', parentCode: '63.72.01' });
    expect(r.plan[0].action).toBe('unchanged');
  });

  it('follows Kemendagri prefixes: the parent is the nearest known unit whose code is a prefix', () => {
    const r = parseUnitCsv(
      csv(
        'code,name,kind,parent_code',
        '63.72.01.1002,Kelayan Dalam,kelurahan,63.72.01', // fine
        '63.72.01.1003,Kelayan Tengah,kelurahan,63.72.02', // not its prefix (63.72.02 is in the file)
        '63.72.02,Banjarmasin Timur,kecamatan,63.72',
        '63.72.01.1004,Kelayan Barat,kelurahan,63.72', // 63.72.01 exists: that is the parent
        '63.72.01.1005,Kelayan Selatan,kelurahan,', // blank, but 63.72.01 exists
        '63.72.01.1006,Kelayan Timur,kelurahan,DINKES-BJM', // a non-Kemendagri parent is not checked
        '64.71,Kota Balikpapan,kota,', // no known prefix: a root is fine
      ),
      EXISTING,
    );
    expect(rules(r)).toEqual(['3:parent_code:kemendagri-parent', '5:parent_code:kemendagri-parent', '6:parent_code:kemendagri-parent']);
    expect(r.errors[0].message).toContain('63.72.02');
    expect(r.errors[1].message).toContain('seharusnya 63.72.01');
    expect(r.errors[2].message).toContain('isi parent_code dengan 63.72.01');
    expect(r.rows.map((x) => x.code)).toEqual(['63.72.01.1002', '63.72.02', '63.72.01.1006', '64.71']);
  });

  it('checks kinds against Kemendagri codes: level, kota vs kabupaten, kelurahan 1xxx vs desa 2xxx', () => {
    const r = parseUnitCsv(
      csv(
        'code,name,kind,parent_code',
        '63.72.01.2001,Salah,kelurahan,63.72.01',
        '63.72.01.1002,Salah,desa,63.72.01',
        '63.72.01.1003,Salah,kecamatan,63.72.01',
        '63.03,Kabupaten Banjar,kota,63',
        '63.73,Kota Banjarbaru,kabupaten,63',
        '63.03.01,Kecamatan Gambut,kecamatan,63.03',
        '63.03.01.2001,Desa Gambut,desa,63.03.01',
        '63.72.01.1004,Puskesmas,UPT,63.72.01', // not a territorial kind: any code
      ),
      EXISTING,
    );
    expect(rules(r)).toEqual([
      '2:kind:kemendagri-village',
      '3:kind:kemendagri-village',
      '4:kind:kemendagri-kind',
      '5:kind:kemendagri-kind',
      '6:kind:kemendagri-kind',
    ]);
    expect(r.errors[0].message).toContain('1xxx');
    // Valid rows: the kecamatan and desa under the (rejected) kabupaten row are still checked on their own.
    expect(r.rows.map((x) => x.code)).toEqual(['63.03.01', '63.03.01.2001', '63.72.01.1004']);
  });

  it('orders a deep chain given leaf first', () => {
    const r = parseUnitCsv(
      csv(
        'code,name,kind,parent_code',
        '73.71.01.1001,Kelurahan,kelurahan,73.71.01',
        '73.71.01,Kecamatan,kecamatan,73.71',
        '73.71,Kota Makassar,kota,73',
        '73,Sulawesi Selatan,provinsi,',
      ),
      new Map(),
    );
    expect(r.errors).toEqual([]);
    expect(r.rows.map((x) => x.code)).toEqual(['73', '73.71', '73.71.01', '73.71.01.1001']);
    expect(r.rows.map((x) => x.timeZoneSource)).toEqual(['code', 'parent', 'parent', 'parent']);
    expect(r.plan.map((p) => p.row)).toEqual([5, 4, 3, 2]);
  });
});
