import { Workbook, type Worksheet } from 'exceljs';

/**
 * A programme's follow-up report as files people open in Excel: a CSV (one row per unit) and an XLSX workbook
 * (summary with totals and a per-parent breakdown, one sheet of units, one sheet of unit x task).
 *
 * Pure: the caller gathers the rows (from the read model) and gets bytes back; no I/O, no clock.
 * Labels are in Bahasa Indonesia by default, English for locale 'en'. Status and state codes (ACTIVE, APPROVED, ...)
 * are written as they are, so filters and pivots stay stable across locales.
 */
export type ReportLocale = 'id' | 'en';

export interface ProgrammeReportTask {
  key: string;
  title: string;
  state: string;
  /** Local due date 'YYYY-MM-DD' in the unit's zone; null while it depends on something not yet done. */
  dueDate: string | null;
  overdue: boolean;
}

export interface ProgrammeReportRow {
  unitCode: string;
  unitName: string;
  parentCode: string | null;
  parentName: string | null;
  timeZone: string;
  caseStatus: string;
  tasksTotal: number;
  tasksApproved: number;
  tasksOverdue: number;
  /** 0-100. */
  percentApproved: number;
  /** 'YYYY-MM-DD' or null. */
  nextDueDate: string | null;
  tasks: ProgrammeReportTask[];
}

export interface ProgrammeReport {
  programme: {
    id: string;
    name: string;
    templateKey: string;
    templateVersion: number;
    /** 'YYYY-MM-DD'. */
    startDate: string;
    status: string;
    /** ISO instant, e.g. '2026-03-17T02:00:00.000Z'. */
    generatedAt: string;
  };
  locale: ReportLocale;
  rows: ProgrammeReportRow[];
}

/** One line of the per-parent breakdown (units grouped by their parent unit). */
export interface ParentBreakdown {
  parentCode: string | null;
  parentName: string | null;
  units: number;
  tasks: number;
  approved: number;
  overdue: number;
  /** 0-100, or null when the group has no tasks. */
  percentApproved: number | null;
}

export interface ReportTotals {
  units: number;
  tasks: number;
  approved: number;
  overdue: number;
  /** 0-100, or null when there are no tasks. */
  percentApproved: number | null;
  /** Units per case status, e.g. { ACTIVE: 40, SIGNED_OFF: 2 }. */
  unitsByCaseStatus: Record<string, number>;
}

const LABELS = {
  id: {
    unitCode: 'Kode unit',
    unitName: 'Nama unit',
    parentCode: 'Kode induk',
    parent: 'Induk',
    timeZone: 'Zona waktu',
    caseStatus: 'Status kasus',
    tasksTotal: 'Jumlah tugas',
    approved: 'Disetujui',
    overdue: 'Terlambat',
    percentApproved: '% disetujui',
    nextDueDate: 'Tenggat berikutnya',
    taskKey: 'Kunci tugas',
    taskTitle: 'Judul tugas',
    taskState: 'Status tugas',
    dueDate: 'Tenggat',
    yes: 'Ya',
    no: 'Tidak',
    sheetSummary: 'Ringkasan',
    sheetUnits: 'Unit',
    sheetTasks: 'Tugas',
    reportTitle: 'Laporan program',
    programme: 'Program',
    programmeId: 'ID program',
    template: 'Templat',
    templateVersion: 'Versi templat',
    startDate: 'Tanggal mulai',
    programmeStatus: 'Status program',
    generatedAt: 'Dibuat pada (UTC)',
    totals: 'Total',
    units: 'Jumlah unit',
    unitsByStatus: 'Unit per status kasus',
    byParent: 'Rincian per induk',
    noParent: '(tanpa induk)',
    unitsShort: 'Unit',
    tasksShort: 'Tugas',
  },
  en: {
    unitCode: 'Unit code',
    unitName: 'Unit name',
    parentCode: 'Parent code',
    parent: 'Parent',
    timeZone: 'Time zone',
    caseStatus: 'Case status',
    tasksTotal: 'Tasks',
    approved: 'Approved',
    overdue: 'Overdue',
    percentApproved: '% approved',
    nextDueDate: 'Next due date',
    taskKey: 'Task key',
    taskTitle: 'Task title',
    taskState: 'Task state',
    dueDate: 'Due date',
    yes: 'Yes',
    no: 'No',
    sheetSummary: 'Summary',
    sheetUnits: 'Units',
    sheetTasks: 'Tasks',
    reportTitle: 'Programme report',
    programme: 'Programme',
    programmeId: 'Programme ID',
    template: 'Template',
    templateVersion: 'Template version',
    startDate: 'Start date',
    programmeStatus: 'Programme status',
    generatedAt: 'Generated at (UTC)',
    totals: 'Totals',
    units: 'Units',
    unitsByStatus: 'Units by case status',
    byParent: 'Breakdown by parent',
    noParent: '(no parent)',
    unitsShort: 'Units',
    tasksShort: 'Tasks',
  },
} as const;

type Labels = (typeof LABELS)[ReportLocale];

/** The report's labels for a locale (anything but 'en' is Bahasa Indonesia). */
export function reportLabels(locale: ReportLocale): Labels {
  return locale === 'en' ? LABELS.en : LABELS.id;
}

/** The unit columns shared by the CSV and the XLSX "Unit" sheet, in order. */
function unitHeaders(l: Labels): string[] {
  return [
    l.unitCode,
    l.unitName,
    l.parentCode,
    l.parent,
    l.timeZone,
    l.caseStatus,
    l.tasksTotal,
    l.approved,
    l.overdue,
    l.percentApproved,
    l.nextDueDate,
  ];
}

const percentOf = (part: number, whole: number): number | null => (whole > 0 ? (part / whole) * 100 : null);

/** Totals over every unit of the report. */
export function reportTotals(report: ProgrammeReport): ReportTotals {
  const totals: ReportTotals = { units: 0, tasks: 0, approved: 0, overdue: 0, percentApproved: null, unitsByCaseStatus: {} };
  for (const r of report.rows) {
    totals.units++;
    totals.tasks += r.tasksTotal;
    totals.approved += r.tasksApproved;
    totals.overdue += r.tasksOverdue;
    totals.unitsByCaseStatus[r.caseStatus] = (totals.unitsByCaseStatus[r.caseStatus] ?? 0) + 1;
  }
  totals.percentApproved = percentOf(totals.approved, totals.tasks);
  return totals;
}

/** Units grouped by parent, ordered by parent code (units without a parent last). */
export function parentBreakdown(report: ProgrammeReport): ParentBreakdown[] {
  const groups = new Map<string, ParentBreakdown>();
  for (const r of report.rows) {
    const key = r.parentCode ?? '\u0000none';
    let g = groups.get(key);
    if (!g) {
      g = { parentCode: r.parentCode, parentName: r.parentName, units: 0, tasks: 0, approved: 0, overdue: 0, percentApproved: null };
      groups.set(key, g);
    }
    g.units++;
    g.tasks += r.tasksTotal;
    g.approved += r.tasksApproved;
    g.overdue += r.tasksOverdue;
  }
  const list = [...groups.values()];
  for (const g of list) g.percentApproved = percentOf(g.approved, g.tasks);
  return list.sort((a, b) => {
    if (a.parentCode === b.parentCode) return 0;
    if (a.parentCode === null) return 1;
    if (b.parentCode === null) return -1;
    return a.parentCode < b.parentCode ? -1 : 1;
  });
}

// ---------------------------------------------------------------------------------------------------------- CSV

/** Characters that make a spreadsheet treat a cell as a formula (or hide one): OWASP's CSV-injection list. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell made safe for spreadsheets: a leading formula character gets a leading apostrophe. */
export function guardSpreadsheetText(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A number for the CSV: integers as they are, fractions to one decimal, '.' as the decimal separator. */
function csvNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 10) / 10);
}

const UTF8_BOM = '\uFEFF';

/**
 * The report as CSV: UTF-8 with a BOM (so Excel reads the accents right), CRLF line ends, RFC 4180 quoting,
 * one header row in the report's locale and one row per unit. Text cells are guarded against formula injection.
 */
export function programmeReportCsv(report: ProgrammeReport): Buffer {
  const l = reportLabels(report.locale);
  const text = (v: string | null) => csvField(guardSpreadsheetText(v ?? ''));
  const lines = [unitHeaders(l).map(text).join(',')];
  for (const r of report.rows) {
    lines.push(
      [
        text(r.unitCode),
        text(r.unitName),
        text(r.parentCode),
        text(r.parentName),
        text(r.timeZone),
        text(r.caseStatus),
        csvNumber(r.tasksTotal),
        csvNumber(r.tasksApproved),
        csvNumber(r.tasksOverdue),
        csvNumber(r.percentApproved),
        text(r.nextDueDate),
      ].join(','),
    );
  }
  return Buffer.from(UTF8_BOM + lines.join('\r\n') + '\r\n', 'utf8');
}

// --------------------------------------------------------------------------------------------------------- XLSX

const DATE_FORMAT = 'yyyy-mm-dd';
const DATETIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';
const PERCENT_FORMAT = '0.0%';

/** 'YYYY-MM-DD' as a Date at UTC midnight, which exceljs writes as that calendar day (no zone shift). */
function excelDate(date: string | null): Date | null {
  if (!date) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** A 0-100 percentage as the fraction Excel's % format expects (66.7 -> 0.667). */
const excelPercent = (p: number | null): number | null => (p === null ? null : p / 100);

/** Bold, frozen header row with an autofilter over the table below it. */
function styleTable(sheet: Worksheet, headerRow: number, columns: number, lastRow: number, freeze: boolean): void {
  sheet.getRow(headerRow).font = { bold: true };
  if (freeze) sheet.views = [{ state: 'frozen', xSplit: 0, ySplit: headerRow }];
  sheet.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: Math.max(lastRow, headerRow), column: columns } };
}

function setWidths(sheet: Worksheet, widths: number[]): void {
  widths.forEach((w, i) => (sheet.getColumn(i + 1).width = w));
}

function summarySheet(workbook: Workbook, report: ProgrammeReport, l: Labels): void {
  const sheet = workbook.addWorksheet(l.sheetSummary);
  const p = report.programme;
  setWidths(sheet, [28, 40, 12, 12, 12, 14, 14]);

  sheet.addRow([l.reportTitle]).font = { bold: true, size: 14 };
  const facts: Array<[string, string | number | Date | null, string?]> = [
    [l.programme, p.name],
    [l.programmeId, p.id],
    [l.template, p.templateKey],
    [l.templateVersion, p.templateVersion],
    [l.startDate, excelDate(p.startDate) ?? p.startDate, DATE_FORMAT],
    [l.programmeStatus, p.status],
    [l.generatedAt, Number.isNaN(Date.parse(p.generatedAt)) ? p.generatedAt : new Date(p.generatedAt), DATETIME_FORMAT],
  ];
  for (const [label, value, fmt] of facts) {
    const row = sheet.addRow([label, value]);
    row.getCell(1).font = { bold: true };
    if (fmt && value instanceof Date) row.getCell(2).numFmt = fmt;
    row.getCell(2).alignment = { horizontal: 'left' };
  }

  const totals = reportTotals(report);
  sheet.addRow([]);
  sheet.addRow([l.totals]).font = { bold: true, size: 12 };
  const totalRows: Array<[string, number | null, string?]> = [
    [l.units, totals.units],
    [l.tasksTotal, totals.tasks],
    [l.approved, totals.approved],
    [l.overdue, totals.overdue],
    [l.percentApproved, excelPercent(totals.percentApproved), PERCENT_FORMAT],
  ];
  for (const [label, value, fmt] of totalRows) {
    const row = sheet.addRow([label, value]);
    row.getCell(1).font = { bold: true };
    if (fmt) row.getCell(2).numFmt = fmt;
    row.getCell(2).alignment = { horizontal: 'left' };
  }
  const statuses = Object.keys(totals.unitsByCaseStatus).sort();
  if (statuses.length > 0) {
    sheet.addRow([]);
    sheet.addRow([l.unitsByStatus]).font = { bold: true };
    for (const s of statuses) sheet.addRow([s, totals.unitsByCaseStatus[s]]).getCell(2).alignment = { horizontal: 'left' };
  }

  sheet.addRow([]);
  sheet.addRow([l.byParent]).font = { bold: true, size: 12 };
  const header = sheet.addRow([l.parentCode, l.parent, l.unitsShort, l.tasksShort, l.approved, l.overdue, l.percentApproved]);
  const breakdown = parentBreakdown(report);
  for (const g of breakdown) {
    const row = sheet.addRow([
      g.parentCode ?? l.noParent,
      g.parentName ?? '',
      g.units,
      g.tasks,
      g.approved,
      g.overdue,
      excelPercent(g.percentApproved),
    ]);
    row.getCell(7).numFmt = PERCENT_FORMAT;
  }
  // The facts above the breakdown make a frozen pane useless here; bold header and a filter on the table.
  styleTable(sheet, header.number, 7, header.number + breakdown.length, false);
}

function unitsSheet(workbook: Workbook, report: ProgrammeReport, l: Labels): void {
  const sheet = workbook.addWorksheet(l.sheetUnits);
  sheet.addRow(unitHeaders(l));
  for (const r of report.rows) {
    sheet.addRow([
      r.unitCode,
      r.unitName,
      r.parentCode ?? '',
      r.parentName ?? '',
      r.timeZone,
      r.caseStatus,
      r.tasksTotal,
      r.tasksApproved,
      r.tasksOverdue,
      excelPercent(r.percentApproved),
      excelDate(r.nextDueDate),
    ]);
  }
  sheet.getColumn(10).numFmt = PERCENT_FORMAT;
  sheet.getColumn(11).numFmt = DATE_FORMAT;
  setWidths(sheet, [16, 36, 14, 30, 16, 14, 13, 11, 11, 12, 18]);
  styleTable(sheet, 1, 11, report.rows.length + 1, true);
}

function tasksSheet(workbook: Workbook, report: ProgrammeReport, l: Labels): void {
  const sheet = workbook.addWorksheet(l.sheetTasks);
  sheet.addRow([l.unitCode, l.unitName, l.taskKey, l.taskTitle, l.taskState, l.dueDate, l.overdue]);
  let count = 0;
  for (const r of report.rows) {
    for (const t of r.tasks) {
      sheet.addRow([r.unitCode, r.unitName, t.key, t.title, t.state, excelDate(t.dueDate), t.overdue ? l.yes : l.no]);
      count++;
    }
  }
  sheet.getColumn(6).numFmt = DATE_FORMAT;
  setWidths(sheet, [16, 36, 22, 48, 14, 14, 11]);
  styleTable(sheet, 1, 7, count + 1, true);
}

/**
 * The report as an XLSX workbook: "Ringkasan"/"Summary" (programme facts, totals, breakdown by parent),
 * "Unit"/"Units" (one row per unit, the CSV's columns) and "Tugas"/"Tasks" (one row per unit x task).
 * Dates are real Excel dates, percentages numbers with a % format; header rows bold, frozen and filtered.
 * Cells are typed (text is never written as a formula), so no injection guard is needed here.
 */
export async function programmeReportXlsx(report: ProgrammeReport): Promise<Buffer> {
  const l = reportLabels(report.locale);
  const workbook = new Workbook();
  workbook.creator = 'Kawal';
  const generated = new Date(report.programme.generatedAt);
  if (!Number.isNaN(generated.getTime())) {
    workbook.created = generated;
    workbook.modified = generated;
  }
  summarySheet(workbook, report, l);
  unitsSheet(workbook, report, l);
  tasksSheet(workbook, report, l);
  const out = await workbook.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
