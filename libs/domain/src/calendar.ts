/**
 * Working-day calendar, pure and deterministic (safe inside Temporal workflows: no Date.now, no Intl, no I/O).
 *
 * A LocalDate is an ISO calendar date 'YYYY-MM-DD' in the unit's own time zone. Indonesia observes no daylight
 * saving, so each zone is a fixed offset: WIB UTC+7, WITA UTC+8, WIT UTC+9.
 * Working days are Monday to Friday minus the holidays passed in (national holidays, cuti bersama, local days).
 */
export type LocalDate = string;

export const TIME_ZONES = {
  'Asia/Jakarta': 7,
  'Asia/Pontianak': 7,
  'Asia/Makassar': 8,
  'Asia/Jayapura': 9,
} as const;
export type IndonesianTimeZone = keyof typeof TIME_ZONES;

export function isIndonesianTimeZone(tz: string): tz is IndonesianTimeZone {
  return Object.prototype.hasOwnProperty.call(TIME_ZONES, tz);
}

export function zoneAbbreviation(tz: IndonesianTimeZone): 'WIB' | 'WITA' | 'WIT' {
  const offset = TIME_ZONES[tz];
  return offset === 7 ? 'WIB' : offset === 8 ? 'WITA' : 'WIT';
}

/** Provinces in WITA and WIT by Kemendagri province code; every other province is WIB. */
const WITA_PROVINCES = new Set(['51', '52', '53', '63', '64', '65', '71', '72', '73', '74', '75', '76']);
const WIT_PROVINCES = new Set(['81', '82', '91', '92', '93', '94', '95', '96']);
/** West Kalimantan is WIB but has its own IANA zone. */
const PONTIANAK_PROVINCES = new Set(['61', '62']);

/** The time zone of a unit from its Kemendagri code (e.g. 63.72.01.1001 -> Asia/Makassar). */
export function timeZoneForUnitCode(code: string): IndonesianTimeZone {
  const province = code.slice(0, 2);
  if (WITA_PROVINCES.has(province)) return 'Asia/Makassar';
  if (WIT_PROVINCES.has(province)) return 'Asia/Jayapura';
  if (PONTIANAK_PROVINCES.has(province)) return 'Asia/Pontianak';
  return 'Asia/Jakarta';
}

/** A unit's zone: the stored one when it is an Indonesian zone, else derived from its Kemendagri code. */
export function unitTimeZone(unit: { code: string; timeZone?: string | null }): IndonesianTimeZone {
  return unit.timeZone && isIndonesianTimeZone(unit.timeZone) ? unit.timeZone : timeZoneForUnitCode(unit.code);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLocalDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d;
}

function toDayNumber(date: LocalDate): number {
  const m = DATE_RE.exec(date);
  if (!m || !isLocalDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000);
}

function fromDayNumber(day: number): LocalDate {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(date: LocalDate): number {
  return (toDayNumber(date) + 4) % 7; // 1970-01-01 was a Thursday
}

export function addCalendarDays(date: LocalDate, days: number): LocalDate {
  return fromDayNumber(toDayNumber(date) + days);
}

export class WorkingCalendar {
  private readonly holidays: ReadonlySet<LocalDate>;

  constructor(holidays: Iterable<LocalDate> = []) {
    this.holidays = new Set(holidays);
  }

  isWorkingDay(date: LocalDate): boolean {
    const dow = dayOfWeek(date);
    return dow !== 0 && dow !== 6 && !this.holidays.has(date);
  }

  /** The date `n` working days after (n > 0) or before (n < 0) `date`; n = 0 gives the date itself. */
  addWorkingDays(date: LocalDate, n: number): LocalDate {
    if (!Number.isInteger(n)) throw new RangeError(`working days must be an integer, got ${n}`);
    let day = date;
    const step = n >= 0 ? 1 : -1;
    for (let left = Math.abs(n); left > 0; ) {
      day = addCalendarDays(day, step);
      if (this.isWorkingDay(day)) left--;
    }
    return day;
  }

  /** The first working day on or after `date`. */
  onOrAfter(date: LocalDate): LocalDate {
    let day = date;
    while (!this.isWorkingDay(day)) day = addCalendarDays(day, 1);
    return day;
  }

  /** Working days from `from` (inclusive) to `until` (exclusive): e.g. the working days a suspension lasted. */
  workingDaysInRange(from: LocalDate, until: LocalDate): number {
    return this.workingDaysBetween(addCalendarDays(from, -1), addCalendarDays(until, -1));
  }

  /** Working days strictly after `from` up to and including `to` (0 when to <= from). */
  workingDaysBetween(from: LocalDate, to: LocalDate): number {
    let count = 0;
    for (let day = addCalendarDays(from, 1); toDayNumber(day) <= toDayNumber(to); day = addCalendarDays(day, 1)) {
      if (this.isWorkingDay(day)) count++;
    }
    return count;
  }
}

/** The UTC instant (ms) of a local wall-clock time on a local date, e.g. 07:30 WITA. */
export function localTimeToInstant(date: LocalDate, time: string, tz: IndonesianTimeZone): number {
  const m = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m) throw new RangeError(`not a time of day: ${time}`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return toDayNumber(date) * 86_400_000 + (minutes - TIME_ZONES[tz] * 60) * 60_000;
}

/** A deadline is the end of the local day: the last millisecond before local midnight, as a UTC instant (ms). */
export function endOfLocalDay(date: LocalDate, tz: IndonesianTimeZone): number {
  return localTimeToInstant(addCalendarDays(date, 1), '00:00', tz) - 1;
}

/** The local date at a UTC instant (ms) in a zone. */
export function localDateAt(instantMs: number, tz: IndonesianTimeZone): LocalDate {
  return fromDayNumber(Math.floor((instantMs + TIME_ZONES[tz] * 3_600_000) / 86_400_000));
}

/** The same day `months` months later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const m = DATE_RE.exec(date);
  if (!m || !isLocalDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  const total = Number(m[1]) * 12 + (Number(m[2]) - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(Number(m[3]), lastDay);
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Compares two local dates: negative when a is earlier, 0 when equal, positive when later. */
export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
