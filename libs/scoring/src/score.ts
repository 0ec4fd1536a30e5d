/**
 * Pure scoring functions over an instrument: rounding, classification into bands, weighted combination of
 * component scores, the score of a case from its tasks (with what is missing and what it takes to reach the next
 * band), the distribution of many scores, and the trend of one entity's scores over the years.
 * No I/O and no clock: safe anywhere, including workflow code (only registry.ts reads files).
 */
import { isDone } from '@kawal/domain';
import { ScoringError } from './errors';
import type { Instrument, InstrumentBand, LocalText, Zone } from './instrument';

/** Approved and waived tasks count as done, as everywhere in the engine. */
const isDoneTask = (t: ScoredTask): boolean => isDone(t as Parameters<typeof isDone>[0]);

/** The key of the single implicit component of an instrument without components. */
export const IMPLICIT_COMPONENT_KEY = 'all';
const IMPLICIT_COMPONENT_NAME: LocalText = { id: 'Semua tugas', en: 'All tasks' };

const label = (instrument: Pick<Instrument, 'key' | 'version'>) => `${instrument.key} v${instrument.version}`;

/**
 * Rounds half away from zero to `decimals` places, decimal-correct for values like 1.005 (which binary floating
 * point stores just below 1.005): rounding works on the decimal text, not on x * 10^decimals.
 */
export function roundTo(x: number, decimals: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new ScoringError(`cannot round ${String(x)}: not a finite number`);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 15) throw new ScoringError(`decimals must be a whole number from 0 to 15; got ${decimals}`);
  const abs = Math.abs(x);
  const text = String(abs);
  let rounded: number;
  if (text.includes('e')) {
    const f = 10 ** decimals;
    rounded = Math.round(abs * f) / f;
  } else {
    rounded = Number(`${Math.round(Number(`${text}e${decimals}`))}e-${decimals}`);
  }
  return x < 0 && rounded !== 0 ? -rounded : rounded;
}

/**
 * Rounds a computed value: first to 10 places, which removes binary floating-point noise (6482.75 / 100 gives
 * 64.82749999999999), then to `decimals`, so a true half such as 64.8275 rounds up as it would on paper.
 */
function settle(x: number, decimals: number): number {
  return roundTo(roundTo(x, 10), decimals);
}

const scaleText = (instrument: Instrument) => {
  const { min, max, decimals } = instrument.scale;
  return `${min.toFixed(decimals)}–${max.toFixed(decimals)}`;
};

function checkNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ScoringError(`${what} must be a finite number; got ${JSON.stringify(value) ?? String(value)}`);
  return value;
}

/** Rounds a score to the instrument's decimals and checks it lies on the scale. */
function onScale(instrument: Instrument, score: unknown, what = 'Score'): number {
  const rounded = settle(checkNumber(score, what), instrument.scale.decimals);
  if (rounded < instrument.scale.min || rounded > instrument.scale.max) {
    throw new ScoringError(`${what} ${String(score)} is outside the scale ${scaleText(instrument)} of ${label(instrument)}`);
  }
  return rounded;
}

export interface NextBand {
  category: string;
  zone: Zone;
  label: LocalText;
  /** The lowest score of that band. */
  minScore: number;
  /** How far the score is from it, rounded to the instrument's decimals. */
  pointsNeeded: number;
}

export interface Classification {
  /** The score, rounded to the instrument's decimals. */
  score: number;
  zone: Zone;
  category: string;
  label: LocalText;
  band: { min: number; max: number };
  /** The band directly above; null in the top band. */
  next: NextBand | null;
}

/**
 * The band of a score: the band with the highest `min` at or below the score rounded to the instrument's
 * decimals. A score off the scale throws ScoringError.
 */
export function classify(instrument: Instrument, score: number): Classification {
  const rounded = onScale(instrument, score);
  const index = bandIndex(instrument, rounded);
  const band = instrument.bands[index];
  const above: InstrumentBand | undefined = instrument.bands[index - 1];
  return {
    score: rounded,
    zone: band.zone,
    category: band.category,
    label: band.label,
    band: { min: band.min, max: band.max },
    next: above
      ? {
          category: above.category,
          zone: above.zone,
          label: above.label,
          minScore: above.min,
          pointsNeeded: settle(above.min - rounded, instrument.scale.decimals),
        }
      : null,
  };
}

/** Index (highest first) of the band holding an already rounded, on-scale score. */
function bandIndex(instrument: Instrument, rounded: number): number {
  const index = instrument.bands.findIndex((b) => b.min <= rounded);
  // Unreachable for a validated instrument (the last band starts at scale.min).
  if (index < 0) throw new ScoringError(`Score ${rounded} falls in no band of ${label(instrument)}`);
  return index;
}

/**
 * The weighted average of component scores (each on the instrument's scale), rounded to its decimals. Every
 * component must be given, and nothing else. An instrument without components has nothing to combine.
 */
export function combine(instrument: Instrument, componentScores: Record<string, number>): number {
  const components = instrument.components;
  if (components.length === 0) throw new ScoringError(`${label(instrument)} has no components; give the score directly`);
  if (componentScores === null || typeof componentScores !== 'object') throw new ScoringError('componentScores must be an object of component key -> score');
  const known = new Set(components.map((c) => c.key));
  const unknown = Object.keys(componentScores).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new ScoringError(`unknown component(s) ${unknown.map((k) => `"${k}"`).join(', ')} for ${label(instrument)}; its components are ${[...known].join(', ')}`);
  }
  let total = 0;
  let weights = 0;
  for (const c of components) {
    if (!Object.prototype.hasOwnProperty.call(componentScores, c.key)) throw new ScoringError(`component "${c.key}" of ${label(instrument)} has no score`);
    const value = checkNumber(componentScores[c.key], `component "${c.key}"`);
    if (value < instrument.scale.min || value > instrument.scale.max) {
      throw new ScoringError(`component "${c.key}" score ${value} is outside the scale ${scaleText(instrument)} of ${label(instrument)}`);
    }
    total += value * c.weight;
    weights += c.weight;
  }
  return settle(total / weights, instrument.scale.decimals);
}

/** A task of a case, as the scoring sees it. */
export interface ScoredTask {
  key: string;
  title: string;
  titleEn?: string;
  /** The task state; APPROVED and WAIVED count as done. */
  state: string;
  /** Relative weight within its component (0 = does not score). */
  weight: number;
  /** The instrument component the task feeds; ignored by an instrument without components. */
  component?: string;
}

/** A task not yet done, and how much completing it would add to the total score. */
export interface MissingItem {
  key: string;
  title: string;
  titleEn?: string;
  component?: string;
  state: string;
  /** Points the total gains when this task is done, rounded to the instrument's decimals. */
  gain: number;
}

export interface ComponentScore {
  key: string;
  name: LocalText;
  weight: number;
  /** Rounded to the instrument's decimals. */
  score: number;
  doneWeight: number;
  totalWeight: number;
}

export interface CaseScore extends Classification {
  instrument: { key: string; version: number; name: LocalText };
  /** For an instrument without components, one implicit component (key "all", weight 100). */
  components: ComponentScore[];
  /** Every scoring task not yet done: largest gain first, then by key. */
  missing: MissingItem[];
  /** The way to the band above; null in the top band. */
  toNext: null | (NextBand & { reachable: boolean; tasks: MissingItem[] });
}

interface Bucket {
  key: string;
  name: LocalText;
  weight: number;
  tasks: ScoredTask[];
}

/**
 * The score of a case from its tasks. Each component scores scale.min + (max − min) × doneWeight / totalWeight
 * over the tasks naming it (scale.min when it has none); tasks naming no component or an unknown one do not
 * count. Without components, every task counts in one implicit component of weight 100. The total is the
 * weighted average of the unrounded component scores, rounded. `gain` is what a task adds to the total when
 * done; `toNext.tasks` is the shortest run of missing tasks, largest gains first, that lifts the total (rounded)
 * into the next band.
 */
export function scoreCase(instrument: Instrument, tasks: ScoredTask[]): CaseScore {
  if (!Array.isArray(tasks)) throw new ScoringError('tasks must be an array');
  const { min, max, decimals } = instrument.scale;
  const span = max - min;
  tasks.forEach((t, i) => {
    if (!t || typeof t.key !== 'string' || t.key === '') throw new ScoringError(`tasks[${i}].key must be non-empty text`);
    const w = checkNumber(t.weight, `weight of task "${t.key}"`);
    if (w < 0) throw new ScoringError(`weight of task "${t.key}" must be at least 0; got ${w}`);
  });

  const implicit = instrument.components.length === 0;
  const buckets: Bucket[] = implicit
    ? [{ key: IMPLICIT_COMPONENT_KEY, name: IMPLICIT_COMPONENT_NAME, weight: 100, tasks: [...tasks] }]
    : instrument.components.map((c) => ({ key: c.key, name: c.name, weight: c.weight, tasks: tasks.filter((t) => t.component === c.key) }));
  const weightSum = buckets.reduce((s, b) => s + b.weight, 0);

  let exactTotal = 0;
  const components: ComponentScore[] = [];
  const missing: Array<MissingItem & { exactGain: number }> = [];
  for (const b of buckets) {
    const totalWeight = b.tasks.reduce((s, t) => s + t.weight, 0);
    const doneWeight = b.tasks.filter(isDoneTask).reduce((s, t) => s + t.weight, 0);
    const exact = totalWeight > 0 ? min + (span * doneWeight) / totalWeight : min;
    exactTotal += (exact * b.weight) / weightSum;
    components.push({
      key: b.key,
      name: b.name,
      weight: b.weight,
      score: settle(exact, decimals),
      doneWeight: settle(doneWeight, 6),
      totalWeight: settle(totalWeight, 6),
    });
    if (totalWeight <= 0) continue;
    for (const t of b.tasks) {
      if (isDoneTask(t) || t.weight <= 0) continue;
      const exactGain = (t.weight * span * b.weight) / (totalWeight * weightSum);
      missing.push({
        key: t.key,
        title: t.title,
        ...(t.titleEn !== undefined ? { titleEn: t.titleEn } : {}),
        ...(!implicit && t.component !== undefined ? { component: t.component } : {}),
        state: t.state,
        gain: settle(exactGain, decimals),
        exactGain,
      });
    }
  }
  missing.sort((a, b) => b.gain - a.gain || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const classification = classify(instrument, Math.min(max, Math.max(min, exactTotal)));
  const strip = ({ exactGain: _exactGain, ...item }: MissingItem & { exactGain: number }): MissingItem => item;

  let toNext: CaseScore['toNext'] = null;
  if (classification.next) {
    const target = classification.next.minScore;
    let sum = exactTotal;
    let count = -1;
    for (let i = 0; i < missing.length; i++) {
      sum += missing[i].exactGain;
      if (settle(Math.min(max, sum), decimals) >= target) {
        count = i + 1;
        break;
      }
    }
    const reachable = count >= 0;
    toNext = { ...classification.next, reachable, tasks: (reachable ? missing.slice(0, count) : missing).map(strip) };
  }

  return {
    instrument: { key: instrument.key, version: instrument.version, name: instrument.name },
    ...classification,
    components,
    missing: missing.map(strip),
    toNext,
  };
}

export interface Distribution {
  count: number;
  /** Rounded to the instrument's decimals; null when there are no scores. */
  mean: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
  byZone: Record<Zone, number>;
  /** Every band, in the instrument's order (highest first), zero counts included. */
  byCategory: Array<{ category: string; zone: Zone; label: LocalText; count: number }>;
  /** Ten equal-width buckets from scale.min up; each holds from ≤ score < to, the last also scale.max. */
  histogram: Array<{ from: number; to: number; count: number }>;
}

/** How a set of scores (each rounded to the instrument's decimals, all on its scale) spreads over the bands. */
export function distribution(instrument: Instrument, scores: number[]): Distribution {
  if (!Array.isArray(scores)) throw new ScoringError('scores must be an array of numbers');
  const { min, max, decimals } = instrument.scale;
  const rounded = scores.map((s, i) => onScale(instrument, s, `scores[${i}]`));
  const byZone: Record<Zone, number> = { green: 0, yellow: 0, red: 0 };
  const byCategory = instrument.bands.map((b) => ({ category: b.category, zone: b.zone, label: b.label, count: 0 }));
  const width = (max - min) / 10;
  const histogram = Array.from({ length: 10 }, (_, i) => ({
    from: roundTo(min + i * width, 10),
    to: roundTo(i === 9 ? max : min + (i + 1) * width, 10),
    count: 0,
  }));
  for (const s of rounded) {
    const band = bandIndex(instrument, s);
    byCategory[band].count += 1;
    byZone[instrument.bands[band].zone] += 1;
    // Rounding the quotient keeps e.g. (1.4 − 1) / 0.4 = 0.99999… in bucket 1, where 1.4 belongs.
    const bucket = Math.min(9, Math.floor(roundTo((s - min) / width, 9)));
    histogram[bucket].count += 1;
  }
  const sorted = [...rounded].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? null : n % 2 === 1 ? sorted[(n - 1) / 2] : settle((sorted[n / 2 - 1] + sorted[n / 2]) / 2, decimals);
  return {
    count: n,
    mean: n === 0 ? null : settle(sorted.reduce((s, x) => s + x, 0) / n, decimals),
    median,
    min: n === 0 ? null : sorted[0],
    max: n === 0 ? null : sorted[n - 1],
    byZone,
    byCategory,
    histogram,
  };
}

export interface TrendPoint {
  year: number;
  score: number;
  /** Change from the previous point, rounded to 2 decimals; null for the first. */
  change: number | null;
}

export interface Trend {
  points: TrendPoint[];
  firstYear: number | null;
  lastYear: number | null;
  /** Last score minus first, rounded to 2 decimals. */
  change: number | null;
  direction: 'up' | 'down' | 'flat' | null;
}

/** One entity's scores over the years, sorted by year, with year-on-year and overall change. */
export function trend(points: Array<{ year: number; score: number }>): Trend {
  if (!Array.isArray(points)) throw new ScoringError('points must be an array of {year, score}');
  const seen = new Set<number>();
  points.forEach((p, i) => {
    if (!p || !Number.isInteger(p.year)) throw new ScoringError(`points[${i}].year must be a whole number; got ${JSON.stringify(p?.year)}`);
    checkNumber(p.score, `points[${i}].score (year ${p.year})`);
    if (seen.has(p.year)) throw new ScoringError(`year ${p.year} appears more than once in the trend`);
    seen.add(p.year);
  });
  const sorted = [...points].sort((a, b) => a.year - b.year);
  const out: TrendPoint[] = sorted.map((p, i) => ({ year: p.year, score: p.score, change: i === 0 ? null : settle(p.score - sorted[i - 1].score, 2) }));
  if (out.length === 0) return { points: [], firstYear: null, lastYear: null, change: null, direction: null };
  const first = out[0];
  const last = out[out.length - 1];
  const change = settle(last.score - first.score, 2);
  return { points: out, firstYear: first.year, lastYear: last.year, change, direction: change > 0 ? 'up' : change < 0 ? 'down' : 'flat' };
}
