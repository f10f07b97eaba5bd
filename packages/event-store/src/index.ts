export * from './expected-revision';
export * from './errors';
export * from './port';
export * from './rules';
export * from './stored-row';
export * from './checked-log';
export * from './catch-up';
export { createInMemoryEventStore, type InMemoryEventStoreOptions } from './in-memory';
export * from './store-opener';
