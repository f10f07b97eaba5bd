/** The bench's sections and table helpers, for the workspace bench that adds the projection rows. */
export * from './table';
export { runBench, sections } from './run';
