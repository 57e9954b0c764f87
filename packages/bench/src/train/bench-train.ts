import { join, resolve } from 'node:path';
import { DEFAULT_LABELS, MangaAssistError, sharedDir } from '@mangaassist/common';
import { createClassifier, transformerLayerBlocks, type MultiLabelClassifier } from '@mangaassist/core-model';
import { nativeKernelsAvailable, registerNativeCpuKernels } from '@mangaassist/cpu-kernels';
import { selectTfjsBackend, type TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import type { BenchModel, TrainableSpec } from './bench-model';
import { EncoderWorkload, STAND_IN_SHAPE, type EncoderShape } from './encoder-workload';
import { runPytorchBaseline, type PytorchBaselineOptions } from './pytorch-baseline';
import { measureTrainingEpoch } from './train-benchmark';

/** The target for one epoch of 5,000 messages on two cores. */
export const TRAIN_GOAL_SECONDS_PER_EPOCH = 120;
/** …and its goal against PyTorch on the same machine. */
export const TRAIN_GOAL_RATIO = 3;

/** What {@link trainBenchmark} measures, already checked (the CLI turns its flags into this). */
export interface TrainBenchOptions {
  /** Pretrained DistilBERT directory (default: the shared `models/mini-distilbert-mlm`); ignored with `synthetic`. */
  readonly model?: string;
  /** The random-weight encoder of the stand-in shape written in raw ops instead of the real classifier. */
  readonly synthetic: boolean;
  readonly examples: number;
  readonly batchSize: number;
  readonly sequenceLength: number;
  /** Timed steps (default: the whole epoch; fewer project the epoch from their median). */
  readonly steps?: number;
  /** Untimed steps first. */
  readonly warmupSteps: number;
  /** The trainable configurations to measure, in order; the first one's numbers head the report. */
  readonly trainable: readonly [TrainableSpec, ...TrainableSpec[]];
  readonly backend: TfjsBackendRequest;
  /** `native`: the BLAS addon when built; `js`: TensorFlow.js's JavaScript kernels (with the segment-sum fix). */
  readonly kernels: 'native' | 'js';
  /** Threads for BLAS and PyTorch alike. */
  readonly threads: number;
  /** Run the PyTorch baseline on the same architecture and shapes. */
  readonly pytorch: boolean;
  /** Interpreter with PyTorch (default `/usr/bin/python3`). */
  readonly python?: string;
}

/** One trainable configuration's numbers (snake_case: this is the JSON `bench train --json` prints). */
export interface TrainBenchConfiguration {
  readonly trainable: TrainableSpec;
  readonly trainable_parameters: number;
  readonly steps_timed: number;
  readonly projected: boolean;
  readonly step_ms_median: number;
  readonly examples_per_s: number;
  readonly seconds_per_epoch: number;
  readonly pytorch_seconds_per_epoch: number | null;
  readonly pytorch_reason?: string;
  readonly ratio: number | null;
}

/** The training benchmark's report: the first configuration's numbers at the top level, every one in `configurations`. */
export interface TrainBenchReport extends TrainBenchConfiguration {
  readonly backend: string;
  readonly backend_selection: string;
  readonly kernels: { readonly native: boolean; readonly registered: number; readonly blas: string | null; readonly threads: number; readonly reason?: string };
  readonly model: string;
  readonly examples: number;
  readonly batch_size: number;
  readonly sequence_length: number;
  readonly steps_per_epoch: number;
  readonly pytorch_framework: string | null;
  readonly goal: { readonly seconds_per_epoch: number; readonly ratio: number; readonly met: boolean | null };
  readonly configurations: readonly TrainBenchConfiguration[];
}

/** The real classifier, seen through the benchmark's model interface. */
function classifierModel(model: MultiLabelClassifier): BenchModel {
  return {
    vocabSize: model.encoder.config.vocab_size,
    labels: model.labels.length,
    logits: (ids, mask, training) => model.apply(ids, mask, { training }),
    variableGroups: () => Object.values(model.variablesByGroup()),
  };
}

interface LoadedModel {
  readonly bench: BenchModel;
  readonly label: string;
  readonly torch: Pick<PytorchBaselineOptions, 'shape' | 'layerBlocks' | 'headDim' | 'dropout'>;
  dispose(): void;
}

async function loadModel(options: TrainBenchOptions): Promise<LoadedModel> {
  if (options.synthetic) {
    const workload = new EncoderWorkload(STAND_IN_SHAPE);
    return { bench: workload, label: 'synthetic stand-in shape (random weights, no dropout)', torch: { shape: STAND_IN_SHAPE }, dispose: () => workload.dispose() };
  }
  const dir = resolve(options.model ?? join(sharedDir(), 'models', 'mini-distilbert-mlm'));
  const model = await createClassifier(dir, { labels: [...DEFAULT_LABELS], seed: 1 });
  const c = model.encoder.config;
  const shape: EncoderShape = {
    vocabSize: c.vocab_size,
    maxPositions: c.max_position_embeddings,
    dim: c.dim,
    layers: c.n_layers,
    heads: c.n_heads,
    hiddenDim: c.hidden_dim,
    labels: model.labels.length,
    dropout: c.dropout,
  };
  return {
    bench: classifierModel(model),
    label: dir,
    torch: {
      shape,
      layerBlocks: transformerLayerBlocks(c.n_layers),
      headDim: model.head.hiddenDim,
      dropout: { hidden: c.dropout, attention: c.attention_dropout, head: model.head.dropout },
    },
    dispose: () => model.dispose(),
  };
}

/**
 * Measures fine-tuning throughput of the classifier (forward, gradients, AdamW) on random token ids of the
 * epoch's shapes, and PyTorch's on the same architecture and shapes in the same run. Selects the TensorFlow.js
 * backend (registering the native cpu kernels when the cpu backend is chosen) first.
 *
 * @throws MangaAssistError `NOT_FOUND` when the model directory is missing (the message says to pass `--model` or `--synthetic`)
 *
 * @example
 * ```ts
 * const report = await trainBenchmark({ synthetic: false, examples: 5000, batchSize: 32, sequenceLength: 32, warmupSteps: 2,
 *   trainable: ['full'], backend: 'cpu', kernels: 'native', threads: 2, pytorch: true });
 * console.log(report.seconds_per_epoch, report.ratio);
 * ```
 */
export async function trainBenchmark(options: TrainBenchOptions, log: (line: string) => void = () => {}): Promise<TrainBenchReport> {
  const { examples, batchSize, sequenceLength, steps, warmupSteps, threads } = options;
  let registered = 0;
  const selection = await selectTfjsBackend({
    backend: options.backend,
    accelerateCpu: () => {
      // `kernels: 'js'` keeps only the linear-time UnsortedSegmentSum: without it one step takes minutes.
      registered = registerNativeCpuKernels({ native: options.kernels === 'native', threads }).registered.length;
    },
  });
  const native = nativeKernelsAvailable();
  const model = await loadModel(options).catch((error: unknown) => {
    if (error instanceof MangaAssistError && error.code === 'NOT_FOUND') {
      throw new MangaAssistError('NOT_FOUND', `${error.message} (pass --model <dir> or --synthetic)`, error.details ?? {});
    }
    throw error;
  });
  log(`bench train: ${model.label} on ${selection.message}`);
  const results: TrainBenchConfiguration[] = [];
  let framework: string | null = null;
  try {
    for (const trainable of options.trainable) {
      log(`  ${trainable}: TensorFlow.js ${steps ?? 'all'} steps…`);
      const ts = await measureTrainingEpoch({ model: model.bench, trainable, examples, batchSize, sequenceLength, steps, warmupSteps, training: !options.synthetic });
      let pytorchSeconds: number | null = null;
      let pytorchReason: string | undefined = 'skipped (--no-pytorch)';
      if (options.pytorch) {
        log(`  ${trainable}: PyTorch ${steps ?? 'all'} steps…`);
        const torch = runPytorchBaseline({ ...model.torch, trainable, examples, batchSize, sequenceLength, steps, threads, python: options.python });
        if (torch.ok) {
          pytorchSeconds = torch.secondsPerEpoch;
          pytorchReason = undefined;
          framework = torch.framework;
        } else {
          pytorchReason = torch.reason;
        }
      }
      results.push({
        trainable,
        trainable_parameters: ts.trainableParameters,
        steps_timed: ts.stepsTimed,
        projected: ts.projected,
        step_ms_median: ts.stepMsMedian,
        examples_per_s: ts.examplesPerSecond,
        seconds_per_epoch: ts.secondsPerEpoch,
        pytorch_seconds_per_epoch: pytorchSeconds,
        ...(pytorchReason ? { pytorch_reason: pytorchReason } : {}),
        ratio: pytorchSeconds ? ts.secondsPerEpoch / pytorchSeconds : null,
      });
    }
  } finally {
    model.dispose();
  }
  const main = results[0]!;
  return {
    backend: selection.name,
    backend_selection: selection.message,
    ...main,
    kernels: {
      native: native.available && options.kernels === 'native' && selection.name === 'cpu',
      registered,
      blas: native.blas ? `OpenBLAS ${native.blas.corename}` : null,
      threads,
      ...(native.available ? {} : { reason: native.reason }),
    },
    model: model.label,
    examples,
    batch_size: batchSize,
    sequence_length: sequenceLength,
    steps_per_epoch: Math.ceil(examples / batchSize),
    pytorch_framework: framework,
    goal: {
      seconds_per_epoch: TRAIN_GOAL_SECONDS_PER_EPOCH,
      ratio: TRAIN_GOAL_RATIO,
      met: main.ratio === null ? null : main.seconds_per_epoch <= TRAIN_GOAL_SECONDS_PER_EPOCH && main.ratio <= TRAIN_GOAL_RATIO,
    },
    configurations: results,
  };
}

