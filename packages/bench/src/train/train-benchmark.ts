import { median } from '@mangaassist/common';
import * as tf from '@tensorflow/tfjs-core';
import { AdamWState, applyAdamW } from '@mangaassist/cpu-kernels';
import { trainableVariables, type BenchModel, type TrainableSpec } from './bench-model';

/** How parameters are updated: the fused {@link applyAdamW}, or TensorFlow.js's own `tf.train.adam` (op by op). */
export type BenchOptimizer = 'adamw-fused' | 'tfjs-adam';

/** Options of {@link measureTrainingEpoch}. */
export interface TrainBenchmarkOptions {
  readonly model: BenchModel;
  /** Which variables train (default `full`). */
  readonly trainable?: TrainableSpec;
  /** Examples in one epoch (default 5000). */
  readonly examples?: number;
  /** Default 32. */
  readonly batchSize?: number;
  /** Tokens per example (default 32). */
  readonly sequenceLength?: number;
  /** Steps to time; default the whole epoch. Fewer steps project the epoch from their median. */
  readonly steps?: number;
  /** Untimed steps first (default 2). */
  readonly warmupSteps?: number;
  /** Default `adamw-fused`. */
  readonly optimizer?: BenchOptimizer;
  /** Dropout on (as in real training); default true. */
  readonly training?: boolean;
  /** Default 5e-5. */
  readonly learningRate?: number;
  /** Seeds token ids and labels (default 1). */
  readonly seed?: number;
  /** Called after each timed step, e.g. for progress output. */
  readonly onStep?: (step: number, milliseconds: number) => void;
}

/** What {@link measureTrainingEpoch} measured. */
export interface TrainBenchmarkResult {
  readonly trainable: TrainableSpec;
  readonly trainableParameters: number;
  readonly stepsPerEpoch: number;
  readonly stepsTimed: number;
  readonly stepMsMedian: number;
  readonly secondsPerEpoch: number;
  readonly examplesPerSecond: number;
  /** True when fewer steps than an epoch were timed and the epoch time is median × steps. */
  readonly projected: boolean;
  /** Mean loss of the timed steps (a sanity check that training ran). */
  readonly meanLoss: number;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** Deterministic token ids and labels (xorshift), so runs and frameworks see comparable inputs. */
function* batches(model: BenchModel, examples: number, batchSize: number, length: number, seed: number) {
  let state = (seed * 2654435761) >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const steps = Math.ceil(examples / batchSize);
  for (let step = 0; ; step++) {
    const size = Math.min(batchSize, examples - (step % steps) * batchSize);
    const ids = Int32Array.from({ length: size * length }, (_, i) => (i % length === 0 ? 101 : 1 + Math.floor(next() * (model.vocabSize - 1))));
    const labels = Float32Array.from({ length: size * model.labels }, () => (next() < 0.3 ? 1 : 0));
    yield { size, ids, labels };
  }
}

/**
 * Times fine-tuning steps (forward, gradients, optimizer update) of `model` on random token ids with the shapes of
 * one epoch, on whatever TensorFlow.js backend and kernels are active. Needs gradient functions registered
 * (`registerTfjsGradients()` from the runtime package, or importing `@tensorflow/tfjs`). Every read from the
 * backend is asynchronous, so it runs on WebGPU too (which cannot read synchronously in Node); a step's time
 * includes reading its loss back, which waits for the device to finish the step.
 *
 * @example
 * ```ts
 * const result = await measureTrainingEpoch({ model: new EncoderWorkload(STAND_IN_SHAPE), steps: 10 });
 * console.log(`${result.secondsPerEpoch.toFixed(1)} s/epoch`);
 * ```
 */
export async function measureTrainingEpoch(options: TrainBenchmarkOptions): Promise<TrainBenchmarkResult> {
  if (!tf.getGradient('BatchMatMul')) {
    throw new Error('measureTrainingEpoch: TensorFlow.js gradients are not registered; call registerTfjsGradients() (@mangaassist/runtime-tfjs) or import "@tensorflow/tfjs" first');
  }
  const { model } = options;
  const trainable = options.trainable ?? 'full';
  const examples = positiveInt('examples', options.examples ?? 5000);
  const batchSize = positiveInt('batchSize', options.batchSize ?? 32);
  const length = positiveInt('sequenceLength', options.sequenceLength ?? 32);
  const stepsPerEpoch = Math.ceil(examples / batchSize);
  const stepsTimed = Math.min(stepsPerEpoch, positiveInt('steps', options.steps ?? stepsPerEpoch));
  const warmup = options.warmupSteps ?? 2;
  const variables = trainableVariables(model, trainable);
  const learningRate = options.learningRate ?? 5e-5;
  const training = options.training ?? true;
  const state = new AdamWState();
  const tfjsAdam = options.optimizer === 'tfjs-adam' ? tf.train.adam(learningRate) : undefined;
  const data = batches(model, examples, batchSize, length, options.seed ?? 1);

  const step = async (): Promise<number> => {
    const { size, ids, labels } = data.next().value!;
    const { value, grads } = tf.tidy(() => {
      const idTensor = tf.tensor2d(ids, [size, length], 'int32');
      const mask = tf.ones([size, length], 'int32') as tf.Tensor2D;
      const target = tf.tensor2d(labels, [size, model.labels]);
      return tf.variableGrads(() => tf.losses.sigmoidCrossEntropy(target, model.logits(idTensor, mask, training)) as tf.Scalar, variables);
    });
    try {
      if (tfjsAdam) tfjsAdam.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      else await applyAdamW(variables, grads, state, { learningRate, weightDecay: 0.01 });
      return (await value.data())[0]!;
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  };

  try {
    for (let i = 0; i < warmup; i++) await step();
    const times: number[] = [];
    let lossSum = 0;
    for (let i = 0; i < stepsTimed; i++) {
      const start = performance.now();
      lossSum += await step();
      const elapsed = performance.now() - start;
      times.push(elapsed);
      options.onStep?.(i, elapsed);
    }
    const projected = stepsTimed < stepsPerEpoch;
    const secondsPerEpoch = (projected ? median(times) * stepsPerEpoch : times.reduce((a, b) => a + b, 0)) / 1000;
    return {
      trainable,
      trainableParameters: variables.reduce((n, v) => n + v.size, 0),
      stepsPerEpoch,
      stepsTimed,
      stepMsMedian: median(times),
      secondsPerEpoch,
      examplesPerSecond: examples / secondsPerEpoch,
      projected,
      meanLoss: lossSum / stepsTimed,
    };
  } finally {
    tfjsAdam?.dispose();
  }
}
