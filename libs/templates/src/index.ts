export * from './template-schema';
export * from './checksum';
export * from './template-scoring';
