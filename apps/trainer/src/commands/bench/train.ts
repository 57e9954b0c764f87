import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_LABELS, MangaAssistError, sharedDir } from '@mangaassist/common';
import { createClassifier, transformerLayerBlocks, type MultiLabelClassifier } from '@mangaassist/core-model';
import {
  EncoderWorkload,
  measureTrainingEpoch,
  nativeKernelsAvailable,
  registerNativeCpuKernels,
  runPytorchBaseline,
  STAND_IN_SHAPE,
  TRAINABLE_SPECS,
  type BenchModel,
  type EncoderShape,
  type PytorchBaselineOptions,
  type TrainableSpec,
} from '@mangaassist/cpu-kernels';
import { selectTfjsBackend, TFJS_BACKEND_REQUESTS, type TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import type { Command } from 'commander';
import type { BenchSubcommand } from './bench-subcommand';

/** The target for one epoch of 5,000 messages on two cores. */
const GOAL_SECONDS_PER_EPOCH = 120;
/** …and its goal against PyTorch on the same machine. */
const GOAL_RATIO = 3;

/** `tools/bench/pytorch_train_step.py`, the same number of folders up from `src/` and `dist/`. */
const PYTORCH_SCRIPT = resolve(__dirname, '..', '..', '..', '..', '..', 'tools', 'bench', 'pytorch_train_step.py');

/** Options of `mangaassist bench train`, as commander parses them. */
export interface TrainBenchCliOptions {
  readonly model?: string;
  readonly synthetic?: boolean;
  readonly examples: string;
  readonly batch: string;
  readonly seq: string;
  readonly steps?: string;
  readonly warmup: string;
  readonly trainable: string;
  readonly allConfigs?: boolean;
  readonly backend: string;
  readonly kernels: string;
  readonly threads?: string;
  readonly pytorch: boolean;
  readonly python?: string;
  readonly json?: boolean;
}

/** One trainable configuration's numbers (snake_case: this is the JSON the command prints). */
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

/** What `bench train --json` prints: the first configuration's numbers at the top level, every one in `configurations`. */
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

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${flag} must be a positive integer, got ${value}`);
  return n;
}

function nonNegativeInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${flag} must be an integer >= 0, got ${value}`);
  return n;
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

async function loadModel(options: TrainBenchCliOptions): Promise<LoadedModel> {
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
 * epoch's shapes, and PyTorch's on the same architecture and shapes in the same run. Exported for tests.
 *
 * @throws RangeError naming the flag whose value is invalid
 *
 * @example
 * ```ts
 * const report = await trainBenchReport({ examples: '5000', batch: '32', seq: '32', warmup: '2', trainable: 'full',
 *   backend: 'cpu', kernels: 'native', pytorch: true });
 * console.log(report.seconds_per_epoch, report.ratio);
 * ```
 */
export async function trainBenchReport(options: TrainBenchCliOptions, log: (line: string) => void = () => {}): Promise<TrainBenchReport> {
  const examples = positiveInt('--examples', options.examples);
  const batchSize = positiveInt('--batch', options.batch);
  const sequenceLength = positiveInt('--seq', options.seq);
  const steps = options.steps === undefined ? undefined : positiveInt('--steps', options.steps);
  const warmupSteps = nonNegativeInt('--warmup', options.warmup);
  const threads = options.threads === undefined ? availableParallelism() : positiveInt('--threads', options.threads);
  if (!TFJS_BACKEND_REQUESTS.includes(options.backend)) {
    throw new RangeError(`--backend must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}; got ${options.backend}`);
  }
  if (options.kernels !== 'native' && options.kernels !== 'js') throw new RangeError(`--kernels must be native or js, got ${options.kernels}`);
  const configs: readonly TrainableSpec[] = options.allConfigs ? TRAINABLE_SPECS : [options.trainable as TrainableSpec];
  if (!TRAINABLE_SPECS.includes(configs[0])) throw new RangeError(`--trainable must be one of ${TRAINABLE_SPECS.join(', ')}; got ${options.trainable}`);
  if (options.model !== undefined && options.synthetic) throw new RangeError('--model and --synthetic exclude each other');

  let registered = 0;
  const selection = await selectTfjsBackend({
    backend: options.backend as TfjsBackendRequest,
    accelerateCpu: () => {
      // `--kernels js` keeps only the linear-time UnsortedSegmentSum: without it one step takes minutes.
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
    for (const trainable of configs) {
      log(`  ${trainable}: TensorFlow.js ${steps ?? 'all'} steps…`);
      const ts = await measureTrainingEpoch({ model: model.bench, trainable, examples, batchSize, sequenceLength, steps, warmupSteps, training: !options.synthetic });
      let pytorchSeconds: number | null = null;
      let pytorchReason: string | undefined = 'skipped (--no-pytorch)';
      if (options.pytorch) {
        log(`  ${trainable}: PyTorch ${steps ?? 'all'} steps…`);
        const torch = runPytorchBaseline({ script: PYTORCH_SCRIPT, ...model.torch, trainable, examples, batchSize, sequenceLength, steps, threads, python: options.python });
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
  const main = results[0];
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
      seconds_per_epoch: GOAL_SECONDS_PER_EPOCH,
      ratio: GOAL_RATIO,
      met: main.ratio === null ? null : main.seconds_per_epoch <= GOAL_SECONDS_PER_EPOCH && main.ratio <= GOAL_RATIO,
    },
    configurations: results,
  };
}

const format = (n: number | null, digits = 1) => (n === null ? '-' : n.toFixed(digits));

function kernelsLine(report: TrainBenchReport): string {
  // The native kernels are registered on the cpu backend only; any other backend computes with its own.
  if (report.backend !== 'cpu') return `${report.backend}'s own (the native CPU kernels serve the cpu backend only)`;
  const { native, blas, threads, reason } = report.kernels;
  return native ? `native (${blas}, ${threads} threads)` : `JavaScript (${reason ?? 'native kernels not requested'})`;
}

/**
 * The text form of a training benchmark.
 *
 * @example
 * ```ts
 * process.stdout.write(formatTrainBench(await trainBenchReport(options)));
 * ```
 */
export function formatTrainBench(report: TrainBenchReport): string {
  const lines = [
    `model:    ${report.model}`,
    `backend:  ${report.backend_selection}`,
    `kernels:  ${kernelsLine(report)}`,
    `epoch:    ${report.examples} examples x ${report.sequence_length} tokens, batch ${report.batch_size} (${report.steps_per_epoch} steps)`,
    '',
    'trainable   params      ms/step  examples/s  s/epoch  PyTorch s/epoch  ratio',
    ...report.configurations.map(
      (c) =>
        `${c.trainable.padEnd(10)}  ${String(c.trainable_parameters).padStart(9)}  ${format(c.step_ms_median).padStart(9)}  ${format(c.examples_per_s).padStart(10)}  ` +
        `${format(c.seconds_per_epoch).padStart(7)}${c.projected ? '*' : ' '} ${format(c.pytorch_seconds_per_epoch).padStart(15)}  ${format(c.ratio, 2).padStart(5)}`,
    ),
  ];
  if (report.configurations.some((c) => c.projected)) lines.push(`* projected from the median of ${report.steps_timed} timed steps`);
  for (const c of report.configurations) if (c.pytorch_reason) lines.push(`PyTorch (${c.trainable}): ${c.pytorch_reason}`);
  if (report.goal.met !== null) {
    lines.push(`goal (<= ${report.goal.seconds_per_epoch} s/epoch and <= ${report.goal.ratio}x PyTorch): ${report.goal.met ? 'met' : 'NOT met'}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `mangaassist bench train`: training throughput of the classifier on the cpu backend (native kernels when built)
 * against PyTorch on the same machine, in one run. Speed claims come from this command, never from tests.
 *
 * @example
 * ```bash
 * npm run cli -- bench train --model ../shared/models/mini-distilbert-mlm --examples 5000 --json
 * npm run cli -- bench train --all-configs --steps 20          # full, head-only and ULMFiT epochs 1-4
 * ```
 */
export const trainBenchCommand: BenchSubcommand = {
  name: 'train',
  register(bench: Command) {
    bench
      .command('train')
      .description('fine-tuning throughput (seconds per epoch) against PyTorch on the same machine')
      .option('--model <dir>', 'pretrained DistilBERT directory (default: ../shared/models/mini-distilbert-mlm)')
      .option('--synthetic', 'random-weight encoder of the stand-in shape written in raw ops (needs no files)')
      .option('--examples <n>', 'examples per epoch', '5000')
      .option('--batch <n>', 'batch size', '32')
      .option('--seq <n>', 'tokens per example', '32')
      .option('--steps <n>', 'timed steps (default: the whole epoch; fewer project the epoch from their median)')
      .option('--warmup <n>', 'untimed steps first', '2')
      .option('--trainable <spec>', `which variables train: ${TRAINABLE_SPECS.join(', ')}`, 'full')
      .option('--all-configs', 'measure every trainable configuration (full, head, ULMFiT epochs 1-4)')
      .option('--backend <name>', `TensorFlow.js backend: ${TFJS_BACKEND_REQUESTS.join(', ')}`, 'auto')
      .option('--kernels <kind>', 'cpu kernels: native (BLAS addon when built) or js', 'native')
      .option('--threads <n>', 'threads for BLAS and PyTorch (default: all cores)')
      .option('--no-pytorch', 'skip the PyTorch baseline')
      .option('--python <path>', 'interpreter with PyTorch (default: /usr/bin/python3)')
      .option('--json', 'print the report as JSON')
      .action(async (options: TrainBenchCliOptions) => {
        const report = await trainBenchReport(options, (line) => process.stderr.write(`${line}\n`));
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatTrainBench(report));
      });
  },
};
