export * from './evidence-storage';
export * from './content-type';
