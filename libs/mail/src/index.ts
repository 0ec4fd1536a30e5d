export * from './messages';
export * from './mailer';
