export * from './read-model-contract';
