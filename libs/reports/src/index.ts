export * from './programme-report';
