import { flattenUnits, type Wilayah } from './wilayah';

/** The header toUnitsCsv writes: the column names POST /units/import (libs/units-csv) reads. */
export const UNITS_CSV_HEADER = ['code', 'name', 'kind', 'parent_code', 'time_zone'] as const;

/** One CSV cell: quoted (with doubled quotes) when it holds a delimiter, a quote, a line break or edge spaces. */
function cell(value: string): string {
  return /[",;\t\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The reference tree as a unit import file for POST /units/import (Content-Type: text/csv): a header row
 * `code,name,kind,parent_code,time_zone`, then one row per unit, parents first, every column filled except the
 * parent of the province. Comma-separated, LF line ends, UTF-8 (no BOM), ending with a line break. Importing it
 * twice changes nothing the second time.
 */
export function toUnitsCsv(w: Wilayah): string {
  const lines = [UNITS_CSV_HEADER.join(',')];
  for (const u of flattenUnits(w)) {
    lines.push([u.code, u.name, u.kind, u.parentCode ?? '', u.timeZone].map(cell).join(','));
  }
  return `${lines.join('\n')}\n`;
}
