/** Jest: one config, four tiers under test/ (unit, workflow, integration, e2e). */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true }] },
  moduleNameMapper: {
    '^@kawal/(contracts|domain|config|database|mail|storage|runtime)$': '<rootDir>/libs/$1/src',
    '^@kawal/activities$': '<rootDir>/activities',
    '^@kawal/workflows$': '<rootDir>/workflows',
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
