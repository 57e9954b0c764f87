export * from './text-classifier';
