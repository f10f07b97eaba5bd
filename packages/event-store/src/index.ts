export * from './expected-revision';
export * from './errors';
export * from './port';
