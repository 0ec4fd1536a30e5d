export * from './template-schema';
