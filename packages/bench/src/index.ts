// Public API of @mangaassist/bench: the workspace's benchmarks (private, never published). The CLI's `bench train`
// and `bench serve` parse their flags into the typed options below and print the reports; the scripts under
// `src/scripts/` (built to `dist/scripts/`) are run with node directly.

// Training: one epoch of the classifier (or the raw-op stand-in) against PyTorch on the same shapes.
export { TRAINABLE_SPECS, trainableGroupCount, trainableVariables } from './train/bench-model';
export type { BenchModel, TrainableSpec } from './train/bench-model';
export { EncoderWorkload, STAND_IN_SHAPE } from './train/encoder-workload';
export type { EncoderShape, EncoderWorkloadOptions } from './train/encoder-workload';
export { DEFAULT_PYTHON, PYTORCH_TRAIN_STEP_SCRIPT, runPytorchBaseline } from './train/pytorch-baseline';
export type { PytorchBaselineOptions, PytorchBaselineResult } from './train/pytorch-baseline';
export { measureTrainingEpoch } from './train/train-benchmark';
export type { BenchOptimizer, TrainBenchmarkOptions, TrainBenchmarkResult } from './train/train-benchmark';
export { TRAIN_GOAL_RATIO, TRAIN_GOAL_SECONDS_PER_EPOCH, trainBenchmark } from './train/bench-train';
export type { TrainBenchConfiguration, TrainBenchOptions, TrainBenchReport } from './train/bench-train';

// Serving: latency and throughput of the exported classifier, transformers.js as the baseline, the roofline.
export { benchServe, runServeChildTask, SERVE_CHILD_ENTRY } from './serve/serve';
export type { BenchServeReport, ServeBenchOptions, ServeChildTask } from './serve/serve';
export { measurePrecision, SERVE_GOALS } from './serve/precision';
export type { ConcurrentSetup, PrecisionContext, PrecisionReport } from './serve/precision';
export { compareHugePages, measureProcessLatency } from './serve/huge-pages';
export type { HugePagesComparison, ProcessLatency } from './serve/huge-pages';
export { chainDepthFor, classifierMacs, encoderProductWeights, measureKernelPeak, rooflineBound } from './serve/roofline';
export type { KernelPeak, RooflineBound, RowRate } from './serve/roofline';
export { concurrentThroughput, interleavedLatency, latencyStats } from './serve/workload';
export type { LatencyStats, LatencySubject, ThroughputResult } from './serve/workload';
