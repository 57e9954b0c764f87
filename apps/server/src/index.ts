export * from './app';
export * from './app-context';
export * from './container';
export * from './logger';
export * from './openapi';
export * from './shutdown';
export * from './start-server';
export * from './tokens';
