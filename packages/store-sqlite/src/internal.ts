/*
 * For the other packages of this repository only: the bench's sections and table helpers, which
 * packages/bench extends with the projection rows. Not a public API: it changes without notice.
 */
export * from './bench';
