export * from './merkle';
export * from './tree';
export * from './canonical';
export * from './entry';
export * from './keys';
export * from './checkpoint';
export * from './log';
export * from './proof';
