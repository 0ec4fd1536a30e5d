import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { TIME_ZONES, timeZoneForUnitCode, type IndonesianTimeZone } from '@kawal/domain';
import { projectRoot } from '@kawal/config';

/**
 * Reference data of the Kemendagri territorial hierarchy (provinsi > kabupaten/kota > kecamatan > kelurahan/desa),
 * kept as YAML under <repo root>/reference/wilayah/<name>.yaml with the source it was taken from. Loading validates
 * the whole tree and throws a WilayahError naming the file, the code and the rule at the first problem.
 */

/** The unit kinds a reference tree may hold: the territorial ones of prisma's UnitKind. */
export const WILAYAH_KINDS = ['PROVINSI', 'KOTA', 'KABUPATEN', 'KECAMATAN', 'KELURAHAN', 'DESA'] as const;
export type WilayahKind = (typeof WILAYAH_KINDS)[number];

/** Default dataset for loadWilayah(). */
export const DEFAULT_WILAYAH = '63-kalimantan-selatan';

export interface WilayahUnit {
  /** Kemendagri code: 63, 63.72, 63.72.04, 63.72.04.1001. */
  code: string;
  name: string;
  kind: WilayahKind;
  /** Set only where a unit differs from the dataset's zone (it never does within one province). */
  timeZone?: IndonesianTimeZone;
  children: WilayahUnit[];
}

export interface WilayahSource {
  /** The decree the codes come from, e.g. "Kepmendagri No. 300.2.2-2138 Tahun 2025". */
  decree: string;
  /** Where exactly the data was taken from (repository, file, commit). */
  citation: string;
  urls: string[];
  crossChecks: Array<{ citation: string; url: string }>;
}

export interface Wilayah {
  /** The dataset name (file name without .yaml). */
  name: string;
  /** Absolute path of the file it was loaded from (or the label given to parseWilayah). */
  file: string;
  source: WilayahSource;
  /** YYYY-MM-DD. */
  retrieved: string;
  notes: string;
  timeZone: IndonesianTimeZone;
  /** Top-level units: provinces. */
  units: WilayahUnit[];
}

/** A unit of the tree, flattened: what Kawal stores. */
export interface FlatUnit {
  code: string;
  name: string;
  kind: WilayahKind;
  parentCode: string | null;
  timeZone: IndonesianTimeZone;
}

export type WilayahRule =
  | 'dataset-name'
  | 'file'
  | 'yaml'
  | 'schema'
  | 'code-format'
  | 'duplicate-code'
  | 'top-level'
  | 'parent-prefix'
  | 'kind-depth'
  | 'name-format'
  | 'time-zone';

/** A problem with a reference file: `code` is the unit concerned (null for the file as a whole). */
export class WilayahError extends Error {
  constructor(
    readonly file: string,
    readonly code: string | null,
    readonly rule: WilayahRule,
    detail: string,
  ) {
    super(`${file}: ${code === null ? '' : `unit ${code}: `}${rule}: ${detail}`);
    this.name = 'WilayahError';
  }
}

// ------------------------------------------------------------------------------------------------ locations

/** <repo root>/reference/wilayah */
export function wilayahDir(): string {
  return path.join(projectRoot(), 'reference', 'wilayah');
}

const DATASET_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** The reference datasets present, by name (file names without .yaml), sorted. */
export function listReferenceDatasets(): string[] {
  let entries: string[];
  try {
    entries = readdirSync(wilayahDir());
  } catch {
    return [];
  }
  return entries
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .filter((n) => DATASET_NAME.test(n))
    .sort();
}

/** Reads and validates <repo root>/reference/wilayah/<name>.yaml. */
export function loadWilayah(name: string = DEFAULT_WILAYAH): Wilayah {
  const label = `reference/wilayah/${name}.yaml`;
  if (!DATASET_NAME.test(name)) {
    throw new WilayahError(label, null, 'dataset-name', `"${name}" is not a dataset name (lower-case letters, digits and '-'); known: ${listReferenceDatasets().join(', ') || 'none'}`);
  }
  const file = path.join(wilayahDir(), `${name}.yaml`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new WilayahError(label, null, 'file', `cannot read ${file} (${(err as Error).message}); known datasets: ${listReferenceDatasets().join(', ') || 'none'}`);
  }
  return { ...parseWilayah(text, label), name, file };
}

// --------------------------------------------------------------------------------------------------- schema

interface RawUnit {
  code: string;
  name: string;
  kind: WilayahKind;
  timeZone?: IndonesianTimeZone;
  children?: RawUnit[];
}

const zone = z.enum(Object.keys(TIME_ZONES) as [IndonesianTimeZone, ...IndonesianTimeZone[]]);

const unitSchema: z.ZodType<RawUnit> = z.lazy(() =>
  z.strictObject({
    code: z.string({ error: 'code must be a quoted string such as "63.72"' }),
    name: z.string(),
    kind: z.enum(WILAYAH_KINDS),
    timeZone: zone.optional(),
    children: z.array(unitSchema).optional(),
  }),
);

const fileSchema = z.strictObject({
  source: z.strictObject({
    decree: z.string().min(1),
    citation: z.string().min(1),
    urls: z.array(z.url()).min(1),
    crossChecks: z.array(z.strictObject({ citation: z.string().min(1), url: z.url() })).default([]),
  }),
  retrieved: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'retrieved must be a date YYYY-MM-DD'),
  notes: z.string().default(''),
  timeZone: zone,
  units: z.array(unitSchema).min(1),
});

// ------------------------------------------------------------------------------------------------ validation

/** 63 | 63.72 | 63.72.04 | 63.72.04.1001 */
const KEMENDAGRI_CODE = /^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$/;
const LEVEL_KINDS: Record<number, readonly WilayahKind[]> = { 1: ['PROVINSI'], 2: ['KABUPATEN', 'KOTA'], 3: ['KECAMATAN'], 4: ['KELURAHAN', 'DESA'] };

/** Why `kind` does not fit the shape of `code` (same conventions as the unit import), or null. */
function kindProblem(code: string, kind: WilayahKind): string | null {
  const parts = code.split('.');
  if (!LEVEL_KINDS[parts.length].includes(kind)) return `a ${parts.length}-segment code is ${LEVEL_KINDS[parts.length].join(' or ')}, not ${kind}`;
  if (parts.length === 2) {
    const isKota = Number(parts[1]) >= 71;
    if (kind === 'KOTA' && !isKota) return `kota codes are 71-99 (01-69 are kabupaten), so ${code} cannot be KOTA`;
    if (kind === 'KABUPATEN' && isKota) return `kabupaten codes are 01-69 (71-99 are kota), so ${code} cannot be KABUPATEN`;
  }
  if (parts.length === 4) {
    if (kind === 'KELURAHAN' && parts[3][0] !== '1') return 'kelurahan codes end in 1xxx (desa in 2xxx)';
    if (kind === 'DESA' && parts[3][0] !== '2') return 'desa codes end in 2xxx (kelurahan in 1xxx)';
  }
  return null;
}

/** The code of the unit an issue path points into (the innermost object with a string code), for messages. */
function codeAt(data: unknown, issuePath: ReadonlyArray<PropertyKey>): string | null {
  let cur: unknown = data;
  let code: string | null = null;
  for (const key of issuePath) {
    if (cur === null || typeof cur !== 'object') break;
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string' || typeof c === 'number') code = String(c);
    cur = (cur as Record<PropertyKey, unknown>)[key as string];
  }
  if (cur !== null && typeof cur === 'object') {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string' || typeof c === 'number') code = String(c);
  }
  return code;
}

/**
 * Parses and validates reference YAML text (what loadWilayah does after reading the file). `label` names the
 * source in error messages. Rules: the schema; every code a well-formed Kemendagri code, unique; top-level units
 * are provinces; a child's code is its parent's code plus one segment; the kind fits the code (depth, kota 71-99,
 * kelurahan 1xxx / desa 2xxx); names trimmed, single-spaced, 1-200 characters; time zones those of the province.
 */
export function parseWilayah(text: string, label = '<text>'): Wilayah {
  let data: unknown;
  try {
    data = parseYaml(text, { uniqueKeys: true, prettyErrors: true });
  } catch (err) {
    throw new WilayahError(label, null, 'yaml', (err as Error).message.split('\n')[0]);
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.map(String).join('.') || '(root)';
    throw new WilayahError(label, codeAt(data, issue.path), 'schema', `${where}: ${issue.message}`);
  }
  const raw = parsed.data;
  const seen = new Set<string>();

  const build = (u: RawUnit, parent: WilayahUnit | null, inherited: IndonesianTimeZone): WilayahUnit => {
    const fail = (rule: WilayahRule, detail: string): never => {
      throw new WilayahError(label, u.code, rule, detail);
    };
    if (!KEMENDAGRI_CODE.test(u.code)) fail('code-format', `"${u.code}" is not a Kemendagri code (63, 63.72, 63.72.04 or 63.72.04.1001)`);
    if (seen.has(u.code)) fail('duplicate-code', 'the code appears more than once');
    seen.add(u.code);
    const depth = u.code.split('.').length;
    if (parent === null && depth !== 1) fail('top-level', 'top-level units must be provinces (two-digit codes), so that parents come with the data');
    if (parent !== null && (!u.code.startsWith(`${parent.code}.`) || depth !== parent.code.split('.').length + 1)) {
      fail('parent-prefix', `a child of ${parent.code} must have the code ${parent.code}.<segment>`);
    }
    const kindIssue = kindProblem(u.code, u.kind);
    if (kindIssue) fail('kind-depth', kindIssue);
    const nameLength = [...u.name].length;
    if (nameLength === 0 || nameLength > 200) fail('name-format', `the name must be 1-200 characters (has ${nameLength})`);
    if (u.name !== u.name.trim() || /\s{2,}/.test(u.name) || /[\u0000-\u001F\u007F]/.test(u.name)) {
      fail('name-format', `the name "${u.name}" has leading, trailing, doubled or control whitespace`);
    }
    const zoneOf = u.timeZone ?? inherited;
    const expected = timeZoneForUnitCode(u.code);
    if (zoneOf !== expected) fail('time-zone', `the zone is ${zoneOf}, but province ${u.code.slice(0, 2)} is in ${expected}`);

    const unit: WilayahUnit = { code: u.code, name: u.name, kind: u.kind, children: [] };
    if (u.timeZone && u.timeZone !== inherited) unit.timeZone = u.timeZone;
    unit.children = (u.children ?? []).map((c) => build(c, unit, zoneOf));
    return unit;
  };

  const units = raw.units.map((u) => build(u, null, raw.timeZone));
  const name = path.basename(label).replace(/\.ya?ml$/, '');
  return {
    name,
    file: label,
    source: raw.source,
    retrieved: raw.retrieved,
    notes: raw.notes.trim(),
    timeZone: raw.timeZone,
    units,
  };
}

// ----------------------------------------------------------------------------------------------- flattening

/** Every unit of the tree, parents before their children (depth first, in file order), with its resolved zone. */
export function flattenUnits(w: Wilayah): FlatUnit[] {
  const out: FlatUnit[] = [];
  const walk = (u: WilayahUnit, parentCode: string | null, zoneOf: IndonesianTimeZone) => {
    const tz = u.timeZone ?? zoneOf;
    out.push({ code: u.code, name: u.name, kind: u.kind, parentCode, timeZone: tz });
    for (const c of u.children) walk(c, u.code, tz);
  };
  for (const u of w.units) walk(u, null, w.timeZone);
  return out;
}

/** A unit by code, or undefined. */
export function findUnit(w: Wilayah, code: string): WilayahUnit | undefined {
  const stack = [...w.units];
  while (stack.length > 0) {
    const u = stack.pop()!;
    if (u.code === code) return u;
    stack.push(...u.children);
  }
  return undefined;
}
