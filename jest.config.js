// One jest run covers every package. Tests import workspace packages from source
// (moduleNameMapper), so `jest` alone needs no build; the CLI's e2e tests run the
// built CLI, which `pnpm test` builds first with `tsc -b`.
const ESM_ONLY_JS = '/node_modules/\\.pnpm/cookie@[^/]+/node_modules/cookie/.+\\.js$';
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
  // cookie 2 ships only ES modules, and fastify's inject (light-my-request) require()s it:
  // Node 20.19+ loads that natively, jest's module runtime does not, so jest compiles it.
  [ESM_ONLY_JS]: ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
};
const moduleNameMapper = {
  '^@minsheng/([a-z-]+)/testing$': '<rootDir>/packages/$1/src/testing/index.ts',
  '^@minsheng/([a-z-]+)/internal$': '<rootDir>/packages/$1/src/internal.ts',
  '^@minsheng/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
};
const project = (displayName, pattern) => ({
  displayName,
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  testMatch: [`<rootDir>/packages/**/src/**/*.${pattern}.test.ts`, `<rootDir>/examples/**/*.${pattern}.test.ts`],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transformIgnorePatterns: ['^(?!.*/node_modules/\\.pnpm/cookie@).*/node_modules/'],
});
module.exports = {
  projects: [project('unit', 'unit'), project('int', 'int'), project('e2e', 'e2e')],
  testTimeout: 60000,
};
