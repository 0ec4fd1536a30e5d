import { WorkingCalendar } from '@kawal/domain';
import { holidaysBetween } from '@kawal/holidays';
import { decideDelivery, nextDigestMoment, nextWorkingMoment, parseWorkingHours, recipientTimeZone } from '@kawal/mail';

/** Working hours and the digest clock over the real 2026 calendar (SKB: 24 Dec cuti bersama, 25 Dec Natal). */
describe('when an email may go out', () => {
  const calendar = new WorkingCalendar(holidaysBetween('2026-12-01', '2027-01-31'));
  const hours = parseWorkingHours('07:00-17:00')!;
  const at = (iso: string) => Date.parse(iso);
  const iso = (ms: number) => new Date(ms).toISOString();

  it('sends at once inside working hours, in the recipient’s own zone', () => {
    // Tuesday 22 Dec 2026, 10:00 WITA = 02:00Z.
    expect(iso(nextWorkingMoment(at('2026-12-22T02:00:00Z'), 'Asia/Makassar', calendar, hours))).toBe('2026-12-22T02:00:00.000Z');
    // 16:30 WIT (07:30Z) is still open in Jayapura; 16:30Z is 00:30 WITA next day: wait for 07:00 WITA.
    expect(iso(nextWorkingMoment(at('2026-12-22T07:30:00Z'), 'Asia/Jayapura', calendar, hours))).toBe('2026-12-22T07:30:00.000Z');
    expect(iso(nextWorkingMoment(at('2026-12-22T16:30:00Z'), 'Asia/Makassar', calendar, hours))).toBe('2026-12-22T23:00:00.000Z');
  });

  it('waits over the evening, the weekend and the holidays: Wednesday 17:00 WIB before Christmas goes out on Monday', () => {
    // Wed 23 Dec 17:00 WIB (10:00Z): closed; Thu 24 cuti bersama, Fri 25 Natal, Sat, Sun -> Mon 28 Dec 07:00 WIB = 00:00Z.
    expect(iso(nextWorkingMoment(at('2026-12-23T10:00:00Z'), 'Asia/Jakarta', calendar, hours))).toBe('2026-12-28T00:00:00.000Z');
    // One minute before closing it still goes.
    expect(iso(nextWorkingMoment(at('2026-12-23T09:59:00Z'), 'Asia/Jakarta', calendar, hours))).toBe('2026-12-23T09:59:00.000Z');
    // Early morning of a working day: at opening time.
    expect(iso(nextWorkingMoment(at('2026-12-28T22:00:00Z'), 'Asia/Makassar', calendar, hours))).toBe('2026-12-28T23:00:00.000Z');
  });

  it('puts the digest at the office hour of the next working day, after the morning’s reminders', () => {
    const collect = 2 * 60_000;
    // Reminders fire at 07:30 WITA (23:30Z the day before): the digest goes at 07:32.
    expect(iso(nextDigestMoment(at('2026-12-21T23:30:00Z'), 'Asia/Makassar', calendar, '07:30', collect))).toBe('2026-12-21T23:32:00.000Z');
    // Later that morning: the next working day's digest. Wednesday -> Monday over Christmas.
    expect(iso(nextDigestMoment(at('2026-12-23T03:00:00Z'), 'Asia/Makassar', calendar, '07:30', collect))).toBe('2026-12-27T23:32:00.000Z');
  });

  it('decides: digest over the threshold for ladder messages, urgent ones never digested, escalations at any hour only when allowed', () => {
    const base = { tz: 'Asia/Makassar' as const, calendar, hours, digestThreshold: 3, digestTime: '07:30', digestCollectMs: 120_000 };
    const night = at('2026-12-22T14:00:00Z'); // 22:00 WITA
    const morning = at('2026-12-22T23:30:00Z'); // 07:30 WITA
    expect(decideDelivery({ ...base, kind: 'reminder', now: morning, escalationsAnyTime: false, itemsDue: 4 })).toEqual({ send: 'digest', at: morning + 120_000 });
    expect(decideDelivery({ ...base, kind: 'reminder', now: morning, escalationsAnyTime: false, itemsDue: 3 })).toEqual({ send: 'now' });
    expect(decideDelivery({ ...base, kind: 'overdue', now: morning, escalationsAnyTime: false, itemsDue: 10 }).send).toBe('digest');
    // Work returned to them and escalations are never folded into a digest.
    expect(decideDelivery({ ...base, kind: 'task-returned', now: morning, escalationsAnyTime: false, itemsDue: 10 })).toEqual({ send: 'now' });
    expect(decideDelivery({ ...base, kind: 'escalation', now: morning, escalationsAnyTime: false, itemsDue: 10 })).toEqual({ send: 'now' });
    // At night: everything waits for 07:00, escalations only when the programme says so.
    expect(decideDelivery({ ...base, kind: 'task-approved', now: night, escalationsAnyTime: true, itemsDue: 0 })).toEqual({ send: 'later', at: at('2026-12-22T23:00:00Z') });
    expect(decideDelivery({ ...base, kind: 'escalation', now: night, escalationsAnyTime: false, itemsDue: 0 })).toEqual({ send: 'later', at: at('2026-12-22T23:00:00Z') });
    expect(decideDelivery({ ...base, kind: 'escalation', now: night, escalationsAnyTime: true, itemsDue: 0 })).toEqual({ send: 'now' });
  });

  it('reads working hours and zones strictly', () => {
    expect(() => parseWorkingHours('17:00-07:00')).toThrow(/end after the start/);
    expect(parseWorkingHours('any')).toBeNull();
    const night = at('2026-12-22T14:00:00Z');
    expect(decideDelivery({ kind: 'task-approved', now: night, tz: 'Asia/Makassar', calendar, hours: null, escalationsAnyTime: false, itemsDue: 0, digestThreshold: 3, digestTime: '07:30', digestCollectMs: 0 })).toEqual({ send: 'now' });
    expect(() => parseWorkingHours('7-17')).toThrow();
    expect(recipientTimeZone('Asia/Jayapura', { kind: 'task-approved', programmeName: 'P', unitName: 'U', taskTitle: 'T', link: 'x' })).toBe('Asia/Jayapura');
    expect(recipientTimeZone(undefined, { kind: 'reminder', programmeName: 'P', unitName: 'U', taskTitle: 'T', link: 'x', dueDate: '2026-12-22', timeZone: 'WITA', workingDaysBefore: 1 })).toBe('Asia/Makassar');
    expect(recipientTimeZone(undefined, { kind: 'task-approved', programmeName: 'P', unitName: 'U', taskTitle: 'T', link: 'x' })).toBe('Asia/Jakarta');
  });
});
