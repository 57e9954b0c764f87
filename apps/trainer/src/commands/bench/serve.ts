import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { sharedAsset } from '@mangaassist/common';
import {
  DISTILBERT_BASE_DIMS,
  exportClassifier,
  syntheticVocab,
  wordPieceTokenizerJson,
  writeRandomClassifierDir,
} from '@mangaassist/export';
import { BatchTokenizer, OnnxTextClassifier, OnnxWorkerPool } from '@mangaassist/serving';
import type { Command } from 'commander';
import type { BenchSubcommand } from './bench-subcommand';
import { classifierMacs, measureKernelPeak, rooflineBound, type RooflineBound } from './serve-roofline';
import { concurrentThroughput, interleavedLatency, type LatencyStats, type LatencySubject, type ThroughputResult } from './serve-workload';

const LABELS = ['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral'];
const BERT_TOKENIZER = 'models/bert-base-uncased/tokenizer.json';
// Common words that are one WordPiece token each in the bert-base-uncased vocabulary.
const MESSAGE_WORDS = (
  'where is my order i paid for fast shipping two weeks ago and it still has not arrived this is the third time ' +
  'i ask can you please help me right now or i will go somewhere else'
).split(' ');

/** The issue's goals for this benchmark. */
export const SERVE_GOALS = {
  p50Fp32Ms: 8,
  p50Int8Ms: 4,
  /** Our P50 over transformers.js's P50, same precision. */
  vsTransformersJs: 0.7,
  /** Throughput with concurrent clients over sequential throughput. */
  concurrentOverSequential: 2,
} as const;

/** Options of `bench serve`, as commander parses them. */
export interface BenchServeCliOptions {
  readonly tokens: string;
  readonly warmup: string;
  readonly rounds: string;
  readonly perRound: string;
  readonly clients: string;
  readonly seconds: string;
  readonly maxBatch: string;
  readonly threads?: string;
  readonly baseline: boolean;
  readonly compareFusion: boolean;
  readonly json?: boolean;
}

/** Concurrent clients through one inference set-up of the server. */
export interface ConcurrentSetup {
  /** `main-thread`: the session on the event loop (`serving.workers: 0`); otherwise `workers` worker threads. */
  readonly setup: 'main-thread' | 'workers';
  readonly workers: number;
  readonly intraOpNumThreads: number;
  readonly result: ThroughputResult;
  /** Over the sequential rate of one client on the main-thread session. */
  readonly overSequential: number;
}

/** One precision's results. */
export interface PrecisionReport {
  readonly ours: LatencyStats;
  /** The same session in a worker thread, as the server runs it by default (`serving.workers: 1`). */
  readonly oursWorker: LatencyStats;
  /** Every set-up tried; the goal is judged on the best. */
  readonly concurrentSetups: readonly ConcurrentSetup[];
  readonly concurrent: ThroughputResult;
  readonly concurrentOverSequential: number;
  /** transformers.js's pipeline on the same exported directory (same ONNX file). */
  readonly transformersJs: LatencyStats | null;
  /** transformers.js on the standard-operator graph (what a stock torch.onnx export gives it). */
  readonly transformersJsStandardGraph: LatencyStats | null;
  /** Our classifier on the standard-operator graph (fusion comparison). */
  readonly oursStandardGraph: LatencyStats | null;
  /** What the kernels' measured peak rate allows: latency floor, rate the P50 goal needs, batching ceiling. */
  readonly roofline: RooflineBound;
  readonly goals: Readonly<Record<string, { readonly goal: number; readonly value: number | null; readonly met: boolean | null }>>;
}

/** What `bench serve --json` prints. */
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
}

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`--${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** A message of exactly `tokens` tokens ([CLS] and [SEP] included) for the tokenizer in use. */
function messageOf(tokenizer: BatchTokenizer, synthetic: boolean, tokens: number): string {
  const words = synthetic ? Array.from({ length: tokens - 2 }, (_, i) => `w${i + 1000}`) : MESSAGE_WORDS.slice(0, tokens - 2);
  const text = words.join(' ');
  const count = tokenizer.ids(text).length;
  if (count !== tokens) {
    throw new RangeError(`--tokens ${tokens}: the benchmark message has ${count} tokens (at most ${MESSAGE_WORDS.length + 2} supported)`);
  }
  return text;
}

interface Pipeline {
  (text: string, options: { top_k: null }): Promise<unknown>;
  dispose(): Promise<void>;
}

async function transformersJsPipeline(dir: string, dtype: 'fp32' | 'q8'): Promise<Pipeline | null> {
  let module: typeof import('@huggingface/transformers', { with: { 'resolution-mode': 'import' } });
  try {
    module = await import('@huggingface/transformers');
  } catch {
    return null;
  }
  module.env.allowRemoteModels = false;
  module.env.localModelPath = dirname(dir);
  return (await module.pipeline('text-classification', basename(dir), { dtype })) as unknown as Pipeline;
}

/**
 * Concurrent clients through each inference set-up the server offers: the session on the main thread, one worker
 * with every thread, and (with two or more threads) one single-threaded worker per thread, batches in parallel.
 */
async function concurrentSetupsOf(
  ours: OnnxTextClassifier,
  worker: OnnxWorkerPool,
  context: {
    readonly dir: string;
    readonly precision: 'fp32' | 'int8';
    readonly threads: number;
    readonly message: string;
    readonly load: { readonly clients: number; readonly seconds: number; readonly maxBatch: number; readonly maxWaitMs: number };
    readonly sequential: LatencyStats;
  },
  log: (line: string) => void,
): Promise<ConcurrentSetup[]> {
  const { dir, precision, threads, message, load, sequential } = context;
  const setups: ConcurrentSetup[] = [];
  const measure = async (setup: ConcurrentSetup['setup'], workers: number, intraOpNumThreads: number, predict: (texts: string[]) => Promise<Float32Array[]>) => {
    log(`${precision}: ${load.clients} concurrent clients for ${load.seconds} s, ${setup === 'main-thread' ? 'session on the main thread' : `${workers} worker(s) × ${intraOpNumThreads} thread(s)`}`);
    // Split the clients' batch between the workers, or one batch would take everyone and leave the others idle.
    const result = await concurrentThroughput(predict, message, { ...load, maxBatch: Math.ceil(load.maxBatch / workers), maxInFlight: workers });
    setups.push({ setup, workers, intraOpNumThreads, result, overSequential: result.perSecond / sequential.sequentialPerSecond });
  };
  await measure('main-thread', 1, threads, (texts) => ours.predict(texts));
  await measure('workers', 1, threads, (texts) => worker.predict(texts));
  if (threads >= 2) {
    const pool = await OnnxWorkerPool.load(dir, { precision, workers: threads, intraOpNumThreads: 1 });
    try {
      await measure('workers', threads, 1, (texts) => pool.predict(texts));
    } finally {
      await pool.dispose();
    }
  }
  return setups;
}

function goal(value: number | null, target: number, atMost: boolean) {
  return { goal: target, value, met: value === null ? null : atMost ? value <= target : value >= target };
}

/**
 * Runs the serving benchmark: a DistilBERT-base-shaped classifier with random weights (speed depends on shapes,
 * not values) is exported (float32 and int8), then one message of `tokens` tokens is classified back to back
 * (P50/P99) on the main thread, in a worker thread and by transformers.js's pipeline on the same directory, in
 * interleaved rounds; then by `clients` concurrent clients through the micro-batcher in each inference set-up of
 * the server (main thread, one worker, one single-threaded worker per thread); finally the kernels' peak rate
 * bounds what any implementation could reach (roofline). All in this process on this machine.
 *
 * @example
 * ```ts
 * const report = await benchServe({ tokens: '24', warmup: '20', rounds: '8', perRound: '25', clients: '32',
 *   seconds: '5', maxBatch: '32', baseline: true, compareFusion: true });
 * console.log(report.int8.ours.p50);
 * ```
 */
export async function benchServe(options: BenchServeCliOptions, log: (line: string) => void = () => {}): Promise<BenchServeReport> {
  const tokens = positiveInt('tokens', options.tokens);
  const threads = options.threads ? positiveInt('threads', options.threads) : availableParallelism();
  const latencyOptions = {
    warmup: positiveInt('warmup', options.warmup),
    rounds: positiveInt('rounds', options.rounds),
    perRound: positiveInt('per-round', options.perRound),
  };
  const load = {
    clients: positiveInt('clients', options.clients),
    seconds: positiveInt('seconds', options.seconds),
    maxBatch: positiveInt('max-batch', options.maxBatch),
    maxWaitMs: 1,
  };
  const work = mkdtempSync(join(tmpdir(), 'bench-serve-'));
  try {
    const bertTokenizer = sharedAsset(BERT_TOKENIZER);
    const tokenizerJson = bertTokenizer
      ? (JSON.parse(readFileSync(bertTokenizer, 'utf8')) as Record<string, unknown>)
      : wordPieceTokenizerJson(syntheticVocab(DISTILBERT_BASE_DIMS.vocabSize));
    const message = messageOf(new BatchTokenizer(tokenizerJson, {}, 512), !bertTokenizer, tokens);
    log(`writing a random DistilBERT-base classifier and exporting it (fp32 + int8) under ${work}`);
    writeRandomClassifierDir(join(work, 'model'), {
      dims: DISTILBERT_BASE_DIMS,
      labels: LABELS,
      headHidden: 256,
      head: { hidden: 'pre_classifier', output: 'classifier' },
      tokenizerJson,
    });
    const dirs = { contrib: join(work, 'onnx'), standard: join(work, 'onnx-standard') };
    exportClassifier({ modelDir: join(work, 'model'), outDir: dirs.contrib, quantize: 'int8' });
    if (options.compareFusion || options.baseline) {
      exportClassifier({ modelDir: join(work, 'model'), outDir: dirs.standard, quantize: 'int8', fusion: 'standard' });
    }
    rmSync(join(work, 'model'), { recursive: true, force: true });

    const macsPerMessage = classifierMacs(DISTILBERT_BASE_DIMS, tokens, { hidden: 256, labels: LABELS.length });
    const reports: Record<string, PrecisionReport> = {};
    for (const precision of ['fp32', 'int8'] as const) {
      const disposers: (() => Promise<void>)[] = [];
      try {
        const ours = await OnnxTextClassifier.load(dirs.contrib, { precision, intraOpNumThreads: threads });
        disposers.push(() => ours.dispose());
        const worker = await OnnxWorkerPool.load(dirs.contrib, { precision, workers: 1, intraOpNumThreads: threads });
        disposers.push(() => worker.dispose());
        const subjects: LatencySubject[] = [
          { name: 'ours', run: () => ours.predict([message]) },
          { name: 'oursWorker', run: () => worker.predict([message]) },
        ];
        if (options.compareFusion) {
          const standard = await OnnxTextClassifier.load(dirs.standard, { precision, intraOpNumThreads: threads });
          disposers.push(() => standard.dispose());
          subjects.push({ name: 'oursStandardGraph', run: () => standard.predict([message]) });
        }
        if (options.baseline) {
          const dtype = precision === 'fp32' ? 'fp32' : 'q8';
          for (const [name, dir] of [['transformersJs', dirs.contrib], ['transformersJsStandardGraph', dirs.standard]] as const) {
            const pipe = await transformersJsPipeline(dir, dtype);
            if (!pipe) {
              log('transformers.js baseline skipped: @huggingface/transformers is not installed (npm ci installs it)');
              break;
            }
            disposers.push(() => pipe.dispose());
            subjects.push({ name, run: () => pipe(message, { top_k: null }) });
          }
        }
        log(`${precision}: single-request latency of ${subjects.map((s) => s.name).join(', ')} (interleaved)`);
        const latency = await interleavedLatency(subjects, latencyOptions);
        const oursStats = latency.ours!;
        const concurrentSetups = await concurrentSetupsOf(ours, worker, { dir: dirs.contrib, precision, threads, message, load, sequential: oursStats }, log);
        const best = concurrentSetups.reduce((a, b) => (b.overSequential > a.overSequential ? b : a));
        const concurrent = best.result;
        const ratio = best.overSequential;
        const tjs = latency.transformersJs ?? null;
        const p50GoalMs = precision === 'fp32' ? SERVE_GOALS.p50Fp32Ms : SERVE_GOALS.p50Int8Ms;
        log(`${precision}: peak rate of ONNX Runtime's matrix product on one message's rows and a full micro-batch's (roofline)`);
        const peak = await measureKernelPeak(precision, { threads, rowCounts: [tokens, load.maxBatch * tokens] });
        reports[precision] = {
          ours: oursStats,
          oursWorker: latency.oursWorker!,
          concurrentSetups,
          concurrent,
          concurrentOverSequential: ratio,
          transformersJs: tjs,
          transformersJsStandardGraph: latency.transformersJsStandardGraph ?? null,
          oursStandardGraph: latency.oursStandardGraph ?? null,
          roofline: rooflineBound(macsPerMessage, peak, { p50GoalMs, sequentialPerSecond: oursStats.sequentialPerSecond }),
          goals: {
            p50Ms: goal(oursStats.p50, p50GoalMs, true),
            p50OverTransformersJs: goal(tjs ? oursStats.p50 / tjs.p50 : null, SERVE_GOALS.vsTransformersJs, true),
            concurrentOverSequential: goal(ratio, SERVE_GOALS.concurrentOverSequential, false),
          },
        };
      } finally {
        for (const dispose of disposers.reverse()) await dispose();
      }
    }
    return {
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version, loadAverage: loadavg()[0]! },
      model: 'DistilBERT-base shapes (6 layers, dim 768, 12 heads, FFN 3072, vocab 30522), random weights, head 768→256→6',
      message: { text: message, tokens, tokenizer: bertTokenizer ? 'bert-base-uncased' : 'synthetic 30522-token WordPiece' },
      macsPerMessage,
      intraOpNumThreads: threads,
      fp32: reports.fp32!,
      int8: reports.int8!,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function formatReport(report: BenchServeReport): string {
  const ms = (s: LatencyStats | null) => (s ? `P50 ${s.p50.toFixed(2)} ms  P99 ${s.p99.toFixed(2)} ms` : 'n/a');
  const mark = (g: { met: boolean | null }) => (g.met === null ? 'n/a' : g.met ? 'met' : 'NOT met');
  const lines = [
    `bench serve: ${report.model}`,
    `  message: ${report.message.tokens} tokens (${report.message.tokenizer}), ${(report.macsPerMessage / 1e6).toFixed(0)} M multiply-adds; ${report.machine.cores} cores (${report.machine.cpu}), ` +
      `intra-op threads ${report.intraOpNumThreads}, load average ${report.machine.loadAverage.toFixed(2)}`,
  ];
  for (const precision of ['fp32', 'int8'] as const) {
    const r = report[precision];
    const g = r.goals;
    lines.push(
      `${precision}`,
      `  ours (fused graph)            ${ms(r.ours)}   [goal P50 ≤ ${g.p50Ms!.goal} ms: ${mark(g.p50Ms!)}]`,
      `  ours in a worker thread       ${ms(r.oursWorker)}`,
      `  ours (standard-op graph)      ${ms(r.oursStandardGraph)}`,
      `  transformers.js (same dir)    ${ms(r.transformersJs)}   [ours/theirs ${g.p50OverTransformersJs!.value?.toFixed(2) ?? 'n/a'} ≤ ${SERVE_GOALS.vsTransformersJs}: ${mark(g.p50OverTransformersJs!)}]`,
      `  transformers.js (std graph)   ${ms(r.transformersJsStandardGraph)}`,
      ...r.concurrentSetups.map(
        (c) =>
          `  ${c.result.clients} clients, ${c.setup === 'main-thread' ? 'main thread' : `${c.workers} worker(s) × ${c.intraOpNumThreads} thread(s)`}: ` +
          `${c.result.perSecond.toFixed(1)} req/s vs ${r.ours.sequentialPerSecond.toFixed(1)} sequential = ${c.overSequential.toFixed(2)}x ` +
          `(mean batch ${c.result.meanBatch.toFixed(1)}, client ${ms(c.result.latency)})`,
      ),
      `  best concurrent set-up: ${r.concurrentOverSequential.toFixed(2)}x [goal ≥ ${SERVE_GOALS.concurrentOverSequential}x: ${mark(g.concurrentOverSequential!)}]`,
      `  roofline: peak ${r.roofline.peak.gmacPerSecond.toFixed(0)} GMAC/s on [${r.roofline.peak.rows}×${r.roofline.peak.inner}]·` +
        `[${r.roofline.peak.inner}×${r.roofline.peak.cols}] → floor ${r.roofline.floorMs.toFixed(2)} ms/message; the P50 goal needs ` +
        `${r.roofline.p50GoalNeedsGmacPerSecond.toFixed(0)} GMAC/s; batching can reach at most ${r.roofline.concurrentOverSequentialCeiling.toFixed(2)}x`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Adds `serve` to the `bench` command: `mangaassist bench serve [--json]` measures serving latency and throughput
 * (see {@link benchServe}).
 *
 * @example
 * ```ts
 * const bench = program.command('bench').description('benchmarks');
 * registerBenchServe(bench);
 * ```
 */
export function registerBenchServe(bench: Command): void {
  bench
    .command('serve')
    .description('serving latency (P50/P99 of one message) and throughput, ONNX Runtime fp32/int8 vs transformers.js')
    .option('--tokens <n>', 'tokens in the message, [CLS] and [SEP] included', '24')
    .option('--warmup <n>', 'untimed requests per subject first', '20')
    .option('--rounds <n>', 'interleaved rounds', '8')
    .option('--per-round <n>', 'timed requests per subject and round', '25')
    .option('--clients <n>', 'concurrent clients for the throughput test', '32')
    .option('--seconds <n>', 'duration of the throughput test per precision', '5')
    .option('--max-batch <n>', 'micro-batcher limit in the throughput test', '32')
    .option('--threads <n>', 'ONNX Runtime intra-op threads (default: every core)')
    .option('--no-baseline', 'skip the transformers.js baseline')
    .option('--no-compare-fusion', 'skip the standard-operator graph')
    .option('--json', 'print the report as JSON')
    .action(async (options: BenchServeCliOptions) => {
      const report = await benchServe(options, options.json ? () => {} : (line) => process.stderr.write(`${line}\n`));
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    });
}

/**
 * `bench serve` as listed in `./subcommands.ts`.
 *
 * @example
 * ```bash
 * npm run cli -- bench serve --json
 * ```
 */
export const serveBenchCommand: BenchSubcommand = {
  name: 'serve',
  register(bench: Command) {
    registerBenchServe(bench);
  },
};
