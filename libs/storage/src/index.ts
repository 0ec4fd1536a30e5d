export * from './evidence-storage';
export * from './s3-storage';
export * from './factory';
export * from './content-type';
