import { parse } from 'csv-parse/sync';
import { Workbook, type Worksheet } from 'exceljs';
import {
  guardSpreadsheetText,
  parentBreakdown,
  programmeReportCsv,
  programmeReportXlsx,
  reportTotals,
  type ProgrammeReport,
  type ProgrammeReportRow,
} from '@kawal/reports';

/** The unit sheet's header in Bahasa Indonesia, the same in the CSV and the XLSX. */
const UNIT_HEADER_ID = ['Kode unit', 'Nama unit', 'Kode induk', 'Induk', 'Zona waktu', 'Status kasus', 'Jumlah tugas', 'Disetujui', 'Terlambat', '% disetujui', 'Tenggat berikutnya'];

const unit = (over: Partial<ProgrammeReportRow> & Pick<ProgrammeReportRow, 'unitCode' | 'unitName'>): ProgrammeReportRow => ({
  parentCode: '63.72.01',
  parentName: 'Kecamatan Banjarmasin Selatan',
  timeZone: 'Asia/Makassar',
  caseStatus: 'ACTIVE',
  tasksTotal: 3,
  tasksApproved: 1,
  tasksOverdue: 1,
  percentApproved: 33.333333,
  nextDueDate: '2026-03-20',
  tasks: [],
  ...over,
});

function sampleReport(locale: 'id' | 'en' = 'id'): ProgrammeReport {
  return {
    programme: {
      id: '0b7c2f0e-1111-4222-8333-944445555666',
      name: 'Pendataan Stunting 2026',
      templateKey: 'stunting-2026',
      templateVersion: 2,
      startDate: '2026-03-02',
      status: 'RUNNING',
      generatedAt: '2026-03-17T02:30:00.000Z',
    },
    locale,
    rows: [
      unit({
        unitCode: '63.72.01.1001',
        unitName: 'Kelurahan Kelayan Luar',
        tasks: [
          { key: 'data-awal', title: 'Data awal, "baseline"', state: 'APPROVED', dueDate: '2026-03-09', overdue: false },
          { key: 'verifikasi', title: 'Verifikasi lapangan', state: 'OPEN', dueDate: '2026-03-16', overdue: true },
          { key: 'laporan', title: 'Laporan akhir', state: 'BLOCKED', dueDate: null, overdue: false },
        ],
      }),
      unit({
        unitCode: '63.72.01.1002',
        unitName: '=HYPERLINK("http://evil","klik")',
        tasksApproved: 3,
        tasksOverdue: 0,
        percentApproved: 100,
        nextDueDate: null,
        caseStatus: 'SIGNED_OFF',
      }),
      unit({
        unitCode: '63.72.02.1001',
        unitName: 'Kelurahan Pekapuran, Raya\nbaris dua',
        parentCode: '63.72.02',
        parentName: 'Kecamatan Banjarmasin Timur',
        tasksTotal: 4,
        tasksApproved: 0,
        tasksOverdue: 2,
        percentApproved: 0,
        nextDueDate: '2026-03-18',
      }),
      unit({ unitCode: '63.72', unitName: 'Kota Banjarmasin', parentCode: null, parentName: null, tasksTotal: 0, tasksApproved: 0, tasksOverdue: 0, percentApproved: 0, nextDueDate: null }),
    ],
  };
}

describe('programme report CSV', () => {
  const csv = programmeReportCsv(sampleReport());
  const records: string[][] = parse(csv, { bom: true });

  it('starts with a UTF-8 BOM and ends lines with CRLF', () => {
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain('\r\n');
    expect(csv.toString('utf8').endsWith('\r\n')).toBe(true);
  });

  it('has a Bahasa Indonesia header row and one row per unit', () => {
    expect(records[0]).toEqual(UNIT_HEADER_ID);
    expect(records).toHaveLength(5);
    expect(records[1]).toEqual([
      '63.72.01.1001',
      'Kelurahan Kelayan Luar',
      '63.72.01',
      'Kecamatan Banjarmasin Selatan',
      'Asia/Makassar',
      'ACTIVE',
      '3',
      '1',
      '1',
      '33.3',
      '2026-03-20',
    ]);
    expect(records[4]).toEqual(['63.72', 'Kota Banjarmasin', '', '', 'Asia/Makassar', 'ACTIVE', '0', '0', '0', '0', '']);
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(records[3][1]).toBe('Kelurahan Pekapuran, Raya\nbaris dua');
    expect(csv.toString('utf8')).toContain('"Kelurahan Pekapuran, Raya\nbaris dua"');
  });

  it('guards against formula injection', () => {
    expect(records[2][1]).toBe(`'=HYPERLINK("http://evil","klik")`);
    expect(csv.toString('utf8')).toContain(`"'=HYPERLINK(""http://evil"",""klik"")"`);
    for (const bad of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(guardSpreadsheetText(bad)).toBe(`'${bad}`);
    expect(guardSpreadsheetText('Kelurahan')).toBe('Kelurahan');
    expect(guardSpreadsheetText('')).toBe('');
  });

  it('writes English headers for locale en', () => {
    const en: string[][] = parse(programmeReportCsv(sampleReport('en')), { bom: true });
    expect(en[0]).toEqual([
      'Unit code',
      'Unit name',
      'Parent code',
      'Parent',
      'Time zone',
      'Case status',
      'Tasks',
      'Approved',
      'Overdue',
      '% approved',
      'Next due date',
    ]);
    expect(en).toHaveLength(5);
  });

  it('is just a header for a report without units', () => {
    const empty: string[][] = parse(programmeReportCsv({ ...sampleReport(), rows: [] }), { bom: true });
    expect(empty).toHaveLength(1);
  });
});

describe('programme report totals', () => {
  it('sums units, tasks, approvals and overdue tasks, overall and per parent', () => {
    const totals = reportTotals(sampleReport());
    expect(totals).toMatchObject({ units: 4, tasks: 10, approved: 4, overdue: 3, unitsByCaseStatus: { ACTIVE: 3, SIGNED_OFF: 1 } });
    expect(totals.percentApproved).toBeCloseTo(40);
    expect(parentBreakdown(sampleReport())).toEqual([
      { parentCode: '63.72.01', parentName: 'Kecamatan Banjarmasin Selatan', units: 2, tasks: 6, approved: 4, overdue: 1, percentApproved: (4 / 6) * 100 },
      { parentCode: '63.72.02', parentName: 'Kecamatan Banjarmasin Timur', units: 1, tasks: 4, approved: 0, overdue: 2, percentApproved: 0 },
      { parentCode: null, parentName: null, units: 1, tasks: 0, approved: 0, overdue: 0, percentApproved: null },
    ]);
  });
});

describe('programme report XLSX', () => {
  async function load(report: ProgrammeReport): Promise<Workbook> {
    const buffer = await programmeReportXlsx(report);
    expect(buffer.subarray(0, 2).toString('latin1')).toBe('PK'); // a zip
    const workbook = new Workbook();
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    return workbook;
  }
  const rowValues = (sheet: Worksheet, n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
  /** The row whose first cell is `label`, and its second cell's value. */
  const fact = (sheet: Worksheet, label: string) => {
    let found: unknown = undefined;
    sheet.eachRow((row) => {
      if (row.getCell(1).value === label && found === undefined) found = row.getCell(2).value;
    });
    return found;
  };

  let workbook: Workbook;
  beforeAll(async () => {
    workbook = await load(sampleReport());
  });

  it('has the three sheets, in Bahasa Indonesia', () => {
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Ringkasan', 'Unit', 'Tugas']);
  });

  it('has bold, frozen, filtered header rows on the unit sheet', () => {
    const units = workbook.getWorksheet('Unit')!;
    expect(rowValues(units, 1)).toEqual(UNIT_HEADER_ID);
    expect(units.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(units.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(units.autoFilter).toBeTruthy();
    expect(units.getColumn(2).width).toBeGreaterThan(20);
  });

  it('writes one typed row per unit: numbers, a percentage fraction with a % format, a real date', () => {
    const units = workbook.getWorksheet('Unit')!;
    expect(units.rowCount).toBe(5);
    const row = units.getRow(2);
    expect(row.getCell(1).value).toBe('63.72.01.1001');
    expect(row.getCell(7).value).toBe(3);
    expect(row.getCell(8).value).toBe(1);
    expect(row.getCell(9).value).toBe(1);
    expect(row.getCell(10).value).toBeCloseTo(0.33333333);
    expect(row.getCell(10).numFmt).toContain('%');
    const due = row.getCell(11).value;
    expect(due).toBeInstanceOf(Date);
    expect((due as Date).toISOString()).toBe('2026-03-20T00:00:00.000Z');
    // Text that looks like a formula stays text in a typed cell.
    expect(units.getRow(3).getCell(2).value).toBe('=HYPERLINK("http://evil","klik")');
    expect(units.getRow(3).getCell(11).value).toBeNull();
  });

  it('writes one row per unit x task with a real due date and yes/no for overdue', () => {
    const tasks = workbook.getWorksheet('Tugas')!;
    expect(rowValues(tasks, 1)).toEqual(['Kode unit', 'Nama unit', 'Kunci tugas', 'Judul tugas', 'Status tugas', 'Tenggat', 'Terlambat']);
    expect(tasks.getRow(1).font?.bold).toBe(true);
    expect(tasks.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(tasks.rowCount).toBe(4); // header + 3 tasks (only the first unit has tasks)
    const verify = tasks.getRow(3);
    expect(verify.getCell(1).value).toBe('63.72.01.1001');
    expect(verify.getCell(3).value).toBe('verifikasi');
    expect(verify.getCell(5).value).toBe('OPEN');
    expect(verify.getCell(6).value).toBeInstanceOf(Date);
    expect((verify.getCell(6).value as Date).toISOString()).toBe('2026-03-16T00:00:00.000Z');
    expect(verify.getCell(6).numFmt).toBe('yyyy-mm-dd');
    expect(verify.getCell(7).value).toBe('Ya');
    expect(tasks.getRow(2).getCell(7).value).toBe('Tidak');
    expect(tasks.getRow(2).getCell(4).value).toBe('Data awal, "baseline"');
    expect(tasks.getRow(4).getCell(6).value).toBeNull();
  });

  it('sums the programme on the summary sheet, with a breakdown per parent', () => {
    const summary = workbook.getWorksheet('Ringkasan')!;
    expect(fact(summary, 'Program')).toBe('Pendataan Stunting 2026');
    expect(fact(summary, 'Templat')).toBe('stunting-2026');
    expect(fact(summary, 'Versi templat')).toBe(2);
    expect((fact(summary, 'Tanggal mulai') as Date).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect((fact(summary, 'Dibuat pada (UTC)') as Date).toISOString()).toBe('2026-03-17T02:30:00.000Z');
    expect(fact(summary, 'Jumlah unit')).toBe(4);
    expect(fact(summary, 'Jumlah tugas')).toBe(10);
    expect(fact(summary, 'Disetujui')).toBe(4);
    expect(fact(summary, 'Terlambat')).toBe(3);
    expect(fact(summary, '% disetujui')).toBeCloseTo(0.4);
    expect(fact(summary, 'ACTIVE')).toBe(3);

    let headerRow = 0;
    summary.eachRow((row, n) => {
      if (row.getCell(1).value === 'Kode induk') headerRow = n;
    });
    expect(headerRow).toBeGreaterThan(0);
    expect(rowValues(summary, headerRow)).toEqual(['Kode induk', 'Induk', 'Unit', 'Tugas', 'Disetujui', 'Terlambat', '% disetujui']);
    expect(summary.getRow(headerRow).getCell(1).font?.bold).toBe(true);
    const first = summary.getRow(headerRow + 1);
    expect(rowValues(summary, headerRow + 1).slice(0, 6)).toEqual(['63.72.01', 'Kecamatan Banjarmasin Selatan', 2, 6, 4, 1]);
    expect(first.getCell(7).value).toBeCloseTo(4 / 6);
    expect(first.getCell(7).numFmt).toContain('%');
    expect(rowValues(summary, headerRow + 2).slice(0, 6)).toEqual(['63.72.02', 'Kecamatan Banjarmasin Timur', 1, 4, 0, 2]);
    const none = summary.getRow(headerRow + 3);
    expect(none.getCell(1).value).toBe('(tanpa induk)');
    expect(none.getCell(7).value).toBeNull();
  });

  it('is in English for locale en', async () => {
    const en = await load(sampleReport('en'));
    expect(en.worksheets.map((s) => s.name)).toEqual(['Summary', 'Units', 'Tasks']);
    expect(en.getWorksheet('Units')!.getRow(1).getCell(1).value).toBe('Unit code');
    expect(en.getWorksheet('Tasks')!.getRow(3).getCell(7).value).toBe('Yes');
  });

  it('copes with a report without units', async () => {
    const empty = await load({ ...sampleReport(), rows: [] });
    expect(empty.getWorksheet('Unit')!.rowCount).toBe(1);
    expect(empty.getWorksheet('Tugas')!.rowCount).toBe(1);
  });
});
