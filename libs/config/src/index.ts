export * from './env.schema';
export * from './config';
export * from './config.module';
export * from './temporal-connection';
export * from './logging';
