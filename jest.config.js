// One jest config for the workspace: swc transpiles (type checking is `npm run typecheck`).
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
swcrc.jsc.baseUrl = __dirname;

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleNameMapper: {
    '^@batchyard/test-support$': '<rootDir>/tools/test-support/src/index.ts',
    '^@batchyard/(.*)$': '<rootDir>/libs/$1/src/index.ts',
  },
  testTimeout: 60_000,
};
