export { TRAINABLE_SPECS, trainableGroupCount, trainableVariables } from './bench-model';
export type { BenchModel, TrainableSpec } from './bench-model';
export { EncoderWorkload, STAND_IN_SHAPE } from './encoder-workload';
export type { EncoderShape, EncoderWorkloadOptions } from './encoder-workload';
export { DEFAULT_PYTHON, runPytorchBaseline } from './pytorch-baseline';
export type { PytorchBaselineOptions, PytorchBaselineResult } from './pytorch-baseline';
export { measureTrainingEpoch } from './train-benchmark';
export type { BenchOptimizer, TrainBenchmarkOptions, TrainBenchmarkResult } from './train-benchmark';
