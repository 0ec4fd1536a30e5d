export * from './calendar';
export * from './template';
export * from './case-state';
