export * from './temporal-binaries';
export * from './log';
export * from './ports';
export * from './wait';
export * from './child';
export * from './temporal';
export * from './postgres';
export * from './mail';
