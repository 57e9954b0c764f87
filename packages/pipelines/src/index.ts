// Public API of @mangaassist/pipelines.
export * from './predict-split';
export * from './calibrate-model';
export * from './evaluate-model';
export * from './ablation';
export * from './handwritten-scores';
export * from './quickstart';
export * from './tfidf-baseline';
export * from './training-job';
export * from './megabytes';
export * from './tfjs-backend';
