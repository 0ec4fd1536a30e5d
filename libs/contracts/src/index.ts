export * from './ids';
export * from './case.contract';
export * from './programme.contract';
export * from './activities.contract';
