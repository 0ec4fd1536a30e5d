export * from './messages';
export * from './mailer';
export * from './account-messages';
