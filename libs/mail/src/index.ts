export * from './messages';
export * from './mailer';
export * from './account-messages';
export * from './delivery-window';
export * from './digest-message';
