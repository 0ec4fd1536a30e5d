import { z } from 'zod';
import { InstrumentIssue, InstrumentValidationError } from './errors';
import { roundTo } from './score';

/**
 * The schema of a scoring instrument (instruments/<key>.v<version>.yaml): the scale an assessment scores on, its
 * weighted components, and the bands (category, zone, label) a score falls into. Instruments are versioned data:
 * a changed method (new weights, new ranges) is a new version with its own appliesTo years, never an edit of a
 * published one. Objects are strict: a misspelt field is an error, not a silently ignored one.
 */

export const ZONES = ['green', 'yellow', 'red'] as const;
export type Zone = (typeof ZONES)[number];

/** Indonesian text, with its English counterpart. */
export interface LocalText {
  id: string;
  en: string;
}

export interface InstrumentComponent {
  key: string;
  name: LocalText;
  /** Share of the total, in percent: the weights of an instrument's components sum to 100. */
  weight: number;
}

export interface InstrumentBand {
  /** The instrument's own name for the band, e.g. "A", "A-", "Tinggi". */
  category: string;
  zone: Zone;
  /** Inclusive bounds, in the scale's decimals: the band below ends exactly one step (10^-decimals) under `min`. */
  min: number;
  max: number;
  label: LocalText;
}

export interface Instrument {
  key: string;
  version: number;
  name: LocalText;
  description?: LocalText;
  /** Citation: the regulation or publication the instrument follows (with URLs where known). */
  source: string;
  /** What could not be confirmed, and other remarks for whoever reviews the file. */
  notes?: string;
  /** The assessment years this version applies to; no toYear means "until a later version says otherwise". */
  appliesTo: { fromYear: number; toYear?: number };
  scale: { min: number; max: number; decimals: number };
  /** Weighted components; empty when the instrument gives one score directly. */
  components: InstrumentComponent[];
  /** Highest first; contiguous; together they cover the whole scale. */
  bands: InstrumentBand[];
}

/** The message for a value of the wrong type: "is required" when it is absent. */
const expected = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

const text = z.string(expected('text')).trim().min(1, 'must not be empty');
const localText = z.strictObject({ id: text, en: text }, expected('{id, en}: Indonesian and English text'));
const key = z
  .string(expected('text'))
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case kebab-case, e.g. ombudsman-kepatuhan')
  .max(64, 'must be at most 64 characters');
const int = (min: number, max: number) =>
  z.number(expected('a number')).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
const num = z.number(expected('a number')).refine(Number.isFinite, 'must be a finite number');

const componentSchema = z.strictObject(
  {
    key,
    name: localText,
    weight: num.refine((w) => w > 0, 'must be greater than 0'),
  },
  expected('{key, name, weight}'),
);

const bandSchema = z.strictObject(
  {
    category: z
      .string(expected('text (quote it in YAML if it looks like a number)'))
      .trim()
      .min(1, 'must not be empty')
      .max(32, 'must be at most 32 characters'),
    zone: z.enum(ZONES, { error: `must be one of ${ZONES.join(', ')}` }),
    min: num,
    max: num,
    label: localText,
  },
  expected('{category, zone, min, max, label}'),
);

/** How far the component weights may stray from 100 (rounding in published weights). */
export const WEIGHT_SUM_TOLERANCE = 0.005;

export const instrumentSchema = z
  .strictObject(
    {
      key,
      version: int(1, 1_000_000),
      name: localText,
      description: localText.optional(),
      source: text,
      notes: text.optional(),
      appliesTo: z.strictObject({ fromYear: int(1900, 2200), toYear: int(1900, 2200).optional() }, expected('{fromYear, toYear?}')),
      scale: z.strictObject({ min: num, max: num, decimals: int(0, 6) }, expected('{min, max, decimals}')),
      components: z.array(componentSchema, expected('a list')).max(50, 'must have at most 50 components').default([]),
      bands: z.array(bandSchema, expected('a list')).min(1, 'must have at least one band').max(20, 'must have at most 20 bands'),
    },
    expected('an instrument document (a mapping)'),
  )
  .superRefine((ins, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const { min, max, decimals } = ins.scale;
    const r = (x: number) => roundTo(x, decimals);
    const show = (x: number) => x.toFixed(decimals);

    const { fromYear, toYear } = ins.appliesTo;
    if (toYear !== undefined && toYear < fromYear) issue(['appliesTo', 'toYear'], `must not be before fromYear (${fromYear})`);

    if (min >= max) issue(['scale', 'max'], `must be greater than scale.min (${min})`);
    if (r(min) !== min) issue(['scale', 'min'], `must have at most ${decimals} decimal(s)`);
    if (r(max) !== max) issue(['scale', 'max'], `must have at most ${decimals} decimal(s)`);

    const componentKeys = new Set<string>();
    ins.components.forEach((c, i) => {
      if (componentKeys.has(c.key)) issue(['components', i, 'key'], `must be unique; "${c.key}" appears twice`);
      componentKeys.add(c.key);
    });
    if (ins.components.length > 0) {
      const sum = ins.components.reduce((s, c) => s + c.weight, 0);
      if (Math.abs(sum - 100) > WEIGHT_SUM_TOLERANCE) issue(['components'], `weights must sum to 100; they sum to ${roundTo(sum, 6)}`);
    }

    const categories = new Set<string>();
    const step = 10 ** -decimals;
    ins.bands.forEach((band, i) => {
      if (categories.has(band.category)) issue(['bands', i, 'category'], `must be unique; "${band.category}" appears twice`);
      categories.add(band.category);
      for (const bound of ['min', 'max'] as const) {
        if (r(band[bound]) !== band[bound]) issue(['bands', i, bound], `must have at most ${decimals} decimal(s) (the scale's); got ${band[bound]}`);
        else if (band[bound] < min || band[bound] > max) issue(['bands', i, bound], `must lie within the scale ${show(min)}–${show(max)}; got ${band[bound]}`);
      }
      if (band.min > band.max) issue(['bands', i, 'min'], `must not exceed the band's max (${band.max})`);
      if (i === 0) return;
      const above = ins.bands[i - 1];
      if (band.min >= above.min) {
        issue(['bands', i], `must be listed highest first: "${band.category}" (min ${band.min}) comes after "${above.category}" (min ${above.min})`);
        return;
      }
      const expected = r(above.min - step);
      if (r(band.max) !== expected) {
        const what = band.max < expected ? 'leaves a gap below' : 'overlaps';
        issue(['bands', i, 'max'], `must be ${show(expected)}, one step below the min of "${above.category}" (${show(above.min)}); ${band.max} ${what} it`);
      }
    });
    const first = ins.bands[0];
    const last = ins.bands[ins.bands.length - 1];
    if (first.max !== max) issue(['bands', 0, 'max'], `must equal scale.max (${max}): the highest band comes first and reaches the top of the scale`);
    if (last.min !== min) issue(['bands', ins.bands.length - 1, 'min'], `must equal scale.min (${min}): the lowest band comes last and reaches the bottom of the scale`);
  });

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

/**
 * Validates a parsed instrument document (YAML or JSON); throws InstrumentValidationError listing every issue
 * with its path. `file` only goes into the error message. The result is deeply frozen.
 */
export function parseInstrument(raw: unknown, file?: string): Instrument {
  const result = instrumentSchema.safeParse(raw);
  if (!result.success) {
    const issues: InstrumentIssue[] = result.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      rule: issue.code === 'unrecognized_keys' ? `has unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    }));
    throw new InstrumentValidationError(issues, file);
  }
  const data = result.data;
  const instrument: Instrument = {
    key: data.key,
    version: data.version,
    name: data.name,
    ...(data.description ? { description: data.description } : {}),
    source: data.source,
    ...(data.notes ? { notes: data.notes } : {}),
    appliesTo: data.appliesTo,
    scale: data.scale,
    components: data.components,
    bands: data.bands,
  };
  return deepFreeze(instrument);
}

/** "ombudsman-kepatuhan v2": how messages name an instrument. */
export function instrumentLabel(instrument: Pick<Instrument, 'key' | 'version'>): string {
  return `${instrument.key} v${instrument.version}`;
}
