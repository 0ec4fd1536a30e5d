/**
 * Loads the holiday data files (libs/holidays/data/<year>.yaml), validates them, and falls back to the
 * date-holidays library for years without a file. Node-only (reads files): never import this from workflow
 * code. Workflows receive the result of holidaysBetween() in their input instead, which keeps them
 * deterministic: a replay sees the same holiday list the first run saw, whatever the data files say later.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isLocalDate, type LocalDate } from '@kawal/domain';
import { libraryNationalHolidays, libraryVersion } from './library';
import { describeIssues, holidayFileSchema, type Decree, type HolidayEntry, type LibraryDifference } from './schema';

export type { Decree, HolidayEntry, LibraryDifference } from './schema';

export type HolidayKind = 'national' | 'cuti-bersama' | 'local';

export interface HolidayName {
  id: string;
  en: string;
}

/** A day off that only one programme (or region) observes, e.g. a city's anniversary. */
export interface LocalHoliday {
  date: LocalDate;
  name: HolidayName;
  note?: string;
}

export interface HolidaySource {
  /** The SKB 3 Menteri; null for a provisional file or the library fallback. */
  decree: Decree | null;
  revisions: readonly Decree[];
  references: readonly string[];
  note?: string;
  /** Set for the library fallback: the library and version, e.g. "date-holidays@3.37.0". */
  library?: string;
}

export interface HolidayYear {
  year: number;
  status: 'final' | 'provisional';
  /** A reviewed data file, or the library fallback (public holidays only, no cuti bersama). */
  origin: 'data-file' | 'library';
  /** The data file it was read from, or null for the library fallback. */
  file: string | null;
  reviewedOn: LocalDate | null;
  source: HolidaySource;
  nationalHolidays: readonly HolidayEntry[];
  cutiBersama: readonly HolidayEntry[];
  /** Documented disagreements between the data file and date-holidays (empty for the fallback). */
  libraryDiffers: readonly LibraryDifference[];
}

export interface HolidayDescription {
  date: LocalDate;
  kind: HolidayKind;
  name: HolidayName;
  note?: string;
  /** Status and origin of the year's data (a local holiday is 'final', from 'local'). */
  status: 'final' | 'provisional';
  origin: 'data-file' | 'library' | 'local';
}

/** A holiday data file that cannot be used: names the file and every problem as "<path> <rule>". */
export class HolidayDataError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid holiday data file ${file}: ${problems.join('; ')}`);
    this.name = 'HolidayDataError';
  }
}

/**
 * libs/holidays/data under the project root: the nearest ancestor of `from` holding package.json and that
 * folder. Works from the sources (libs/holidays/src) and from the build (dist/libs/holidays/src), which does
 * not copy the data files.
 */
export function defaultHolidayDataDir(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const data = path.join(dir, 'libs', 'holidays', 'data');
    if (existsSync(path.join(dir, 'package.json')) && existsSync(data)) return data;
    if (path.dirname(dir) === dir) throw new Error(`no holiday data folder (libs/holidays/data) above ${from}`);
  }
}

const YEAR_FILE = /^(\d{4})\.yaml$/;

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < 1900 || year > 2200) throw new RangeError(`not a supported year: ${year}`);
}

function checkDate(date: string, what: string): void {
  if (typeof date !== 'string' || !isLocalDate(date)) throw new RangeError(`${what} must be a calendar date YYYY-MM-DD (got ${JSON.stringify(date)})`);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

/** The holiday data of one folder, each year loaded once and kept (the files are read-only at run time). */
export class HolidayData {
  readonly dataDir: string;
  private readonly years = new Map<number, HolidayYear>();

  constructor(options: { dataDir?: string } = {}) {
    this.dataDir = path.resolve(options.dataDir ?? defaultHolidayDataDir());
  }

  /** The years that have a data file, ascending. */
  dataFileYears(): number[] {
    this.checkDataDir();
    return readdirSync(this.dataDir)
      .map((name) => YEAR_FILE.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  /** The holidays of a year: its data file, or else the library fallback. Throws HolidayDataError for a bad file. */
  holidayYear(year: number): HolidayYear {
    checkYear(year);
    let loaded = this.years.get(year);
    if (!loaded) {
      loaded = deepFreeze(this.load(year));
      this.years.set(year, loaded);
    }
    return loaded;
  }

  /** Every year touched by [from, to], each as holidayYear() gives it (to check status and origin). */
  holidayYearsBetween(from: LocalDate, to: LocalDate): HolidayYear[] {
    checkDate(from, 'from');
    checkDate(to, 'to');
    if (to < from) throw new RangeError(`to (${to}) is before from (${from})`);
    const years: HolidayYear[] = [];
    for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) years.push(this.holidayYear(y));
    return years;
  }

  /**
   * The days off in [from, to] (inclusive): national holidays, cuti bersama and the local holidays given,
   * sorted and unique. Weekend holidays are included; the working-day calendar ignores weekends anyway. This
   * list is what goes into workflow input (`holidays: LocalDate[]`).
   */
  holidaysBetween(from: LocalDate, to: LocalDate, local: readonly LocalHoliday[] = []): LocalDate[] {
    local.forEach((holiday, i) => checkDate(holiday?.date, `local holiday [${i}] date`));
    const dates = new Set<LocalDate>();
    for (const year of this.holidayYearsBetween(from, to)) {
      for (const h of year.nationalHolidays) dates.add(h.date);
      for (const h of year.cutiBersama) dates.add(h.date);
    }
    for (const h of local) dates.add(h.date);
    return [...dates].filter((d) => d >= from && d <= to).sort();
  }

  /** What a date is, for people: every national holiday, cuti bersama and local holiday on it (empty if none). */
  describeHoliday(date: LocalDate, local: readonly LocalHoliday[] = []): HolidayDescription[] {
    checkDate(date, 'date');
    const year = this.holidayYear(Number(date.slice(0, 4)));
    const from = (kind: HolidayKind, list: readonly HolidayEntry[]): HolidayDescription[] =>
      list
        .filter((h) => h.date === date)
        .map((h) => ({ date, kind, name: { ...h.name }, ...(h.note ? { note: h.note } : {}), status: year.status, origin: year.origin }));
    return [
      ...from('national', year.nationalHolidays),
      ...from('cuti-bersama', year.cutiBersama),
      ...local
        .filter((h) => h.date === date)
        .map((h) => ({ date, kind: 'local' as const, name: { ...h.name }, ...(h.note ? { note: h.note } : {}), status: 'final' as const, origin: 'local' as const })),
    ];
  }

  private checkDataDir(): void {
    if (!existsSync(this.dataDir)) throw new Error(`holiday data folder not found: ${this.dataDir}`);
  }

  private load(year: number): HolidayYear {
    this.checkDataDir();
    const file = path.join(this.dataDir, `${year}.yaml`);
    if (!existsSync(file)) return this.fromLibrary(year);

    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new HolidayDataError(file, [`(file) is not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
    }
    const parsed = holidayFileSchema.safeParse(raw);
    if (!parsed.success) throw new HolidayDataError(file, describeIssues(parsed.error));
    const data = parsed.data;
    if (data.year !== year) throw new HolidayDataError(file, [`year must be ${year}, as in the file name (got ${data.year})`]);

    return {
      year,
      status: data.status,
      origin: 'data-file',
      file,
      reviewedOn: data.reviewedOn,
      source: data.source,
      nationalHolidays: data.nationalHolidays,
      cutiBersama: data.cutiBersama,
      libraryDiffers: data.libraryDiffers,
    };
  }

  private fromLibrary(year: number): HolidayYear {
    const library = libraryVersion();
    return {
      year,
      status: 'provisional',
      origin: 'library',
      file: null,
      reviewedOn: null,
      source: {
        decree: null,
        revisions: [],
        references: [],
        library,
        note:
          `No data file for ${year}: national public holidays from ${library} only, without cuti bersama and ` +
          `unchecked against any SKB. Add libs/holidays/data/${year}.yaml from the decree.`,
      },
      nationalHolidays: libraryNationalHolidays(year).map(({ date, name, note }) => ({ date, name, ...(note ? { note } : {}) })),
      cutiBersama: [],
      libraryDiffers: [],
    };
  }
}
