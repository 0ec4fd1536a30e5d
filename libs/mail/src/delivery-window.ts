import { IndonesianTimeZone, LocalDate, WorkingCalendar, addCalendarDays, isIndonesianTimeZone, localDateAt, localTimeToInstant } from '@kawal/domain';
import type { MessageData } from '@kawal/contracts';

/** Local office hours in which email may go out, e.g. { start: '07:00', end: '17:00' }. */
export interface WorkingHours {
  start: string;
  end: string;
}

/** "07:00-17:00" -> { start, end }, "any" -> null (no limit); throws on anything else (the config schema validates it first). */
export function parseWorkingHours(value: 'any'): null;
export function parseWorkingHours(value: string): WorkingHours | null;
export function parseWorkingHours(value: string): WorkingHours | null {
  if (value === 'any') return null;
  const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!m || `${m[3]}:${m[4]}` <= `${m[1]}:${m[2]}`) throw new Error(`working hours must look like 07:00-17:00 with the end after the start (got "${value}")`);
  return { start: `${m[1]}:${m[2]}`, end: `${m[3]}:${m[4]}` };
}

const ZONES: Record<string, IndonesianTimeZone> = { WIB: 'Asia/Jakarta', WITA: 'Asia/Makassar', WIT: 'Asia/Jayapura' };

/** The recipient's zone: the one the request names, else the unit zone the message shows (WIB/WITA/WIT), else WIB. */
export function recipientTimeZone(given: string | undefined, message: MessageData): IndonesianTimeZone {
  if (given && isIndonesianTimeZone(given)) return given;
  const shown = 'timeZone' in message ? ZONES[message.timeZone] : undefined;
  return shown ?? 'Asia/Jakarta';
}

/**
 * The first instant at or after `now` inside working hours on a working day (Monday to Friday, not a national
 * holiday or cuti bersama) in the zone. `now` itself when it already is.
 */
export function nextWorkingMoment(now: number, tz: IndonesianTimeZone, calendar: WorkingCalendar, hours: WorkingHours): number {
  let day: LocalDate = localDateAt(now, tz);
  for (let i = 0; i < 60; i++, day = addCalendarDays(day, 1)) {
    if (!calendar.isWorkingDay(day)) continue;
    const open = localTimeToInstant(day, hours.start, tz);
    const close = localTimeToInstant(day, hours.end, tz);
    if (now < open) return open;
    if (now < close) return now;
  }
  throw new Error(`no working day within 60 days after ${new Date(now).toISOString()}`);
}

/** The next digest time: a working day at `time` local (the office hour) plus a short window to collect that morning's rungs. */
export function nextDigestMoment(now: number, tz: IndonesianTimeZone, calendar: WorkingCalendar, time: string, collectMs: number): number {
  let day: LocalDate = localDateAt(now, tz);
  for (let i = 0; i < 60; i++, day = addCalendarDays(day, 1)) {
    if (!calendar.isWorkingDay(day)) continue;
    const at = localTimeToInstant(day, time, tz) + collectMs;
    if (now <= at) return at;
  }
  throw new Error(`no working day within 60 days after ${new Date(now).toISOString()}`);
}

/** Sent at once whatever the hour and never folded into a digest, when the programme allows it. */
export const ESCALATION_KINDS: ReadonlySet<MessageData['kind']> = new Set(['escalation']);
/** The task ladder: these fold into the digest when the person has more than the threshold of items due. */
export const DIGESTIBLE_KINDS: ReadonlySet<MessageData['kind']> = new Set(['reminder', 'overdue']);

export type DeliveryDecision = { send: 'now' } | { send: 'later'; at: number } | { send: 'digest'; at: number };

/**
 * When an email may go out:
 * - a ladder message (reminder, overdue) to a person with more than `digestThreshold` items due or overdue waits for
 *   their daily digest;
 * - anything outside working hours waits for the next working moment, except escalations when the programme allows
 *   them at any hour;
 * - everything else now.
 */
export function decideDelivery(args: {
  kind: MessageData['kind'];
  now: number;
  tz: IndonesianTimeZone;
  calendar: WorkingCalendar;
  /** null = any hour. */
  hours: WorkingHours | null;
  escalationsAnyTime: boolean;
  itemsDue: number | null;
  digestThreshold: number;
  digestTime: string;
  digestCollectMs: number;
}): DeliveryDecision {
  if (DIGESTIBLE_KINDS.has(args.kind) && args.itemsDue !== null && args.itemsDue > args.digestThreshold) {
    return { send: 'digest', at: nextDigestMoment(args.now, args.tz, args.calendar, args.digestTime, args.digestCollectMs) };
  }
  if (args.hours === null || (ESCALATION_KINDS.has(args.kind) && args.escalationsAnyTime)) return { send: 'now' };
  const at = nextWorkingMoment(args.now, args.tz, args.calendar, args.hours);
  return at <= args.now ? { send: 'now' } : { send: 'later', at };
}
