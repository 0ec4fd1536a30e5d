/**
 * Reference data (reference/ at the repository root): the Kemendagri territorial units of a region, with their
 * source, loaded and validated; flattened for storage; and exported as a unit import CSV for POST /units/import.
 */
export {
  DEFAULT_WILAYAH,
  WILAYAH_KINDS,
  WilayahError,
  findUnit,
  flattenUnits,
  listReferenceDatasets,
  loadWilayah,
  parseWilayah,
  wilayahDir,
  type FlatUnit,
  type Wilayah,
  type WilayahKind,
  type WilayahRule,
  type WilayahSource,
  type WilayahUnit,
} from './wilayah';
export { UNITS_CSV_HEADER, toUnitsCsv } from './units-csv-export';
