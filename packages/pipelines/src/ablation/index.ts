// The ablation: configuration, rows, one training run per row, evaluation, baseline, report.
export * from './ablation-baseline';
export * from './ablation-config';
export * from './ablation-evaluate';
export * from './ablation-handwritten';
export * from './ablation-keep-best';
export * from './ablation-report';
export * from './ablation-rows';
export * from './ablation-runner';
export * from './ablation-row-file';
export * from './ablation-indexed-job';
