export * from './env-overrides';
export * from './load-config';
export * from './schemas';
