export * from './unit-csv';
