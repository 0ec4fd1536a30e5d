import { WorkingCalendar, dayOfWeek, endOfLocalDay, isLocalDate, localDateAt, localTimeToInstant, timeZoneForUnitCode } from '@kawal/domain';

describe('working-day calendar', () => {
  const cal = new WorkingCalendar(['2026-12-25']);

  it('knows the day of the week', () => {
    expect(dayOfWeek('2026-11-22')).toBe(0); // Sunday
    expect(dayOfWeek('2026-11-23')).toBe(1); // Monday
  });

  it('counts working days forwards and backwards over weekends and holidays', () => {
    expect(cal.addWorkingDays('2026-11-20', 1)).toBe('2026-11-23'); // Friday + 1 = Monday
    expect(cal.addWorkingDays('2026-12-24', 1)).toBe('2026-12-28'); // skips Christmas and the weekend
    expect(cal.addWorkingDays('2026-11-23', -1)).toBe('2026-11-20');
    expect(cal.addWorkingDays('2026-11-23', 0)).toBe('2026-11-23');
    expect(cal.onOrAfter('2026-11-22')).toBe('2026-11-23');
    expect(cal.workingDaysBetween('2026-11-20', '2026-11-27')).toBe(5);
    expect(() => cal.addWorkingDays('2026-11-23', 1.5)).toThrow(RangeError);
  });

  it('validates calendar dates strictly', () => {
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2027-02-29')).toBe(false);
    expect(isLocalDate('2027-2-1')).toBe(false);
  });

  it('turns local wall-clock times into UTC instants for WIB, WITA and WIT', () => {
    expect(new Date(localTimeToInstant('2026-12-07', '07:30', 'Asia/Jakarta')).toISOString()).toBe('2026-12-07T00:30:00.000Z');
    expect(new Date(localTimeToInstant('2026-12-07', '07:30', 'Asia/Makassar')).toISOString()).toBe('2026-12-06T23:30:00.000Z');
    expect(new Date(localTimeToInstant('2026-12-07', '07:30', 'Asia/Jayapura')).toISOString()).toBe('2026-12-06T22:30:00.000Z');
    expect(new Date(endOfLocalDay('2026-12-07', 'Asia/Makassar')).toISOString()).toBe('2026-12-07T15:59:59.999Z');
    expect(localDateAt(Date.parse('2026-12-06T16:00:00Z'), 'Asia/Makassar')).toBe('2026-12-07');
    expect(localDateAt(Date.parse('2026-12-06T16:00:00Z'), 'Asia/Jakarta')).toBe('2026-12-06');
  });

  it('derives the time zone from the Kemendagri province code', () => {
    expect(timeZoneForUnitCode('63.72.01.1001')).toBe('Asia/Makassar'); // Kalimantan Selatan
    expect(timeZoneForUnitCode('31.71')).toBe('Asia/Jakarta'); // DKI Jakarta
    expect(timeZoneForUnitCode('61.71')).toBe('Asia/Pontianak'); // Kalimantan Barat
    expect(timeZoneForUnitCode('91.71')).toBe('Asia/Jayapura'); // Papua
    expect(timeZoneForUnitCode('51.71')).toBe('Asia/Makassar'); // Bali
  });
});
