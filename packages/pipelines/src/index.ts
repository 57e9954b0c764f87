// Public API of @mangaassist/pipelines.
export * from './predict-split';
export * from './ablation';
