// The managed training job: the container contract's layout, hyperparameters, job configuration, metric lines and run.
export * from './hyperparameters';
export * from './job-config';
export * from './job-layout';
export * from './metric-lines';
export * from './run-training-job';
