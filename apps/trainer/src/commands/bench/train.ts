import { availableParallelism } from 'node:os';
import { trainBenchmark, TRAINABLE_SPECS, type TrainableSpec, type TrainBenchOptions, type TrainBenchReport } from '@mangaassist/bench';
import { TFJS_BACKEND_REQUESTS, type TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import type { Command } from 'commander';
import type { BenchSubcommand } from './bench-subcommand';

export type { TrainBenchConfiguration, TrainBenchReport } from '@mangaassist/bench';

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

/**
 * The flags of `bench train`, checked once and turned into the benchmark's typed options.
 *
 * @throws RangeError naming the flag whose value is invalid
 *
 * @example
 * ```ts
 * parseTrainBenchOptions({ examples: '5000', batch: '32', seq: '32', warmup: '2', trainable: 'full', backend: 'cpu',
 *   kernels: 'native', pytorch: true }).batchSize; // 32
 * ```
 */
export function parseTrainBenchOptions(options: TrainBenchCliOptions): TrainBenchOptions {
  const examples = positiveInt('--examples', options.examples);
  const batchSize = positiveInt('--batch', options.batch);
  const sequenceLength = positiveInt('--seq', options.seq);
  const steps = options.steps === undefined ? undefined : positiveInt('--steps', options.steps);
  const warmupSteps = nonNegativeInt('--warmup', options.warmup);
  const threads = options.threads === undefined ? availableParallelism() : positiveInt('--threads', options.threads);
  if (!TFJS_BACKEND_REQUESTS.includes(options.backend)) {
    throw new RangeError(`--backend must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}; got ${options.backend}`);
  }
  const kernels = options.kernels;
  if (kernels !== 'native' && kernels !== 'js') throw new RangeError(`--kernels must be native or js, got ${kernels}`);
  const first = options.trainable as TrainableSpec;
  if (!options.allConfigs && !TRAINABLE_SPECS.includes(first)) {
    throw new RangeError(`--trainable must be one of ${TRAINABLE_SPECS.join(', ')}; got ${options.trainable}`);
  }
  const [head, ...rest] = TRAINABLE_SPECS;
  const trainable: TrainBenchOptions['trainable'] = options.allConfigs ? [head!, ...rest] : [first];
  if (options.model !== undefined && options.synthetic) throw new RangeError('--model and --synthetic exclude each other');
  return {
    model: options.model,
    synthetic: options.synthetic ?? false,
    examples,
    batchSize,
    sequenceLength,
    steps,
    warmupSteps,
    trainable,
    backend: options.backend as TfjsBackendRequest,
    kernels,
    threads,
    pytorch: options.pytorch,
    python: options.python,
  };
}

/**
 * `bench train` from its flags: checks them ({@link parseTrainBenchOptions}) and runs the training benchmark of
 * `@mangaassist/bench`.
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
  return trainBenchmark(parseTrainBenchOptions(options), log);
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
