/*
 * For the other packages of this repository only (the ledger, the CLI, the bench): the ledger
 * index's row mapping and DDL, the reader-thread plumbing, and the runner's throwing steps.
 * Not a public API: it changes without notice. Users import from '@minsheng/projections'.
 */
export * from './read-model/index-rows';
export * from './read-model/row-mapping';
export * from './read-model/sqlite-schema';
export * from './read-model/postgres-schema';
export * from './reader-threads';
export * from './reader-thread-pool';
export { runCatchUp, runRebuild } from './runner';
export { readSnapshot } from './views/snapshot';
