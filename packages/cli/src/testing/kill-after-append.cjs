/*
 * Preloaded into the built CLI by tests only (`node --require kill-after-append.cjs main.js …`):
 * the process kills itself with SIGKILL the moment an append to the event store has committed,
 * before it does anything else (project, check completion, print). That is a crash at the worst
 * point for a report, with no hook in the product: this wraps the stores' factories as the CLI
 * loads them. Plain JavaScript, as node loads it without a build.
 */
const { dirname, join } = require('node:path');

const cli = dirname(require.resolve('../../package.json'));
const killAfterAppend = (store) => ({
  ...store,
  append: (...args) => () =>
    store.append(...args)().then((r) => {
      if (r._tag === 'Right') process.kill(process.pid, 'SIGKILL');
      return r;
    }),
});

// The stores' own modules (each package's index re-exports them through getters).
for (const [pkg, factory] of [
  ['@minsheng/store-sqlite', 'createSqliteEventStore'],
  ['@minsheng/store-postgres', 'createPostgresEventStore'],
]) {
  const module = require(join(dirname(require.resolve(pkg, { paths: [cli] })), 'store.js'));
  const create = module[factory];
  module[factory] = (...args) => {
    const store = create(...args);
    return store instanceof Promise ? store.then(killAfterAppend) : killAfterAppend(store);
  };
}
