export * from './calendar';
export * from './template';
export * from './case-state';
export * from './case-commands';
export * from './case-clock';
export * from './designation';
export * from './follow-ups';
