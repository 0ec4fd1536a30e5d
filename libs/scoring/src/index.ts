/**
 * @kawal/scoring: scoring instruments as versioned data (instruments/*.yaml) and pure scoring functions.
 * score.ts and instrument.ts are pure; registry.ts reads files (Node-only, never from workflow code).
 */
export * from './errors';
export * from './instrument';
export * from './score';
export * from './registry';
