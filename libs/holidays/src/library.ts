/**
 * Indonesia's public holidays from the date-holidays library (pinned in package.json): the fallback for years
 * without a data file, and the reference the unit test cross-checks the data files against.
 *
 * The library knows national holidays only (no cuti bersama), computes Islamic dates arithmetically (Indonesia
 * fixes them by decree and sidang isbat, sometimes a day later), and knows Nyepi and Waisak only for the years
 * its maintainers entered. Its output depends on the year alone, so it is deterministic.
 */
import { readFileSync } from 'node:fs';
import Holidays, { type HolidaysTypes } from 'date-holidays';
import { addCalendarDays, type LocalDate } from '@kawal/domain';

export interface LibraryHoliday {
  date: LocalDate;
  name: { id: string; en: string };
  /** The library's rule, e.g. "1 Shawwal" or "easter -2". */
  rule: string;
}

let holidays: Holidays | undefined;
function library(): Holidays {
  holidays ??= new Holidays('ID', { timezone: 'Asia/Jakarta' });
  return holidays;
}

let version: string | undefined;
/** "date-holidays@3.37.0": the library and version the fallback data came from. */
export function libraryVersion(): string {
  version ??= (JSON.parse(readFileSync(require.resolve('date-holidays/package.json'), 'utf8')) as { version: string }).version;
  return `date-holidays@${version}`;
}

/** The library gives 27 Rajab (Isra Mikraj) the Indonesian name of Maulid; use the name the decrees use. */
const NAME_FIXES: Record<string, { id?: string; en?: string }> = {
  '27 Rajab': { id: 'Isra Mikraj Nabi Muhammad SAW', en: "Isra and Mi'raj of the Prophet Muhammad" },
};

/** The library's public holidays for Indonesia in a year, exactly as it gives them (names aside), by date. */
export function libraryPublicHolidays(year: number): LibraryHoliday[] {
  const key = (h: HolidaysTypes.Holiday) => `${h.date.slice(0, 10)} ${h.rule}`;
  const english = new Map((library().getHolidays(year, 'en') || []).map((h) => [key(h), h.name]));
  return (library().getHolidays(year, 'id') || [])
    .filter((h) => h.type === 'public')
    .map((h) => {
      const fix = NAME_FIXES[h.rule] ?? {};
      return {
        date: h.date.slice(0, 10),
        name: { id: fix.id ?? h.name, en: fix.en ?? english.get(key(h)) ?? h.name },
        rule: h.rule,
      };
    })
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/**
 * The national holidays of a year as the fallback gives them: the library's, plus Easter Sunday (Kebangkitan
 * Yesus Kristus), which every SKB since 2024 lists and the library lacks (always a Sunday: no working-day effect).
 */
export function libraryNationalHolidays(year: number): Array<LibraryHoliday & { note?: string }> {
  const list: Array<LibraryHoliday & { note?: string }> = libraryPublicHolidays(year);
  const goodFriday = list.find((h) => h.rule === 'easter -2');
  if (goodFriday) {
    list.push({
      date: addCalendarDays(goodFriday.date, 2),
      name: { id: 'Kebangkitan Yesus Kristus (Paskah)', en: 'Easter Sunday' },
      rule: 'easter',
      note: 'Added by Kawal: not in date-holidays, listed by every SKB since 2024.',
    });
    list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }
  return list;
}
