export * from './read-model-contract';
export * from './stop-after';
