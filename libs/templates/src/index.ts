export * from './template-schema';
export * from './checksum';
