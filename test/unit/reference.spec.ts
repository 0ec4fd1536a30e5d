import { DEFAULT_WILAYAH, WilayahError, findUnit, flattenUnits, listReferenceDatasets, loadWilayah, parseWilayah, toUnitsCsv, type FlatUnit, type Wilayah } from '@kawal/reference';
import { parseUnitCsv, type ExistingUnit } from '@kawal/units-csv';

const w: Wilayah = loadWilayah();
const flat: FlatUnit[] = flattenUnits(w);
const byCode = new Map(flat.map((u) => [u.code, u]));
const childrenOf = (code: string) => flat.filter((u) => u.parentCode === code);
const namesUnder = (code: string) => childrenOf(code).map((u) => u.name);
const kelurahanUnder = (kotaCode: string) => flat.filter((u) => u.kind === 'KELURAHAN' && u.code.startsWith(`${kotaCode}.`));

describe('reference data: the datasets', () => {
  it('lists 63-kalimantan-selatan, the default', () => {
    expect(DEFAULT_WILAYAH).toBe('63-kalimantan-selatan');
    expect(listReferenceDatasets()).toContain('63-kalimantan-selatan');
    expect(w.name).toBe('63-kalimantan-selatan');
    expect(w.file.replace(/\\/g, '/')).toMatch(/reference\/wilayah\/63-kalimantan-selatan\.yaml$/);
  });

  it('names its source: the decree, where it was taken from, when', () => {
    expect(w.source.decree).toBe('Kepmendagri No. 300.2.2-2138 Tahun 2025');
    expect(w.source.citation).toContain('cahyadsn/wilayah');
    expect(w.source.citation).toContain('00d2159de447124c862fcf900a018e468afdcc18');
    expect(w.source.urls[0]).toBe('https://github.com/cahyadsn/wilayah/blob/00d2159de447124c862fcf900a018e468afdcc18/db/wilayah.sql');
    expect(w.source.crossChecks.length).toBeGreaterThan(0);
    expect(w.retrieved).toBe('2026-11-22');
    expect(w.notes).toContain('Laktabat Selatan');
  });

  it('refuses names that are not dataset names, and datasets that do not exist', () => {
    expect(() => loadWilayah('../package')).toThrow(WilayahError);
    expect(() => loadWilayah('99-nowhere')).toThrow(/reference\/wilayah\/99-nowhere\.yaml: file:/);
  });
});

describe('reference data: Kalimantan Selatan, Kota Banjarmasin and Kota Banjarbaru', () => {
  it('holds 1 provinsi and 2 kota (no kabupaten)', () => {
    expect(flat.filter((u) => u.kind === 'PROVINSI')).toEqual([{ code: '63', name: 'Kalimantan Selatan', kind: 'PROVINSI', parentCode: null, timeZone: 'Asia/Makassar' }]);
    expect(flat.filter((u) => u.kind === 'KOTA').map((u) => [u.code, u.name, u.parentCode])).toEqual([
      ['63.71', 'Kota Banjarmasin', '63'],
      ['63.72', 'Kota Banjarbaru', '63'],
    ]);
    expect(flat.some((u) => u.kind === 'KABUPATEN' || u.kind === 'DESA')).toBe(false);
    expect(flat).toHaveLength(1 + 2 + 10 + 72);
  });

  it('Kota Banjarbaru: 5 kecamatan, 20 kelurahan', () => {
    expect(childrenOf('63.72').map((u) => [u.code, u.name])).toEqual([
      ['63.72.02', 'Landasan Ulin'],
      ['63.72.03', 'Cempaka'],
      ['63.72.04', 'Banjarbaru Utara'],
      ['63.72.05', 'Banjarbaru Selatan'],
      ['63.72.06', 'Liang Anggang'],
    ]);
    expect(childrenOf('63.72').every((u) => u.kind === 'KECAMATAN')).toBe(true);
    expect(kelurahanUnder('63.72')).toHaveLength(20);
    for (const kec of childrenOf('63.72')) expect(childrenOf(kec.code)).toHaveLength(4);
  });

  it('Kota Banjarmasin: 5 kecamatan, 52 kelurahan', () => {
    expect(childrenOf('63.71').map((u) => [u.code, u.name])).toEqual([
      ['63.71.01', 'Banjarmasin Selatan'],
      ['63.71.02', 'Banjarmasin Timur'],
      ['63.71.03', 'Banjarmasin Barat'],
      ['63.71.04', 'Banjarmasin Utara'],
      ['63.71.05', 'Banjarmasin Tengah'],
    ]);
    expect(kelurahanUnder('63.71')).toHaveLength(52);
    expect(childrenOf('63.71').map((k) => childrenOf(k.code).length)).toEqual([12, 9, 9, 10, 12]);
  });

  it('knows the kelurahan as the source lists them', () => {
    expect(namesUnder('63.72.04')).toEqual(['Loktabat Utara', 'Mentaos', 'Komet', 'Sungai Ulin']);
    expect(byCode.get('63.72.04.1001')).toEqual({ code: '63.72.04.1001', name: 'Loktabat Utara', kind: 'KELURAHAN', parentCode: '63.72.04', timeZone: 'Asia/Makassar' });
    expect(namesUnder('63.72.05')).toEqual(['Sungai Besar', 'Laktabat Selatan', 'Kemuning', 'Guntung Paikat']);
    expect(namesUnder('63.72.02')).toEqual(['Landasan Ulin Timur', 'Guntung Payung', 'Guntung Manggis', 'Syamsudin Noor']);
    expect(childrenOf('63.72.02').map((u) => u.code)).toEqual(['63.72.02.1003', '63.72.02.1004', '63.72.02.1005', '63.72.02.1006']);
    expect(namesUnder('63.72.06')).toEqual(['Landasan Ulin Barat', 'Landasan Ulin Tengah', 'Landasan Ulin Utara', 'Landasan Ulin Selatan']);
    expect(namesUnder('63.71.01')).toEqual(expect.arrayContaining(['Kelayan Selatan', 'Pemurus Dalam', 'Pemurus Baru', 'Mantuil']));
    expect(namesUnder('63.71.05')).toEqual(expect.arrayContaining(['Kertak Baru Ilir', 'Kelayan Luar', 'Seberang Mesjid']));
    expect(byCode.get('63.71.02.1009')?.name).toBe('Pemurus Luar');
    // Banjarbaru has no kecamatan 01 in the Kepmendagri list.
    expect(byCode.has('63.72.01')).toBe(false);
    expect(findUnit(w, '63.72.03')?.children.map((u) => u.name)).toEqual(['Palam', 'Bangkal', 'Sungai Tiung', 'Cempaka']);
  });

  it('is all WITA (Asia/Makassar)', () => {
    expect(w.timeZone).toBe('Asia/Makassar');
    expect(new Set(flat.map((u) => u.timeZone))).toEqual(new Set(['Asia/Makassar']));
  });

  it('has unique codes, each prefixed by its parent, one level down, parents listed first', () => {
    expect(new Set(flat.map((u) => u.code)).size).toBe(flat.length);
    const position = new Map(flat.map((u, i) => [u.code, i]));
    for (const u of flat) {
      if (u.parentCode === null) {
        expect(u.code).toBe('63');
        continue;
      }
      expect(u.code.startsWith(`${u.parentCode}.`)).toBe(true);
      expect(u.code.split('.')).toHaveLength(u.parentCode.split('.').length + 1);
      expect(position.get(u.parentCode)!).toBeLessThan(position.get(u.code)!);
    }
    for (const u of flat.filter((x) => x.kind === 'KELURAHAN')) expect(u.code).toMatch(/^63\.7[12]\.\d{2}\.1\d{3}$/);
  });

  it('spells names in Title Case, trimmed', () => {
    for (const u of flat) expect(u.name).toMatch(/^[A-Z][a-z]+(?: [A-Z][a-z]+)*$/);
  });
});

describe('reference data: the unit import CSV', () => {
  const text = toUnitsCsv(w);

  it('is the import format: header, one row per unit, parents first', () => {
    const lines = text.split('\n');
    expect(lines[0]).toBe('code,name,kind,parent_code,time_zone');
    expect(lines[1]).toBe('63,Kalimantan Selatan,PROVINSI,,Asia/Makassar');
    expect(lines[2]).toBe('63.71,Kota Banjarmasin,KOTA,63,Asia/Makassar');
    expect(lines).toContain('63.72.04.1001,Loktabat Utara,KELURAHAN,63.72.04,Asia/Makassar');
    expect(text.endsWith('\n')).toBe(true);
    expect(lines).toHaveLength(flat.length + 2);
  });

  it('parses with the units-csv parser without errors, into a new hierarchy', () => {
    const result = parseUnitCsv(text, new Map());
    expect(result.errors).toEqual([]);
    expect(result.rows).toHaveLength(flat.length);
    expect(result.rows.map((r) => ({ code: r.code, name: r.name, kind: r.kind, parentCode: r.parentCode, timeZone: r.timeZone }))).toEqual(flat);
    expect(result.rows.every((r) => r.timeZoneSource === 'file')).toBe(true);
    expect(result.plan.every((p) => p.action === 'create')).toBe(true);
  });

  it('imports twice without changes', () => {
    const existing = new Map<string, ExistingUnit>(flat.map((u) => [u.code, { name: u.name, kind: u.kind, parentCode: u.parentCode, timeZone: u.timeZone }]));
    const again = parseUnitCsv(text, existing);
    expect(again.errors).toEqual([]);
    expect(again.plan.every((p) => p.action === 'unchanged')).toBe(true);
  });

  it('fits under a province that already exists', () => {
    const existing = new Map<string, ExistingUnit>([['63', { name: 'Kalimantan Selatan', kind: 'PROVINSI', parentCode: null, timeZone: 'Asia/Makassar' }]]);
    const result = parseUnitCsv(text, existing);
    expect(result.errors).toEqual([]);
    expect(result.plan[0]).toMatchObject({ code: '63', action: 'unchanged' });
  });
});

describe('reference data: validation', () => {
  const yaml = (units: string, extra = '') =>
    [
      'source:',
      '  decree: Kepmendagri No. 300.2.2-2138 Tahun 2025',
      '  citation: test',
      '  urls: [https://example.org/wilayah.sql]',
      'retrieved: 2026-11-22',
      'timeZone: Asia/Makassar',
      extra,
      'units:',
      units,
    ].join('\n');
  const tree = (kelurahan: string, kota = '{ code: "63.72", name: Kota Banjarbaru, kind: KOTA') =>
    `  - code: "63"\n    name: Kalimantan Selatan\n    kind: PROVINSI\n    children:\n      - ${kota}, children: [{ code: "63.72.04", name: Banjarbaru Utara, kind: KECAMATAN, children: [${kelurahan}] }] }`;
  const fails = (text: string) => {
    try {
      parseWilayah(text, 'test.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(WilayahError);
      const e = err as WilayahError;
      return `${e.code}:${e.rule}`;
    }
    return 'ok';
  };

  it('accepts a well-formed tree', () => {
    expect(fails(yaml(tree('{ code: "63.72.04.1001", name: Loktabat Utara, kind: KELURAHAN }')))).toBe('ok');
  });

  it('names the code and the rule of the first problem', () => {
    expect(fails(yaml(tree('{ code: "63.72.4.1001", name: Loktabat Utara, kind: KELURAHAN }')))).toBe('63.72.4.1001:code-format');
    expect(fails(yaml(tree('{ code: "63.72.04.1001", name: A, kind: KELURAHAN }, { code: "63.72.04.1001", name: B, kind: KELURAHAN }')))).toBe('63.72.04.1001:duplicate-code');
    expect(fails(yaml(tree('{ code: "63.71.04.1001", name: Loktabat Utara, kind: KELURAHAN }')))).toBe('63.71.04.1001:parent-prefix');
    expect(fails(yaml(tree('{ code: "63.72.04.1001", name: Loktabat Utara, kind: DESA }')))).toBe('63.72.04.1001:kind-depth');
    expect(fails(yaml(tree('{ code: "63.72.04.1001", name: Loktabat Utara, kind: KECAMATAN }')))).toBe('63.72.04.1001:kind-depth');
    expect(fails(yaml(tree('', '{ code: "63.72", name: Banjarbaru, kind: KABUPATEN')))).toBe('63.72:kind-depth');
    expect(fails(yaml(tree('{ code: "63.72.04.1001", name: " Loktabat  Utara", kind: KELURAHAN }')))).toBe('63.72.04.1001:name-format');
    expect(fails(yaml(tree('{ code: "63.72.04.1001", name: Loktabat Utara, kind: KELURAHAN, timeZone: Asia/Jakarta }')))).toBe('63.72.04.1001:time-zone');
    expect(fails(yaml('  - { code: "63.72", name: Kota Banjarbaru, kind: KOTA }'))).toBe('63.72:top-level');
  });

  it('reports schema problems with the unit they are in', () => {
    expect(fails(yaml(tree('{ code: "63.72.04.1001", name: Loktabat Utara, kind: KELURAHAN, extra: 1 }')))).toBe('63.72.04.1001:schema');
    expect(fails(yaml(tree('{ code: 63.72, name: Loktabat Utara, kind: KELURAHAN }')))).toBe('63.72:schema');
    expect(fails(yaml(tree('{ code: "63.72.04.1001", name: Loktabat Utara, kind: LURAH }')))).toBe('63.72.04.1001:schema');
    expect(fails(yaml(tree('{ code: "63.72.04.1001", name: Loktabat Utara, kind: KELURAHAN }')).replace('timeZone: Asia/Makassar', 'timeZone: WITA'))).toBe('null:schema');
    expect(fails('units: [')).toBe('null:yaml');
    expect(() => parseWilayah(yaml(tree('{ code: "63.72.04.1001", name: Loktabat Utara, kind: LURAH }')), 'test.yaml')).toThrow(/^test\.yaml: unit 63\.72\.04\.1001: schema: units\.0\.children\.0\.children\.0\.children\.0\.kind: /);
  });
});
