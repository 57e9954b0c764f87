export * from './config';
export * from './errors';
export * from './median';
export * from './plugin-registry';
export * from './prng';
export * from './shared-assets';
export * from './wide-head';
export * from './zod-issues';
