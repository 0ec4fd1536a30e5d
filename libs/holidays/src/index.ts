/**
 * Indonesian holidays: national holidays and cuti bersama from versioned, reviewed data files per year
 * (libs/holidays/data/<year>.yaml, each naming its SKB 3 Menteri), the date-holidays library as the fallback
 * for years without a file, and a programme's local holidays on top.
 *
 * Node-only (reads files): use it in the API, activities and scripts, never in workflow code. Workflows get
 * `holidaysBetween(...)` in their input and build a WorkingCalendar from it, which keeps them deterministic.
 */
import type { LocalDate } from '@kawal/domain';
import { HolidayData, type HolidayDescription, type HolidayYear, type LocalHoliday } from './holiday-data';

export * from './holiday-data';
export { libraryNationalHolidays, libraryPublicHolidays, libraryVersion, type LibraryHoliday } from './library';
export { holidayFileSchema, type HolidayFile } from './schema';

let defaultData: HolidayData | undefined;

/** The process-wide holiday data (libs/holidays/data), loaded lazily and cached per year. */
export function holidayData(): HolidayData {
  defaultData ??= new HolidayData();
  return defaultData;
}

/** The holidays of a year: its data file, or else the date-holidays fallback (origin 'library', provisional). */
export function holidayYear(year: number): HolidayYear {
  return holidayData().holidayYear(year);
}

/** Sorted unique days off in [from, to]: national holidays, cuti bersama and the given local holidays. */
export function holidaysBetween(from: LocalDate, to: LocalDate, local: readonly LocalHoliday[] = []): LocalDate[] {
  return holidayData().holidaysBetween(from, to, local);
}

/** Every year touched by [from, to] (to check whether any of them is provisional or from the library). */
export function holidayYearsBetween(from: LocalDate, to: LocalDate): HolidayYear[] {
  return holidayData().holidayYearsBetween(from, to);
}

/** What a date is, for people: its national holidays, cuti bersama and local holidays (empty if none). */
export function describeHoliday(date: LocalDate, local: readonly LocalHoliday[] = []): HolidayDescription[] {
  return holidayData().describeHoliday(date, local);
}
