import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { WorkingCalendar, dayOfWeek, isLocalDate } from '@kawal/domain';
import {
  HolidayData,
  HolidayDataError,
  defaultHolidayDataDir,
  describeHoliday,
  holidayData,
  holidayYear,
  holidaysBetween,
  libraryPublicHolidays,
  libraryVersion,
} from '@kawal/holidays';

const REQUIRED_YEARS = [2025, 2026, 2027];

describe('holiday data files', () => {
  const years = holidayData().dataFileYears();

  it('exist for 2025, 2026 and 2027 and are found from the sources', () => {
    expect(defaultHolidayDataDir()).toBe(path.resolve(__dirname, '..', '..', 'libs', 'holidays', 'data'));
    expect(years).toEqual(expect.arrayContaining(REQUIRED_YEARS));
  });

  it('are also found from the compiled layout (dist/libs/holidays/src), which has no copy of the data', () => {
    const root = path.resolve(__dirname, '..', '..');
    expect(defaultHolidayDataDir(path.join(root, 'dist', 'libs', 'holidays', 'src'))).toBe(path.join(root, 'libs', 'holidays', 'data'));
  });

  it.each(REQUIRED_YEARS)('%i loads, validates and names its source', (year) => {
    const y = holidayYear(year);
    expect(y).toMatchObject({ year, origin: 'data-file' });
    expect(y.file).toBe(path.join(defaultHolidayDataDir(), `${year}.yaml`));
    expect(isLocalDate(y.reviewedOn ?? '')).toBe(true);
    if (y.status === 'final') {
      expect(y.source.decree).not.toBeNull();
      expect(y.source.decree?.numbers.menteriAgama).toMatch(/^\d+ Tahun \d{4}$/);
    } else {
      // A provisional file must say why, so that nobody mistakes it for the decree.
      expect(y.source.note).toMatch(/not been confirmed/);
    }
  });

  it('list only real dates inside their year, each with both names', () => {
    for (const year of years) {
      const y = holidayYear(year);
      for (const h of [...y.nationalHolidays, ...y.cutiBersama]) {
        expect(isLocalDate(h.date)).toBe(true);
        expect(h.date.slice(0, 4)).toBe(String(year));
        expect(h.name.id.length).toBeGreaterThan(0);
        expect(h.name.en.length).toBeGreaterThan(0);
      }
    }
  });

  it('match the decrees for 2025 and 2026 (17 national holidays; 10 + 1 and 8 days of cuti bersama)', () => {
    const y2025 = holidayYear(2025);
    expect(y2025.status).toBe('final');
    expect(y2025.source.decree?.numbers).toEqual({ menteriAgama: '1017 Tahun 2024', menteriKetenagakerjaan: '2 Tahun 2024', menteriPANRB: '2 Tahun 2024' });
    expect(y2025.source.revisions.map((r) => r.signedOn)).toEqual(['2025-08-07']);
    expect(y2025.nationalHolidays).toHaveLength(17);
    expect(y2025.cutiBersama.map((h) => h.date)).toEqual([
      '2025-01-28', '2025-03-28', '2025-04-02', '2025-04-03', '2025-04-04', '2025-04-07',
      '2025-05-13', '2025-05-30', '2025-06-09', '2025-08-18', '2025-12-26',
    ]);

    const y2026 = holidayYear(2026);
    expect(y2026.status).toBe('final');
    expect(y2026.source.decree?.numbers).toEqual({ menteriAgama: '1497 Tahun 2025', menteriKetenagakerjaan: '2 Tahun 2025', menteriPANRB: '5 Tahun 2025' });
    expect(y2026.nationalHolidays).toHaveLength(17);
    expect(y2026.cutiBersama.map((h) => h.date)).toEqual([
      '2026-02-16', '2026-03-18', '2026-03-20', '2026-03-23', '2026-03-24', '2026-05-15', '2026-05-28', '2026-12-24',
    ]);
    expect(y2026.nationalHolidays.filter((h) => h.name.id.startsWith('Idul Fitri')).map((h) => h.date)).toEqual(['2026-03-21', '2026-03-22']);
  });

  it('never put cuti bersama on a weekend (it is leave taken on a working day)', () => {
    for (const year of years) for (const h of holidayYear(year).cutiBersama) expect([0, 6]).not.toContain(dayOfWeek(h.date));
  });
});

describe('cross-check with date-holidays', () => {
  it.each(REQUIRED_YEARS)('%i: every national holiday the library knows agrees, or the difference is documented', (year) => {
    const y = holidayYear(year);
    const data = new Set(y.nationalHolidays.map((h) => h.date));
    const library = new Set(libraryPublicHolidays(year).map((h) => h.date));
    const onlyInData = [...data].filter((d) => !library.has(d)).sort();
    const onlyInLibrary = [...library].filter((d) => !data.has(d)).sort();
    const declaredData = new Set(y.libraryDiffers.flatMap((d) => d.dataFile));
    const declaredLibrary = new Set(y.libraryDiffers.flatMap((d) => d.library));

    // Every real difference is documented ...
    expect(onlyInData.filter((d) => !declaredData.has(d))).toEqual([]);
    expect(onlyInLibrary.filter((d) => !declaredLibrary.has(d))).toEqual([]);
    // ... and every documented one still exists (a library upgrade that fixes it makes this fail: update the file).
    expect([...declaredLibrary].filter((d) => !library.has(d))).toEqual([]);
    for (const diff of y.libraryDiffers) {
      const stillDiffers = diff.dataFile.some((d) => !library.has(d)) || diff.library.some((d) => !data.has(d));
      expect({ holiday: diff.holiday, stillDiffers }).toEqual({ holiday: diff.holiday, stillDiffers: true });
    }
  });

  it('documents the known disagreements: Idul Fitri (2025, 2026), 1 Muharram 2025, and Easter Sunday', () => {
    const holidays = (year: number) => holidayYear(year).libraryDiffers.map((d) => d.holiday);
    expect(holidays(2025)).toEqual(['Idul Fitri 1446 Hijriah', 'Kebangkitan Yesus Kristus (Paskah)', '1 Muharam Tahun Baru Islam 1447 Hijriah']);
    expect(holidays(2026)).toEqual(['Idul Fitri 1447 Hijriah', 'Kebangkitan Yesus Kristus (Paskah)']);
    expect(holidays(2027)).toEqual(['Kebangkitan Yesus Kristus (Paskah)']);
  });

  it('pins the library version in package.json, so its dates cannot change under the test', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['date-holidays']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(libraryVersion()).toBe(`date-holidays@${pkg.dependencies['date-holidays']}`);
  });
});

describe('holidaysBetween and the working-day calendar', () => {
  it('includes the Idul Fitri 2026 cuti bersama and skips 18-24 March 2026', () => {
    const holidays = holidaysBetween('2026-03-01', '2026-04-30');
    expect(holidays).toEqual(expect.arrayContaining(['2026-03-18', '2026-03-19', '2026-03-20', '2026-03-21', '2026-03-22', '2026-03-23', '2026-03-24']));
    expect(holidays).toEqual([...new Set(holidays)].sort());
    expect(holidays.every((d) => d >= '2026-03-01' && d <= '2026-04-30')).toBe(true);
    const calendar = new WorkingCalendar(holidays);
    expect(calendar.addWorkingDays('2026-03-17', 1)).toBe('2026-03-25');
    expect(calendar.addWorkingDays('2026-04-02', 1)).toBe('2026-04-06'); // Good Friday 3 April
  });

  it('covers every year touched and adds local holidays', () => {
    const local = [{ date: '2026-12-28', name: { id: 'Hari Jadi Kota', en: 'City anniversary' } }];
    const holidays = holidaysBetween('2025-12-20', '2027-01-10', local);
    expect(holidays).toEqual(expect.arrayContaining(['2025-12-25', '2025-12-26', '2026-01-01', '2026-12-28', '2027-01-01']));
    expect(holidays).toEqual([...new Set(holidays)].sort());
    expect(new WorkingCalendar(holidays).addWorkingDays('2026-12-23', 1)).toBe('2026-12-29'); // 24, 25 Dec + local 28 Dec
    expect(() => holidaysBetween('2026-03-01', '2026-02-01')).toThrow(RangeError);
    expect(() => holidaysBetween('2026-02-30', '2026-03-01')).toThrow(RangeError);
    expect(() => holidaysBetween('2026-03-01', '2026-03-31', [{ date: '2026-3-5', name: { id: 'x', en: 'x' } }])).toThrow(/local holiday \[0\]/);
  });

  it('describes a date for people', () => {
    expect(describeHoliday('2026-03-20')).toEqual([
      { date: '2026-03-20', kind: 'cuti-bersama', name: { id: 'Cuti bersama Idul Fitri 1447 Hijriah', en: 'Collective leave for Eid al-Fitr' }, status: 'final', origin: 'data-file' },
    ]);
    expect(describeHoliday('2026-08-17')).toEqual([expect.objectContaining({ kind: 'national', name: { id: 'Proklamasi Kemerdekaan', en: 'Independence Day' } })]);
    expect(describeHoliday('2026-03-25')).toEqual([]);
    const local = [{ date: '2026-03-25', name: { id: 'Hari Jadi Kota', en: 'City anniversary' } }];
    expect(describeHoliday('2026-03-25', local)).toEqual([
      { date: '2026-03-25', kind: 'local', name: { id: 'Hari Jadi Kota', en: 'City anniversary' }, status: 'final', origin: 'local' },
    ]);
  });

  it('caches each year and hands out frozen data', () => {
    expect(holidayYear(2026)).toBe(holidayYear(2026));
    expect(Object.isFrozen(holidayYear(2026).cutiBersama)).toBe(true);
  });
});

describe('library fallback', () => {
  it('gives a year without a data file from date-holidays, public holidays only, marked as such', () => {
    const y = holidayYear(2031);
    expect(y).toMatchObject({ year: 2031, origin: 'library', status: 'provisional', file: null, reviewedOn: null, cutiBersama: [] });
    expect(y.source.decree).toBeNull();
    expect(y.source.library).toBe(libraryVersion());
    expect(y.source.note).toMatch(/without cuti bersama/);
    const library = libraryPublicHolidays(2031).map((h) => h.date);
    expect(library.length).toBeGreaterThan(8);
    expect(y.nationalHolidays.map((h) => h.date)).toEqual(expect.arrayContaining(library));
    expect(y.nationalHolidays.map((h) => h.date)).toEqual(expect.arrayContaining(['2031-01-01', '2031-06-01', '2031-08-17', '2031-12-25']));
    // Easter Sunday is added (the library lacks it); 27 Rajab gets its proper Indonesian name.
    expect(describeHoliday('2031-04-13')).toEqual([expect.objectContaining({ kind: 'national', origin: 'library', name: { id: 'Kebangkitan Yesus Kristus (Paskah)', en: 'Easter Sunday' } })]);
    expect(y.nationalHolidays.filter((h) => h.name.id.startsWith('Isra Mikraj')).length).toBeGreaterThan(0);
    expect(holidaysBetween('2031-08-01', '2031-08-31')).toEqual(['2031-08-17']);
  });
});

describe('malformed data files', () => {
  let dir: string;
  const valid = {
    header: 'year: 2026\nstatus: final\nreviewedOn: 2026-11-22\n',
    source:
      'source:\n  decree:\n    numbers: { menteriAgama: 1 Tahun 2025, menteriKetenagakerjaan: 2 Tahun 2025, menteriPANRB: 3 Tahun 2025 }\n' +
      '    signedOn: 2025-09-19\n    title: Test\n',
    national: 'nationalHolidays:\n  - date: 2026-01-01\n    name: { id: Tahun Baru, en: New Year }\n',
    cuti: 'cutiBersama: []\n',
  };
  const write = (year: number, text: string) => writeFileSync(path.join(dir, `${year}.yaml`), text);
  const load = (year: number) => () => new HolidayData({ dataDir: dir }).holidayYear(year);

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kawal-holidays-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a minimal valid file from an injected folder', () => {
    write(2026, valid.header + valid.source + valid.national + valid.cuti);
    const y = new HolidayData({ dataDir: dir }).holidayYear(2026);
    expect(y).toMatchObject({ origin: 'data-file', status: 'final', libraryDiffers: [] });
    expect(new HolidayData({ dataDir: dir }).holidaysBetween('2026-01-01', '2026-12-31')).toEqual(['2026-01-01']);
  });

  it('names the file, the path and the rule for an impossible date', () => {
    write(2026, valid.header + valid.source + 'nationalHolidays:\n  - date: 2026-02-30\n    name: { id: X, en: X }\n' + valid.cuti);
    expect(load(2026)).toThrow(HolidayDataError);
    expect(load(2026)).toThrow(`Invalid holiday data file ${path.join(dir, '2026.yaml')}: nationalHolidays[0].date must be a calendar date YYYY-MM-DD (got "2026-02-30")`);
  });

  it('lists every shape problem at once: a bad status, a missing name, an unknown key', () => {
    write(
      2026,
      'year: 2026\nstatus: maybe\nreviewedOn: 2026-11-22\nsource:\n  decree: null\n' +
        'nationalHolidays:\n  - date: 2025-12-31\n    name: { id: X, en: X }\n  - date: 2026-01-01\n    name: { id: X }\n' +
        'cutiBersama: []\nextra: 1\n',
    );
    let message = '';
    try {
      load(2026)();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(path.join(dir, '2026.yaml'));
    expect(message).toMatch(/status must be one of "final"\|"provisional"/);
    expect(message).toMatch(/nationalHolidays\[1\]\.name\.en is required \(string\)/);
    expect(message).toMatch(/\(file\) has an unknown key: "extra"/);
  });

  it('checks cross-field rules once the shape is right', () => {
    write(
      2026,
      'year: 2026\nstatus: final\nreviewedOn: 2026-11-22\nsource:\n  decree: null\n' +
        'nationalHolidays:\n  - date: 2025-12-31\n    name: { id: X, en: X }\n' +
        'cutiBersama: []\nlibraryDiffers:\n  - { holiday: X, dataFile: [2026-05-05], library: [], reason: test }\n',
    );
    expect(load(2026)).toThrow(/source\.decree must name the decree when status is final/);
    expect(load(2026)).toThrow(/nationalHolidays\[0\]\.date must fall in 2026 \(got 2025-12-31\)/);
    expect(load(2026)).toThrow(/libraryDiffers\[0\]\.dataFile\[0\] must be a date in nationalHolidays/);
  });

  it('rejects a file whose year is not its name, and broken YAML', () => {
    write(2027, valid.header + valid.source + valid.national + valid.cuti);
    expect(load(2027)).toThrow(/2027\.yaml: year must be 2027, as in the file name \(got 2026\)/);
    write(2026, 'year: 2026\nnationalHolidays: [\n');
    expect(load(2026)).toThrow(/2026\.yaml: \(file\) is not valid YAML/);
  });

  it('falls back to the library for a year the injected folder has no file for, and fails for a missing folder', () => {
    expect(new HolidayData({ dataDir: dir }).holidayYear(2026).origin).toBe('library');
    expect(() => new HolidayData({ dataDir: path.join(dir, 'nope') }).holidayYear(2026)).toThrow(/holiday data folder not found/);
  });
});
