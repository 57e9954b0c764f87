import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MangaAssistError, sharedAsset } from '@mangaassist/common';
import { DISTILBERT_BASE_DIMS, exportClassifier } from '@mangaassist/export';
import { bertTokenizerJson, DISTILBERT_BASE_CONFIG, syntheticVocab, WordPieceTokenizer, writeRandomClassifierDir } from '@mangaassist/model-format';
import { withHugePages } from '@mangaassist/runtime-onnx';
import { z } from 'zod';
import { compareHugePages, measureProcessLatency, type HugePagesComparison, type ProcessLatency } from './huge-pages';
import { measurePrecision, type PrecisionContext, type PrecisionReport } from './precision';
import { chainDepthFor, classifierMacs, encoderProductWeights } from './roofline';

const LABELS = ['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral'];
const BERT_TOKENIZER = 'models/bert-base-uncased/tokenizer.json';
// Common words that are one WordPiece token each in the bert-base-uncased vocabulary.
const MESSAGE_WORDS = (
  'where is my order i paid for fast shipping two weeks ago and it still has not arrived this is the third time ' +
  'i ask can you please help me right now or i will go somewhere else'
).split(' ');

/** What {@link benchServe} measures, already checked (the CLI turns its flags into this). */
export interface ServeBenchOptions {
  /** Tokens in the message, [CLS] and [SEP] included. */
  readonly tokens: number;
  /** Untimed requests per subject first. */
  readonly warmup: number;
  /** Interleaved rounds. */
  readonly rounds: number;
  /** Timed requests per subject and round. */
  readonly perRound: number;
  /** Concurrent clients for the throughput test. */
  readonly clients: number;
  /** Duration of the throughput test per precision. */
  readonly seconds: number;
  /** Micro-batcher limit in the throughput test. */
  readonly maxBatch: number;
  /** ONNX Runtime intra-op threads. */
  readonly threads: number;
  /** transformers.js's pipeline on the same directories as the baseline. */
  readonly baseline: boolean;
  /** Our classifier on the standard-operator graph beside the fused one. */
  readonly compareFusion: boolean;
  /** Measure each precision in a fresh process, as a server loads one model; false: both in this one. */
  readonly isolate: boolean;
  /** Start the measuring processes with transparent huge pages, as the server's launcher does. */
  readonly hugePages: boolean;
  /** Alternated pairs of fresh processes with and without huge pages per precision (0: no comparison). */
  readonly hugePagesPairs: number;
  /** Let the measuring processes' progress through to this process's stderr; false keeps it back (their last lines still explain a failure). */
  readonly childProgress: boolean;
}

/** The serving benchmark's report (what `bench serve --json` prints). */
export interface BenchServeReport {
  /** `loadAverage`: the 1-minute load average at the end; above the core count, other processes shared the CPU. */
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string; readonly loadAverage: number };
  readonly model: string;
  readonly message: { readonly text: string; readonly tokens: number; readonly tokenizer: string };
  /** Multiply-adds of one classification of the message (see `classifierMacs`). */
  readonly macsPerMessage: number;
  readonly intraOpNumThreads: number;
  readonly fp32: PrecisionReport;
  readonly int8: PrecisionReport;
  /** Our P50 with and without transparent huge pages per precision; null with `hugePagesPairs: 0` or without `isolate`. */
  readonly hugePages: { readonly fp32: HugePagesComparison; readonly int8: HugePagesComparison } | null;
}

const positive = z.number().int().positive();

/** What the parent hands a measuring process (`dist/serve-child.js`), as its one JSON argument. */
const serveChildTaskSchema = z.discriminatedUnion('kind', [
  z.object({
    /** One precision's whole measurement (see `measurePrecision`). */
    kind: z.literal('precision'),
    precision: z.enum(['fp32', 'int8']),
    /** The parent's work folder, holding both exported graphs. */
    work: z.string().min(1),
    message: z.string(),
    options: z.object({
      tokens: positive,
      warmup: positive,
      rounds: positive,
      perRound: positive,
      clients: positive,
      seconds: positive,
      maxBatch: positive,
      threads: positive,
      baseline: z.boolean(),
      compareFusion: z.boolean(),
    }),
  }),
  z.object({
    /** A child of the huge-pages comparison: our classifier's P50 alone, in this process as it was started. */
    kind: z.literal('latency'),
    precision: z.enum(['fp32', 'int8']),
    work: z.string().min(1),
    message: z.string(),
    threads: positive,
    warmup: positive,
    requests: positive,
  }),
]);

/** One task of a measuring process, checked from its JSON argument. */
export type ServeChildTask = z.infer<typeof serveChildTaskSchema>;

/** A message of exactly `tokens` tokens ([CLS] and [SEP] included) for the tokenizer in use. */
function messageOf(tokenizer: WordPieceTokenizer, synthetic: boolean, tokens: number): string {
  const words = synthetic ? Array.from({ length: tokens - 2 }, (_, i) => `w${i + 1000}`) : MESSAGE_WORDS.slice(0, tokens - 2);
  const text = words.join(' ');
  const count = tokenizer.encode(text, { maxLength: 512 }).ids.length;
  if (count !== tokens) {
    throw new MangaAssistError('INVALID_ARGUMENT', `--tokens ${tokens}: the benchmark message has ${count} tokens (at most ${MESSAGE_WORDS.length + 2} supported)`);
  }
  return text;
}

/** The roofline's product chain: DistilBERT-base's feed-forward shape, as many weights as its encoder. */
function rooflineChain(): PrecisionContext['chain'] {
  const { dim, hiddenDim } = DISTILBERT_BASE_DIMS;
  return { inner: dim, cols: hiddenDim, depth: chainDepthFor(encoderProductWeights(DISTILBERT_BASE_DIMS), dim, hiddenDim) };
}

/** Where `benchServe` exports the two graphs under its work folder. */
function exportedDirs(work: string): PrecisionContext['dirs'] {
  return { contrib: join(work, 'onnx'), standard: join(work, 'onnx-standard') };
}

type PrecisionWorkload = Pick<ServeBenchOptions, 'tokens' | 'warmup' | 'rounds' | 'perRound' | 'clients' | 'seconds' | 'maxBatch' | 'threads' | 'baseline' | 'compareFusion'>;

/** One precision's measurement context on the graphs exported under `work`. */
function precisionContext(precision: 'fp32' | 'int8', options: PrecisionWorkload, work: string, message: string): PrecisionContext {
  return {
    precision,
    dirs: exportedDirs(work),
    message,
    tokens: options.tokens,
    macsPerMessage: classifierMacs(DISTILBERT_BASE_DIMS, options.tokens, { hidden: 256, labels: LABELS.length }),
    chain: rooflineChain(),
    threads: options.threads,
    latency: { warmup: options.warmup, rounds: options.rounds, perRound: options.perRound },
    load: { clients: options.clients, seconds: options.seconds, maxBatch: options.maxBatch, maxWaitMs: 1 },
    baseline: options.baseline,
    compareFusion: options.compareFusion,
  };
}

/**
 * This package's measuring-process entry, compiled: `dist/serve-child.js`, the same number of folders up from
 * `src/serve/` and `dist/serve/` (so a run from the sources uses the package's build).
 */
export const SERVE_CHILD_ENTRY = join(__dirname, '..', '..', 'dist', 'serve-child.js');

/**
 * Runs `task` in a fresh Node process (started with or without transparent huge pages) and returns what it printed.
 * In the process that exported both graphs (hundreds of MB of weights allocated and freed) and ran the other
 * precision, the int8 latency measured up to 40% slower, an artefact of that history rather than of the model.
 */
function runChild(task: ServeChildTask, hugePages: boolean, childProgress: boolean): string {
  if (!existsSync(SERVE_CHILD_ENTRY)) {
    throw new MangaAssistError('NOT_FOUND', `${SERVE_CHILD_ENTRY} is missing: build the bench package first (npx tsc -b packages/bench)`);
  }
  // Without progress the child's stderr is kept back, but its last words still explain a failure.
  const child = spawnSync(process.execPath, [SERVE_CHILD_ENTRY, JSON.stringify(task)], {
    stdio: ['ignore', 'pipe', childProgress ? 'inherit' : 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: withHugePages(process.env, hugePages),
  });
  if (child.status !== 0) {
    const tail = typeof child.stderr === 'string' ? `: ${child.stderr.trim().split('\n').slice(-5).join(' | ')}` : '';
    throw new Error(`the ${task.precision} measurement process failed (${child.error?.message ?? `exit ${child.status ?? child.signal}`})${tail}`);
  }
  return child.stdout;
}

/**
 * The measuring process's side: checks the task (its JSON argument) and measures it in this process.
 *
 * @throws MangaAssistError `INVALID_ARGUMENT` naming the field when the argument is not a valid task
 *
 * @example
 * ```ts
 * const report = await runServeChildTask(process.argv[2]!, (line) => process.stderr.write(`${line}\n`));
 * ```
 */
export async function runServeChildTask(argument: string, log: (line: string) => void = () => {}): Promise<PrecisionReport | ProcessLatency> {
  let json: unknown;
  try {
    json = JSON.parse(argument);
  } catch {
    throw new MangaAssistError('INVALID_ARGUMENT', `the measuring process takes one JSON argument, got ${JSON.stringify(argument.slice(0, 80))}`);
  }
  const parsed = serveChildTaskSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MangaAssistError('INVALID_ARGUMENT', `measuring-process task: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const task = parsed.data;
  if (task.kind === 'latency') {
    const { precision, threads, message, requests, warmup } = task;
    return measureProcessLatency(exportedDirs(task.work).contrib, { precision, threads, message, requests, warmup });
  }
  return measurePrecision(precisionContext(task.precision, task.options, task.work, task.message), log);
}

/**
 * Runs the serving benchmark: a DistilBERT-base-shaped classifier with random weights (speed depends on shapes,
 * not values) is exported (float32 and int8), then one message of `tokens` tokens is classified back to back
 * (P50/P99) on the main thread, in a worker thread and by transformers.js's pipeline on the same directory, in
 * interleaved rounds (the P50 goal, and the ratio to transformers.js), and ours alone, one client back to back (the
 * sequential baseline); then by `clients` concurrent clients through the micro-batcher in each inference set-up of
 * the server (main thread, one worker, one single-threaded worker per thread); finally the kernels' peak rate
 * bounds what any implementation could reach (roofline). Each precision is measured in a fresh child process
 * (`isolate`) started with transparent huge pages as the server's launcher does (`hugePages`), and
 * `hugePagesPairs` pairs of short fresh processes with and without them say what they are worth; all on this
 * machine in the same run.
 *
 * @example
 * ```ts
 * const report = await benchServe({ tokens: 24, warmup: 20, rounds: 8, perRound: 25, clients: 32, seconds: 5,
 *   maxBatch: 32, threads: 2, baseline: true, compareFusion: true, isolate: true, hugePages: true, hugePagesPairs: 4,
 *   childProgress: true });
 * console.log(report.int8.ours.p50);
 * ```
 */
export async function benchServe(options: ServeBenchOptions, log: (line: string) => void = () => {}): Promise<BenchServeReport> {
  const { tokens, threads } = options;
  const work = mkdtempSync(join(tmpdir(), 'bench-serve-'));
  try {
    const bertTokenizer = sharedAsset(BERT_TOKENIZER);
    const tokenizerJson = bertTokenizer
      ? (JSON.parse(readFileSync(bertTokenizer, 'utf8')) as Record<string, unknown>)
      : bertTokenizerJson(syntheticVocab(DISTILBERT_BASE_CONFIG.vocab_size));
    const message = messageOf(new WordPieceTokenizer(tokenizerJson), !bertTokenizer, tokens);
    log(`writing a random DistilBERT-base classifier and exporting it (fp32 + int8) under ${work}`);
    writeRandomClassifierDir(join(work, 'model'), {
      config: DISTILBERT_BASE_CONFIG,
      labels: LABELS,
      headHidden: 256,
      tokenizerJson,
    });
    const dirs = exportedDirs(work);
    exportClassifier({ modelDir: join(work, 'model'), outDir: dirs.contrib, quantize: 'int8' });
    if (options.compareFusion || options.baseline) {
      exportClassifier({ modelDir: join(work, 'model'), outDir: dirs.standard, quantize: 'int8', fusion: 'standard' });
    }
    rmSync(join(work, 'model'), { recursive: true, force: true });

    const reports: Record<string, PrecisionReport> = {};
    for (const precision of ['fp32', 'int8'] as const) {
      if (options.isolate) {
        log(`${precision}: measuring in a fresh process`);
        const task: ServeChildTask = { kind: 'precision', precision, work, message, options: precisionWorkload(options) };
        reports[precision] = JSON.parse(runChild(task, options.hugePages, options.childProgress)) as PrecisionReport;
      } else {
        reports[precision] = await measurePrecision(precisionContext(precision, options, work, message), log);
      }
    }
    // As many requests per process as the interleaved rounds time for each subject.
    const requests = options.rounds * options.perRound;
    const compare = (precision: 'fp32' | 'int8') => {
      log(`${precision}: ${options.hugePagesPairs} alternated pairs of fresh processes with and without huge pages`);
      return compareHugePages(options.hugePagesPairs, (on) => {
        const task: ServeChildTask = { kind: 'latency', precision, work, message, threads, warmup: options.warmup, requests };
        return JSON.parse(runChild(task, on, options.childProgress)) as ProcessLatency;
      });
    };
    const hugePages = options.isolate && options.hugePagesPairs > 0 ? { fp32: await compare('fp32'), int8: await compare('int8') } : null;
    return {
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version, loadAverage: loadavg()[0]! },
      model: 'DistilBERT-base shapes (6 layers, dim 768, 12 heads, FFN 3072, vocab 30522), random weights, head 768→256→6',
      message: { text: message, tokens, tokenizer: bertTokenizer ? 'bert-base-uncased' : 'synthetic 30522-token WordPiece' },
      macsPerMessage: classifierMacs(DISTILBERT_BASE_DIMS, tokens, { hidden: 256, labels: LABELS.length }),
      intraOpNumThreads: threads,
      fp32: reports.fp32!,
      int8: reports.int8!,
      hugePages,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The fields of the options that one precision's measurement needs: what a measuring process is handed. */
function precisionWorkload(options: ServeBenchOptions): PrecisionWorkload {
  const { tokens, warmup, rounds, perRound, clients, seconds, maxBatch, threads, baseline, compareFusion } = options;
  return { tokens, warmup, rounds, perRound, clients, seconds, maxBatch, threads, baseline, compareFusion };
}
