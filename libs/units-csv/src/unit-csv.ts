import { parse } from 'csv-parse/sync';
import { TIME_ZONES, isIndonesianTimeZone, timeZoneForUnitCode, type IndonesianTimeZone } from '@kawal/domain';

/**
 * Bulk unit import from a CSV file, parsed and validated without touching the database: the caller passes the units
 * that already exist (by code) and gets back the valid rows (parents before children), every problem found (row,
 * column, rule and a message in Bahasa Indonesia) and a plan (create / update / unchanged per row).
 *
 * The file is all or nothing: apply `rows` only when `errors` is empty. Importing the same file twice plans
 * 'unchanged' for every row the second time.
 *
 * Columns (a header row is required; names are case-insensitive, in any order; Indonesian names accepted):
 *   code         Kemendagri code (63, 63.72, 63.72.01, 63.72.01.1001) or another code: letters, digits, '.', '-',
 *                1-64 characters, starting with a letter or digit.                        (kode, kode_unit)
 *   name         1-200 characters.                                                        (nama, nama_unit)
 *   kind         PROVINSI, KOTA, KABUPATEN, KECAMATAN, KELURAHAN, DESA, SKPD, UPT, OTHER; any case; aliases such as
 *                kab, kec, kel, opd (= SKPD), uptd (= UPT), lainnya (= OTHER).              (jenis, jenis_unit)
 *   parent_code  optional: a unit that exists or another row of the file. A blank cell makes a top-level unit;
 *                without the column, existing units keep their parent (new ones get none). (kode_induk)
 *   time_zone    optional: Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura, or WIB / WITA / WIT.
 *                When blank: an existing unit keeps its zone, else the parent's zone, else the zone of the
 *                Kemendagri province code (63 -> Asia/Makassar).                          (zona_waktu, timezone, tz)
 *
 * The delimiter is taken from the header line (',' or, as Excel writes with Indonesian regional settings, ';', or a
 * tab). Row numbers are spreadsheet rows: the header is row 1, so the first data row is row 2.
 */

export const UNIT_KINDS = ['PROVINSI', 'KOTA', 'KABUPATEN', 'KECAMATAN', 'KELURAHAN', 'DESA', 'SKPD', 'UPT', 'OTHER'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Most data rows one file may hold. */
export const MAX_UNIT_CSV_ROWS = 10_000;

/** A unit that already exists, as the caller looked it up (keyed by code in the map passed in). */
export interface ExistingUnit {
  kind: string;
  parentCode: string | null;
  name: string;
  timeZone: string;
}

export type UnitCsvColumn = 'code' | 'name' | 'kind' | 'parent_code' | 'time_zone';

export type UnitCsvRule =
  | 'empty-file'
  | 'too-many-rows'
  | 'csv-syntax'
  | 'missing-column'
  | 'unknown-column'
  | 'duplicate-column'
  | 'column-count'
  | 'required'
  | 'code-format'
  | 'name-length'
  | 'name-format'
  | 'duplicate-code'
  | 'unknown-kind'
  | 'self-parent'
  | 'parent-not-found'
  | 'parent-cycle'
  | 'kemendagri-parent'
  | 'kemendagri-kind'
  | 'kemendagri-village'
  | 'time-zone-invalid'
  | 'time-zone-required';

export interface UnitCsvError {
  /** Spreadsheet row: header = 1, first data row = 2. */
  row: number;
  /** A column name, or 'file' for a problem with the file as a whole. */
  field: UnitCsvColumn | 'file' | string;
  rule: UnitCsvRule;
  /** In Bahasa Indonesia. */
  message: string;
}

/** Where a row's time zone came from. */
export type TimeZoneSource = 'file' | 'existing' | 'parent' | 'code';

export interface UnitCsvRow {
  row: number;
  code: string;
  name: string;
  kind: UnitKind;
  parentCode: string | null;
  timeZone: IndonesianTimeZone;
  timeZoneSource: TimeZoneSource;
}

export type UnitField = 'name' | 'kind' | 'parentCode' | 'timeZone';

export interface UnitCsvPlanItem {
  row: number;
  code: string;
  action: 'create' | 'update' | 'unchanged';
  /** For 'update': the fields that differ from the existing unit. */
  changes: UnitField[];
}

export interface UnitCsvResult {
  /** Valid rows, parents before children (file order otherwise). */
  rows: UnitCsvRow[];
  errors: UnitCsvError[];
  /** One entry per valid row, in the order of `rows`. */
  plan: UnitCsvPlanItem[];
}

export interface ParseUnitCsvOptions {
  /** Default MAX_UNIT_CSV_ROWS. */
  maxRows?: number;
}

// ------------------------------------------------------------------------------------------------ vocabulary

const COLUMN_ALIASES: Record<string, UnitCsvColumn> = {
  code: 'code',
  kode: 'code',
  kode_unit: 'code',
  unit_code: 'code',
  name: 'name',
  nama: 'name',
  nama_unit: 'name',
  unit_name: 'name',
  kind: 'kind',
  jenis: 'kind',
  jenis_unit: 'kind',
  parent_code: 'parent_code',
  kode_induk: 'parent_code',
  time_zone: 'time_zone',
  timezone: 'time_zone',
  tz: 'time_zone',
  zona_waktu: 'time_zone',
};

const REQUIRED_COLUMNS: UnitCsvColumn[] = ['code', 'name', 'kind'];

const KIND_ALIASES: Record<string, UnitKind> = {
  provinsi: 'PROVINSI',
  prov: 'PROVINSI',
  province: 'PROVINSI',
  kota: 'KOTA',
  'kota administrasi': 'KOTA',
  city: 'KOTA',
  kabupaten: 'KABUPATEN',
  kab: 'KABUPATEN',
  'kabupaten administrasi': 'KABUPATEN',
  regency: 'KABUPATEN',
  kecamatan: 'KECAMATAN',
  kec: 'KECAMATAN',
  distrik: 'KECAMATAN',
  district: 'KECAMATAN',
  kelurahan: 'KELURAHAN',
  kel: 'KELURAHAN',
  desa: 'DESA',
  kampung: 'DESA',
  nagari: 'DESA',
  gampong: 'DESA',
  village: 'DESA',
  skpd: 'SKPD',
  opd: 'SKPD',
  'perangkat daerah': 'SKPD',
  upt: 'UPT',
  uptd: 'UPT',
  other: 'OTHER',
  lainnya: 'OTHER',
  lain: 'OTHER',
};

/** Kinds of the Kemendagri territorial hierarchy (checked against the shape of a Kemendagri code). */
const TERRITORIAL_KINDS: ReadonlySet<UnitKind> = new Set(['PROVINSI', 'KOTA', 'KABUPATEN', 'KECAMATAN', 'KELURAHAN', 'DESA']);

const CODE_RE = /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/;
/** 63 | 63.72 | 63.72.01 | 63.72.01.1001 */
const KEMENDAGRI_RE = /^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$/;

const ABBREVIATION_OFFSETS: Record<string, number> = { WIB: 7, WITA: 8, WIT: 9 };
const CANONICAL_ZONE: Record<number, IndonesianTimeZone> = { 7: 'Asia/Jakarta', 8: 'Asia/Makassar', 9: 'Asia/Jayapura' };

export function isKemendagriCode(code: string): boolean {
  return KEMENDAGRI_RE.test(code);
}

/** A kind from the file (any case, Indonesian aliases), or null when unknown. */
export function normaliseUnitKind(value: string): UnitKind | null {
  const key = value.trim().toLowerCase().replace(/[\s_]+/g, ' ');
  if ((UNIT_KINDS as readonly string[]).includes(key.toUpperCase())) return key.toUpperCase() as UnitKind;
  return KIND_ALIASES[key] ?? null;
}

const normaliseHeader = (h: string) => h.trim().toLowerCase().replace(/[\s-]+/g, '_');

/** The separator the header line uses: ',' unless ';' or a tab is more frequent (outside quotes). */
function detectDelimiter(text: string): string {
  const firstLine = text.split(/\r\n|\n|\r/).find((line) => line.trim() !== '') ?? '';
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch]++;
  }
  return counts[';'] > counts[','] && counts[';'] >= counts['\t'] ? ';' : counts['\t'] > counts[','] ? '\t' : ',';
}

// --------------------------------------------------------------------------------------------------- parsing

interface Draft {
  row: number;
  code: string;
  name: string;
  kind: UnitKind | null;
  /** undefined: the file has no parent_code column. */
  parentCode: string | null | undefined;
  timeZoneText: string;
  /** Set once any error is reported for the row. */
  invalid: boolean;
  /** The first row with this code (a later duplicate does not take part in the hierarchy). */
  primary: boolean;
}

/**
 * Parses and validates a unit import file. `existing` maps the code of every unit already stored (at least those
 * the file may refer to) to its current values. Never throws on bad input: every problem is in `errors`.
 */
export function parseUnitCsv(text: string, existing: ReadonlyMap<string, ExistingUnit>, options: ParseUnitCsvOptions = {}): UnitCsvResult {
  const maxRows = options.maxRows ?? MAX_UNIT_CSV_ROWS;
  const errors: UnitCsvError[] = [];
  const fail = (): UnitCsvResult => ({ rows: [], errors, plan: [] });
  const report = (row: number, field: string, rule: UnitCsvRule, message: string) => errors.push({ row, field, rule, message });

  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') {
    report(1, 'file', 'empty-file', 'Berkas kosong: baris pertama harus berisi judul kolom (code, name, kind, ...), disusul baris data.');
    return fail();
  }

  let records: string[][];
  try {
    records = parse(body, {
      delimiter: detectDelimiter(body),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      trim: true,
    }) as string[][];
  } catch (err) {
    const parsed = typeof (err as { records?: unknown }).records === 'number' ? ((err as { records: number }).records as number) : 0;
    report(parsed + 1, 'file', 'csv-syntax', `Format CSV rusak di sekitar baris ${parsed + 1}: ${(err as Error).message}. Periksa tanda kutip (").`);
    return fail();
  }

  // Spreadsheet row numbers are record positions + 1; blank records (empty lines, ",,,") are skipped but counted.
  const isBlank = (r: string[]) => r.every((v) => v.trim() === '');
  const headerIndex = records.findIndex((r) => !isBlank(r));
  const header = records[headerIndex];
  const data: Array<{ row: number; values: string[] }> = [];
  for (let i = headerIndex + 1; i < records.length; i++) {
    if (!isBlank(records[i])) data.push({ row: i + 1, values: records[i].map((v) => v.trim()) });
  }
  const headerRow = headerIndex + 1;

  // ---- header
  const columnIndex = new Map<UnitCsvColumn, number>();
  header.forEach((raw, j) => {
    const name = normaliseHeader(raw);
    if (name === '') {
      // An unnamed column Excel left behind is harmless while it stays empty.
      if (data.some((d) => (d.values[j] ?? '') !== '')) {
        report(headerRow, `kolom ${j + 1}`, 'unknown-column', `Kolom ke-${j + 1} tidak berjudul tetapi berisi data. Beri judul yang dikenal atau hapus kolomnya.`);
      }
      return;
    }
    const column = COLUMN_ALIASES[name];
    if (!column) {
      report(headerRow, raw.trim(), 'unknown-column', `Kolom "${raw.trim()}" tidak dikenal. Kolom yang dikenal: code, name, kind, parent_code, time_zone.`);
    } else if (columnIndex.has(column)) {
      report(headerRow, column, 'duplicate-column', `Kolom ${column} muncul lebih dari sekali (kolom ke-${columnIndex.get(column)! + 1} dan ke-${j + 1}).`);
    } else {
      columnIndex.set(column, j);
    }
  });
  for (const column of REQUIRED_COLUMNS) {
    if (!columnIndex.has(column)) {
      report(headerRow, column, 'missing-column', `Kolom wajib ${column} tidak ada. Baris pertama harus berisi judul kolom: code, name, kind (parent_code dan time_zone boleh).`);
    }
  }
  if (errors.length > 0) return fail();
  if (data.length === 0) {
    report(headerRow + 1, 'file', 'empty-file', 'Berkas tidak berisi baris data: setelah baris judul kolom harus ada minimal satu unit.');
    return fail();
  }
  if (data.length > maxRows) {
    report(headerRow, 'file', 'too-many-rows', `Berkas berisi ${data.length} baris data; paling banyak ${maxRows} baris per berkas. Bagi menjadi beberapa berkas.`);
    return fail();
  }

  // ---- rows, field by field
  const hasParentColumn = columnIndex.has('parent_code');
  const cell = (values: string[], column: UnitCsvColumn): string => {
    const j = columnIndex.get(column);
    return j === undefined ? '' : (values[j] ?? '');
  };
  const drafts: Draft[] = [];
  const firstRowOf = new Map<string, Draft>();
  for (const { row, values } of data) {
    // Trailing empty cells (a stray delimiter at the end of a line) are tolerated; anything else must line up.
    let width = values.length;
    while (width > header.length && values[width - 1] === '') width--;
    if (width !== header.length) {
      report(row, 'file', 'column-count', `Baris ${row} berisi ${width} kolom, padahal judulnya ${header.length} kolom. Nama yang memuat koma harus diapit tanda kutip (").`);
      continue;
    }
    const d: Draft = {
      row,
      code: cell(values, 'code'),
      name: cell(values, 'name'),
      kind: null,
      parentCode: hasParentColumn ? cell(values, 'parent_code') || null : undefined,
      timeZoneText: cell(values, 'time_zone'),
      invalid: false,
      primary: false,
    };
    const fault = (field: UnitCsvColumn, rule: UnitCsvRule, message: string) => {
      report(row, field, rule, message);
      d.invalid = true;
    };
    drafts.push(d);

    if (d.code === '') fault('code', 'required', 'Kode unit wajib diisi.');
    else if (!CODE_RE.test(d.code)) {
      fault('code', 'code-format', `Kode "${d.code}" tidak sah: pakai huruf, angka, titik atau tanda hubung, 1-64 karakter, diawali huruf atau angka (mis. 63.72.01.1001).`);
    } else if (firstRowOf.has(d.code)) {
      fault('code', 'duplicate-code', `Kode ${d.code} sudah dipakai di baris ${firstRowOf.get(d.code)!.row}; setiap kode hanya boleh muncul sekali.`);
    } else {
      firstRowOf.set(d.code, d);
      d.primary = true;
    }

    const nameLength = [...d.name].length;
    if (nameLength === 0) fault('name', 'required', 'Nama unit wajib diisi.');
    else if (nameLength > 200) fault('name', 'name-length', `Nama unit terlalu panjang (${nameLength} karakter); paling banyak 200.`);
    else if (/[\u0000-\u001F\u007F]/.test(d.name)) fault('name', 'name-format', 'Nama unit tidak boleh berisi baris baru atau karakter kendali.');

    const kindText = cell(values, 'kind');
    d.kind = kindText === '' ? null : normaliseUnitKind(kindText);
    if (kindText === '') fault('kind', 'required', `Jenis unit wajib diisi: salah satu dari ${UNIT_KINDS.join(', ')}.`);
    else if (!d.kind) fault('kind', 'unknown-kind', `Jenis unit "${kindText}" tidak dikenal: pakai salah satu dari ${UNIT_KINDS.join(', ')} (atau kelurahan, desa, kota, kabupaten, kecamatan, provinsi, opd).`);

    if (d.parentCode && !CODE_RE.test(d.parentCode)) {
      fault('parent_code', 'code-format', `Kode induk "${d.parentCode}" tidak sah: pakai huruf, angka, titik atau tanda hubung, 1-64 karakter.`);
    }

    if (d.timeZoneText !== '' && !parseZoneText(d.timeZoneText)) {
      fault('time_zone', 'time-zone-invalid', `Zona waktu "${d.timeZoneText}" tidak dikenal: pakai Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura, atau WIB, WITA, WIT.`);
    }

    // Kind against the shape of a Kemendagri code (only for territorial kinds: an SKPD may have any code).
    if (d.kind && TERRITORIAL_KINDS.has(d.kind) && CODE_RE.test(d.code) && isKemendagriCode(d.code)) {
      const problem = kemendagriKindProblem(d.code, d.kind);
      if (problem) fault('kind', problem.rule, problem.message);
    }
  }

  // ---- the hierarchy: parents exist, follow Kemendagri prefixes, no cycles
  const known = (code: string) => firstRowOf.has(code) || existing.has(code);
  /** The parent a code ends up with after the import (undefined parent column: the existing one stays). */
  const parentAfter = (code: string): string | null => {
    const d = firstRowOf.get(code);
    if (d) return d.parentCode === undefined ? (existing.get(code)?.parentCode ?? null) : d.parentCode;
    return existing.get(code)?.parentCode ?? null;
  };

  for (const d of drafts) {
    if (!d.primary) continue;
    const fault = (field: UnitCsvColumn, rule: UnitCsvRule, message: string) => {
      report(d.row, field, rule, message);
      d.invalid = true;
    };
    // Without a parent_code column an existing unit keeps its parent as stored: nothing to check.
    if (d.parentCode === undefined && existing.has(d.code)) continue;
    const parent = parentAfter(d.code);
    if (parent !== null && !CODE_RE.test(parent)) continue; // already reported
    if (parent === d.code) {
      fault('parent_code', 'self-parent', `Unit ${d.code} tidak boleh menjadi induk dirinya sendiri.`);
      continue;
    }
    if (parent !== null && !known(parent)) {
      fault('parent_code', 'parent-not-found', `Induk ${parent} tidak ditemukan: tidak ada di data unit maupun di berkas ini.`);
      continue;
    }
    if (!isKemendagriCode(d.code)) continue;
    const nearest = nearestKnownPrefix(d.code, known);
    if (parent === null) {
      if (nearest) {
        fault('parent_code', 'kemendagri-parent', `Unit ${nearest} ada, jadi unit berkode Kemendagri ${d.code} harus berinduk ${nearest}: isi parent_code dengan ${nearest}.`);
      }
    } else if (isKemendagriCode(parent)) {
      if (!d.code.startsWith(`${parent}.`)) {
        fault('parent_code', 'kemendagri-parent', `Induk ${parent} tidak cocok dengan kode Kemendagri ${d.code}: kode induk harus awalan kode unit (mis. ${prefixes(d.code)[0]}).`);
      } else if (nearest && nearest !== parent) {
        fault('parent_code', 'kemendagri-parent', `Induk unit ${d.code} seharusnya ${nearest} (unit terdekat di atasnya), bukan ${parent}.`);
      }
    }
  }

  // Cycles, over the hierarchy as it would be after the import (file rows and existing units together).
  const state = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = done
  for (const d of drafts) {
    if (!d.primary || state.has(d.code)) continue;
    const path: string[] = [];
    let cur: string | null = d.code;
    while (cur !== null && known(cur) && !state.has(cur)) {
      state.set(cur, 1);
      path.push(cur);
      const next: string | null = parentAfter(cur);
      cur = next === cur ? null : next; // a self-parent is reported on its own
    }
    if (cur !== null && state.get(cur) === 1) {
      const cycle = path.slice(path.indexOf(cur));
      const chain = [...cycle, cur].join(' → ');
      for (const code of cycle) {
        const row = firstRowOf.get(code);
        if (row) {
          report(row.row, 'parent_code', 'parent-cycle', `Hubungan induk berputar: ${chain}. Sebuah unit tidak boleh menjadi induk dari induknya sendiri.`);
          row.invalid = true;
        }
      }
    }
    for (const code of path) state.set(code, 2);
  }

  // ---- order (parents first), time zones, plan
  const valid = drafts.filter((d) => !d.invalid);
  const ordered: Draft[] = [];
  const placed = new Set<Draft>();
  for (const d of valid) {
    const chain: Draft[] = [];
    for (let cur: Draft | undefined = d; cur && !cur.invalid && !placed.has(cur); ) {
      chain.push(cur);
      placed.add(cur);
      const parent = parentAfter(cur.code);
      cur = parent === null ? undefined : firstRowOf.get(parent);
    }
    ordered.push(...chain.reverse());
  }

  const resolvedZone = new Map<string, IndonesianTimeZone>();
  const rows: UnitCsvRow[] = [];
  const plan: UnitCsvPlanItem[] = [];
  for (const d of ordered) {
    const before = existing.get(d.code);
    const parentCode = parentAfter(d.code);
    const existingZone = before && isIndonesianTimeZone(before.timeZone) ? before.timeZone : null;
    // The parent's zone after the import (rows are in parent-first order), else as stored.
    const stored = parentCode === null ? undefined : existing.get(parentCode)?.timeZone;
    const parentZone: IndonesianTimeZone | null =
      (parentCode === null ? undefined : resolvedZone.get(parentCode)) ?? (stored && isIndonesianTimeZone(stored) ? stored : null);
    const codeZone = isKemendagriCode(d.code) ? timeZoneForUnitCode(d.code) : null;

    let zone: IndonesianTimeZone | null;
    let source: TimeZoneSource;
    if (d.timeZoneText !== '') {
      zone = resolveZoneText(d.timeZoneText, [existingZone, parentZone, codeZone]);
      source = 'file';
    } else if (existingZone) {
      [zone, source] = [existingZone, 'existing'];
    } else if (parentZone) {
      [zone, source] = [parentZone, 'parent'];
    } else {
      [zone, source] = [codeZone, 'code'];
    }
    if (!zone && parentCode !== null && firstRowOf.get(parentCode)?.invalid) {
      report(d.row, 'time_zone', 'time-zone-required', `Zona waktu unit ${d.code} tidak dapat ditentukan karena baris induknya (${parentCode}) bermasalah: perbaiki baris induk atau isi time_zone.`);
      continue;
    }
    if (!zone) {
      report(d.row, 'time_zone', 'time-zone-required', `Zona waktu unit ${d.code} tidak dapat ditentukan (kode bukan kode Kemendagri dan tidak berinduk): isi time_zone, mis. Asia/Makassar atau WITA.`);
      continue;
    }
    resolvedZone.set(d.code, zone);

    const out: UnitCsvRow = { row: d.row, code: d.code, name: d.name, kind: d.kind as UnitKind, parentCode, timeZone: zone, timeZoneSource: source };
    rows.push(out);
    if (!before) {
      plan.push({ row: d.row, code: d.code, action: 'create', changes: [] });
      continue;
    }
    const changes: UnitField[] = [];
    if (before.name !== out.name) changes.push('name');
    if (before.kind !== out.kind) changes.push('kind');
    if ((before.parentCode ?? null) !== out.parentCode) changes.push('parentCode');
    if (before.timeZone !== out.timeZone) changes.push('timeZone');
    plan.push({ row: d.row, code: d.code, action: changes.length > 0 ? 'update' : 'unchanged', changes });
  }

  errors.sort((a, b) => a.row - b.row);
  return { rows, errors, plan };
}

// --------------------------------------------------------------------------------------------------- helpers

/** The proper prefixes of a Kemendagri code, nearest first: 63.72.01.1001 -> [63.72.01, 63.72, 63]. */
function prefixes(code: string): string[] {
  const parts = code.split('.');
  const out: string[] = [];
  for (let n = parts.length - 1; n >= 1; n--) out.push(parts.slice(0, n).join('.'));
  return out;
}

function nearestKnownPrefix(code: string, known: (code: string) => boolean): string | null {
  return prefixes(code).find(known) ?? null;
}

/** Kemendagri conventions: level by number of segments, kota 71-99 vs kabupaten 01-69, kelurahan 1xxx vs desa 2xxx. */
function kemendagriKindProblem(code: string, kind: UnitKind): { rule: UnitCsvRule; message: string } | null {
  const parts = code.split('.');
  const expected: Record<number, UnitKind[]> = { 1: ['PROVINSI'], 2: ['KABUPATEN', 'KOTA'], 3: ['KECAMATAN'], 4: ['KELURAHAN', 'DESA'] };
  const levelName: Record<number, string> = { 1: 'provinsi', 2: 'kabupaten/kota', 3: 'kecamatan', 4: 'kelurahan/desa' };
  if (!expected[parts.length].includes(kind)) {
    return {
      rule: 'kemendagri-kind',
      message: `Kode ${code} adalah kode Kemendagri tingkat ${levelName[parts.length]}, tetapi jenisnya ${kind}.`,
    };
  }
  if (parts.length === 2) {
    const isKota = Number(parts[1]) >= 71;
    if (kind === 'KOTA' && !isKota) return { rule: 'kemendagri-kind', message: `Kode ${code} adalah kode kabupaten (kode kota bernomor 71 ke atas), tetapi jenisnya KOTA.` };
    if (kind === 'KABUPATEN' && isKota) return { rule: 'kemendagri-kind', message: `Kode ${code} adalah kode kota (bernomor 71 ke atas), tetapi jenisnya KABUPATEN.` };
  }
  if (parts.length === 4) {
    const lead = parts[3][0];
    if (kind === 'KELURAHAN' && lead !== '1') {
      return { rule: 'kemendagri-village', message: `Kode kelurahan ${code} harus berakhiran 1xxx (kode desa berakhiran 2xxx).` };
    }
    if (kind === 'DESA' && lead !== '2') {
      return { rule: 'kemendagri-village', message: `Kode desa ${code} harus berakhiran 2xxx (kode kelurahan berakhiran 1xxx).` };
    }
  }
  return null;
}

/** An IANA zone (any case) or WIB/WITA/WIT as an offset; null when not recognised. */
function parseZoneText(text: string): { zone: IndonesianTimeZone } | { offset: number } | null {
  const trimmed = text.trim();
  const zone = (Object.keys(TIME_ZONES) as IndonesianTimeZone[]).find((z) => z.toLowerCase() === trimmed.toLowerCase());
  if (zone) return { zone };
  const offset = ABBREVIATION_OFFSETS[trimmed.toUpperCase()];
  return offset === undefined ? null : { offset };
}

/** WIB/WITA/WIT become the first candidate zone with that offset (WIB in Kalimantan Barat is Asia/Pontianak). */
function resolveZoneText(text: string, candidates: Array<IndonesianTimeZone | null>): IndonesianTimeZone | null {
  const parsed = parseZoneText(text);
  if (!parsed) return null;
  if ('zone' in parsed) return parsed.zone;
  return candidates.find((z): z is IndonesianTimeZone => z !== null && TIME_ZONES[z] === parsed.offset) ?? CANONICAL_ZONE[parsed.offset];
}
