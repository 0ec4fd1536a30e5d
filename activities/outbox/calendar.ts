import { WorkingCalendar } from '@kawal/domain';
import { holidaysBetween } from '@kawal/holidays';

/** The national holidays and cuti bersama around a moment, for working-hours decisions (cached per year). */
const calendars = new Map<string, WorkingCalendar>();
export function calendarAround(now: number): WorkingCalendar {
  const year = new Date(now).getUTCFullYear();
  const key = String(year);
  let calendar = calendars.get(key);
  if (!calendar) {
    calendar = new WorkingCalendar(holidaysBetween(`${year - 1}-12-01`, `${year + 1}-02-28`));
    calendars.set(key, calendar);
  }
  return calendar;
}

