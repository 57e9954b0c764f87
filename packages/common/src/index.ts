export * from './bert-tokenizer-json';
export * from './config';
export * from './errors';
export * from './plugin-registry';
export * from './prng';
export * from './safetensors';
export * from './shared-assets';
export * from './zod-issues';
