import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainableSpec } from './bench-model';
import type { EncoderShape } from './encoder-workload';

/** Debian's interpreter: `apt-get install python3-torch` installs PyTorch for it, not for other Pythons. */
export const DEFAULT_PYTHON = '/usr/bin/python3';

/**
 * This package's `python/pytorch_train_step.py`, the baseline script: the same number of folders up from `src/train/`
 * and `dist/train/`.
 */
export const PYTORCH_TRAIN_STEP_SCRIPT = join(__dirname, '..', '..', 'python', 'pytorch_train_step.py');

/** Options of {@link runPytorchBaseline}. */
export interface PytorchBaselineOptions {
  /** The baseline script (default {@link PYTORCH_TRAIN_STEP_SCRIPT}). */
  readonly script?: string;
  /** Model shape to build (the script builds the same architecture with random weights). */
  readonly shape: EncoderShape;
  readonly trainable: TrainableSpec;
  readonly examples: number;
  readonly batchSize: number;
  readonly sequenceLength: number;
  /** Steps to time (default the whole epoch). */
  readonly steps?: number;
  /** Threads for PyTorch and its BLAS (default: PyTorch's choice). */
  readonly threads?: number;
  /** Width of the head's hidden layer (default: the model dim). */
  readonly headDim?: number;
  /** Transformer layers per unfreezing group, bottom to top, as the TypeScript model groups them (default one per layer). */
  readonly layerBlocks?: readonly (readonly number[])[];
  /** Dropout rates as in the TypeScript run (default 0 everywhere). */
  readonly dropout?: { readonly hidden: number; readonly attention: number; readonly head: number };
  /** Interpreter (default {@link DEFAULT_PYTHON}, else `python3` from PATH). */
  readonly python?: string;
  /** Default 20 minutes. */
  readonly timeoutMs?: number;
}

/** The baseline's measurement, or why there is none. */
export type PytorchBaselineResult =
  | {
      readonly ok: true;
      readonly framework: string;
      readonly threads: number;
      readonly secondsPerEpoch: number;
      readonly stepMsMedian: number;
      readonly projected: boolean;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Runs the PyTorch training baseline in a child process (so it measures on the same machine, in the same run as
 * the TypeScript benchmark) and parses its JSON line. Never throws for a missing PyTorch: the result says why.
 *
 * @example
 * ```ts
 * const torch = runPytorchBaseline({ shape: STAND_IN_SHAPE,
 *   trainable: 'full', examples: 5000, batchSize: 32, sequenceLength: 32, steps: 20 });
 * console.log(torch.ok ? torch.secondsPerEpoch : torch.reason);
 * ```
 */
export function runPytorchBaseline(options: PytorchBaselineOptions): PytorchBaselineResult {
  const script = options.script ?? PYTORCH_TRAIN_STEP_SCRIPT;
  if (!existsSync(script)) return { ok: false, reason: `baseline script ${script} not found` };
  const python = options.python ?? (existsSync(DEFAULT_PYTHON) ? DEFAULT_PYTHON : 'python3');
  const { shape } = options;
  const dropout = options.dropout ?? { hidden: 0, attention: 0, head: 0 };
  const args = [
    script,
    `--vocab-size=${shape.vocabSize}`,
    `--max-positions=${shape.maxPositions}`,
    `--dim=${shape.dim}`,
    `--layers=${shape.layers}`,
    `--heads=${shape.heads}`,
    `--hidden-dim=${shape.hiddenDim}`,
    `--labels=${shape.labels}`,
    `--dropout=${dropout.hidden}`,
    `--attention-dropout=${dropout.attention}`,
    `--head-dropout=${dropout.head}`,
    `--trainable=${options.trainable}`,
    `--examples=${options.examples}`,
    `--batch=${options.batchSize}`,
    `--seq=${options.sequenceLength}`,
    `--steps=${options.steps ?? 0}`,
  ];
  if (options.headDim !== undefined) args.push(`--head-dim=${options.headDim}`);
  if (options.layerBlocks) args.push(`--layer-blocks=${options.layerBlocks.map((b) => b.join(',')).join(';')}`);
  const env = { ...process.env };
  if (options.threads !== undefined) {
    args.push(`--threads=${options.threads}`);
    env.OPENBLAS_NUM_THREADS = String(options.threads);
    env.OMP_NUM_THREADS = String(options.threads);
  }
  const run = spawnSync(python, args, { encoding: 'utf8', env, timeout: options.timeoutMs ?? 20 * 60_000, maxBuffer: 1 << 20 });
  if (run.error) return { ok: false, reason: `${python} could not run: ${run.error.message}` };
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line) as Record<string, unknown>;
  } catch {
    const detail = (run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ');
    return { ok: false, reason: `${python} ${script} exited ${run.status ?? run.signal}: ${detail || 'no output'}` };
  }
  if (typeof parsed.error === 'string') return { ok: false, reason: `${parsed.error} (install it with: apt-get install python3-torch)` };
  return {
    ok: true,
    framework: String(parsed.framework),
    threads: Number(parsed.threads),
    secondsPerEpoch: Number(parsed.seconds_per_epoch),
    stepMsMedian: Number(parsed.step_ms_median),
    projected: Boolean(parsed.projected),
  };
}
