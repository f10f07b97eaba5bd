// One jest run covers every package. Tests import workspace packages from source
// (moduleNameMapper), so `jest` alone needs no build; the CLI's e2e tests run the
// built CLI, which `pnpm test` builds first with `tsc -b`.
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] };
const moduleNameMapper = {
  '^@minsheng/([a-z-]+)/testing$': '<rootDir>/packages/$1/src/testing/index.ts',
  '^@minsheng/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
};
const project = (displayName, pattern) => ({
  displayName,
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  testMatch: [`<rootDir>/packages/**/src/**/*.${pattern}.test.ts`, `<rootDir>/examples/**/*.${pattern}.test.ts`],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
});
module.exports = {
  projects: [project('unit', 'unit'), project('int', 'int'), project('e2e', 'e2e')],
  testTimeout: 60000,
};
