export * from './read-model-contract';
export * from './stop-after';
export * from './projection-spec';
