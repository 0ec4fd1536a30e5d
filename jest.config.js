/** Jest: one config, four tiers under test/ (unit, workflow, integration, e2e). */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  resolver: '<rootDir>/test/support/jest-resolver.js',
  moduleNameMapper: {
    '^@kawal/(contracts|domain|holidays|templates|config|database|mail|storage|links|reports|units-csv|runtime|scoring|reference)$': '<rootDir>/libs/$1/src',
    '^@kawal/activities$': '<rootDir>/activities',
    '^@kawal/workflows$': '<rootDir>/workflows',
  },
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
