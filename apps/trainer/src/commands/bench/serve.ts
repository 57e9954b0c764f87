import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MangaAssistError, sharedAsset } from '@mangaassist/common';
import { DISTILBERT_BASE_DIMS, exportClassifier } from '@mangaassist/export';
import { bertTokenizerJson, DISTILBERT_BASE_CONFIG, syntheticVocab, WordPieceTokenizer, writeRandomClassifierDir } from '@mangaassist/model-format';
import { withHugePages } from '@mangaassist/runtime-onnx';
import { Option, type Command } from 'commander';
import { megabytes } from '../megabytes';
import type { BenchSubcommand } from './bench-subcommand';
import { measurePrecision, SERVE_GOALS, type PrecisionContext, type PrecisionReport } from './serve-precision';
import { compareHugePages, measureProcessLatency, type HugePagesComparison, type ProcessLatency } from './serve-huge-pages';
import { chainDepthFor, classifierMacs, encoderProductWeights } from './serve-roofline';
import type { LatencyStats } from './serve-workload';

export { SERVE_GOALS, type ConcurrentSetup, type PrecisionReport } from './serve-precision';

const LABELS = ['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral'];
const BERT_TOKENIZER = 'models/bert-base-uncased/tokenizer.json';
// Common words that are one WordPiece token each in the bert-base-uncased vocabulary.
const MESSAGE_WORDS = (
  'where is my order i paid for fast shipping two weeks ago and it still has not arrived this is the third time ' +
  'i ask can you please help me right now or i will go somewhere else'
).split(' ');

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
  /** Measure each precision in a fresh process (default), as a server loads one model; false: all in this one. */
  readonly isolate: boolean;
  /** Start the measuring processes with transparent huge pages, as the server's launcher does (default true). */
  readonly hugePages: boolean;
  /** Alternated pairs of fresh processes with and without huge pages per precision (0: no comparison). */
  readonly hugePagesPairs: string;
  readonly json?: boolean;
  /** Internal (the per-precision child): measure only this precision on the already exported `exported` folder. */
  readonly onlyPrecision?: string;
  readonly exported?: string;
  readonly message?: string;
  /** Internal (a child of the huge-pages comparison): only our classifier's P50 over this many requests. */
  readonly latencyOnly?: string;
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
  /** Our P50 with and without transparent huge pages per precision; null with `--huge-pages-pairs 0` or `--no-isolate`. */
  readonly hugePages: { readonly fp32: HugePagesComparison; readonly int8: HugePagesComparison } | null;
}

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new MangaAssistError('INVALID_ARGUMENT', `--${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

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

/** The numeric options, checked. */
function workloadOf(options: BenchServeCliOptions) {
  return {
    tokens: positiveInt('tokens', options.tokens),
    threads: options.threads ? positiveInt('threads', options.threads) : availableParallelism(),
    latency: {
      warmup: positiveInt('warmup', options.warmup),
      rounds: positiveInt('rounds', options.rounds),
      perRound: positiveInt('per-round', options.perRound),
    },
    load: {
      clients: positiveInt('clients', options.clients),
      seconds: positiveInt('seconds', options.seconds),
      maxBatch: positiveInt('max-batch', options.maxBatch),
      maxWaitMs: 1,
    },
  };
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

/** The compiled CLI entry, to start a child of it (from sources, the app's build). */
function cliEntry(): string {
  const beside = join(__dirname, '..', '..', 'main.js');
  return existsSync(beside) ? beside : resolve(__dirname, '..', '..', '..', 'dist', 'main.js');
}

/**
 * Measures one precision in a fresh Node process on the exported folder, as a server loads one model: in the
 * process that exported both graphs (hundreds of MB of weights allocated and freed) and ran the other precision,
 * the int8 latency measured up to 40% slower here, an artefact of that history rather than of the model.
 */
function measureInChild(precision: 'fp32' | 'int8', options: BenchServeCliOptions, work: string, message: string, log: (line: string) => void): PrecisionReport {
  log(`${precision}: measuring in a fresh process`);
  return JSON.parse(runChild(precision, options, work, message, [], options.hugePages)) as PrecisionReport;
}

/** Our classifier's P50 over `requests` requests alone in a fresh process started with or without huge pages. */
function latencyInChild(precision: 'fp32' | 'int8', options: BenchServeCliOptions, work: string, message: string, requests: number, hugePages: boolean): ProcessLatency {
  return JSON.parse(runChild(precision, options, work, message, ['--latency-only', String(requests)], hugePages)) as ProcessLatency;
}

/** Runs this CLI's hidden child mode on the exported folder and returns what it printed. */
function runChild(precision: 'fp32' | 'int8', options: BenchServeCliOptions, work: string, message: string, extra: readonly string[], hugePages: boolean): string {
  const args = [
    cliEntry(), 'bench', 'serve', '--only-precision', precision, '--exported', work, '--message', message,
    '--tokens', options.tokens, '--warmup', options.warmup, '--rounds', options.rounds, '--per-round', options.perRound,
    '--clients', options.clients, '--seconds', options.seconds, '--max-batch', options.maxBatch,
    ...(options.threads ? ['--threads', options.threads] : []),
    ...(options.baseline ? [] : ['--no-baseline']),
    ...(options.compareFusion ? [] : ['--no-compare-fusion']),
    ...extra,
  ];
  // With --json the child's progress is kept back, but its last words still explain a failure.
  const child = spawnSync(process.execPath, args, {
    stdio: ['ignore', 'pipe', options.json ? 'pipe' : 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: withHugePages(process.env, hugePages),
  });
  if (child.status !== 0) {
    const tail = typeof child.stderr === 'string' ? `: ${child.stderr.trim().split('\n').slice(-5).join(' | ')}` : '';
    throw new Error(`the ${precision} measurement process failed (${child.error?.message ?? `exit ${child.status ?? child.signal}`})${tail}`);
  }
  return child.stdout;
}

/**
 * The child of an isolated run: one precision measured on the folder the parent exported.
 *
 * @example
 * ```ts
 * const int8 = await benchServePrecision({ ...options, onlyPrecision: 'int8', exported: work, message });
 * ```
 */
export async function benchServePrecision(options: BenchServeCliOptions, log: (line: string) => void = () => {}): Promise<PrecisionReport> {
  const precision = options.onlyPrecision;
  if (precision !== 'fp32' && precision !== 'int8') throw new MangaAssistError('INVALID_ARGUMENT', `--only-precision must be fp32 or int8, got ${JSON.stringify(precision)}`);
  if (!options.exported || options.message === undefined) throw new MangaAssistError('INVALID_ARGUMENT', '--only-precision needs --exported <dir> and --message <text>');
  const { tokens, threads, latency, load } = workloadOf(options);
  const macsPerMessage = classifierMacs(DISTILBERT_BASE_DIMS, tokens, { hidden: 256, labels: LABELS.length });
  return measurePrecision(
    { precision, dirs: exportedDirs(options.exported), message: options.message, tokens, macsPerMessage, chain: rooflineChain(), threads, latency, load, baseline: options.baseline, compareFusion: options.compareFusion },
    log,
  );
}

/** A child of the huge-pages comparison: our classifier's P50 alone, in this process as it was started. */
async function benchServeProcessLatency(options: BenchServeCliOptions): Promise<ProcessLatency> {
  const precision = options.onlyPrecision;
  if ((precision !== 'fp32' && precision !== 'int8') || !options.exported || options.message === undefined) {
    throw new MangaAssistError('INVALID_ARGUMENT', '--latency-only needs --only-precision fp32|int8, --exported <dir> and --message <text>');
  }
  const { threads, latency } = workloadOf(options);
  return measureProcessLatency(exportedDirs(options.exported).contrib, {
    precision,
    threads,
    message: options.message,
    requests: positiveInt('latency-only', options.latencyOnly!),
    warmup: latency.warmup,
  });
}

/**
 * Runs the serving benchmark: a DistilBERT-base-shaped classifier with random weights (speed depends on shapes,
 * not values) is exported (float32 and int8), then one message of `tokens` tokens is classified back to back
 * (P50/P99) on the main thread, in a worker thread and by transformers.js's pipeline on the same directory, in
 * interleaved rounds (the P50 goal, and the ratio to transformers.js), and ours alone, one client back to back (the
 * sequential baseline); then by `clients` concurrent clients through the micro-batcher in each inference set-up of
 * the server (main thread, one worker, one single-threaded worker per thread); finally the kernels' peak rate
 * bounds what any implementation could reach (roofline). Each precision is measured in a fresh child process
 * (`isolate`, the default) started with transparent huge pages as the server's launcher does (`hugePages`), and
 * `hugePagesPairs` pairs of short fresh processes with and without them say what they are worth; all on this
 * machine in the same run.
 *
 * @example
 * ```ts
 * const report = await benchServe({ tokens: '24', warmup: '20', rounds: '8', perRound: '25', clients: '32',
 *   seconds: '5', maxBatch: '32', baseline: true, compareFusion: true, isolate: true });
 * console.log(report.int8.ours.p50);
 * ```
 */
export async function benchServe(options: BenchServeCliOptions, log: (line: string) => void = () => {}): Promise<BenchServeReport> {
  const { tokens, threads, latency: latencyOptions, load } = workloadOf(options);
  const pairs = Number(options.hugePagesPairs);
  if (!Number.isInteger(pairs) || pairs < 0) {
    throw new MangaAssistError('INVALID_ARGUMENT', `--huge-pages-pairs must be 0 or a positive integer, got ${JSON.stringify(options.hugePagesPairs)}`);
  }
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

    const macsPerMessage = classifierMacs(DISTILBERT_BASE_DIMS, tokens, { hidden: 256, labels: LABELS.length });
    const context = { dirs, message, tokens, macsPerMessage, chain: rooflineChain(), threads, latency: latencyOptions, load, baseline: options.baseline, compareFusion: options.compareFusion };
    const reports: Record<string, PrecisionReport> = {};
    for (const precision of ['fp32', 'int8'] as const) {
      reports[precision] = options.isolate
        ? measureInChild(precision, options, work, message, log)
        : await measurePrecision({ ...context, precision }, log);
    }
    // As many requests per process as the interleaved rounds time for each subject.
    const requests = latencyOptions.rounds * latencyOptions.perRound;
    const compare = (precision: 'fp32' | 'int8') => {
      log(`${precision}: ${pairs} alternated pairs of fresh processes with and without huge pages`);
      return compareHugePages(pairs, (on) => latencyInChild(precision, options, work, message, requests, on));
    };
    const hugePages = options.isolate && pairs > 0 ? { fp32: await compare('fp32'), int8: await compare('int8') } : null;
    return {
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version, loadAverage: loadavg()[0]! },
      model: 'DistilBERT-base shapes (6 layers, dim 768, 12 heads, FFN 3072, vocab 30522), random weights, head 768→256→6',
      message: { text: message, tokens, tokenizer: bertTokenizer ? 'bert-base-uncased' : 'synthetic 30522-token WordPiece' },
      macsPerMessage,
      intraOpNumThreads: threads,
      fp32: reports.fp32!,
      int8: reports.int8!,
      hugePages,
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
    const huge = r.hugePageBytes === null ? 'not reported' : megabytes(r.hugePageBytes);
    const pages = report.hugePages?.[precision];
    lines.push(
      `${precision} (memory on transparent huge pages: ${huge})`,
      `  interleaved rounds (each subject in turn, settled first):`,
      `  ours (fused graph)            ${ms(r.ours)}   [goal P50 ≤ ${g.p50Ms!.goal} ms: ${mark(g.p50Ms!)}]`,
      `  ours in a worker thread       ${ms(r.oursWorker)}`,
      `  ours (standard-op graph)      ${ms(r.oursStandardGraph)}`,
      `  transformers.js (same dir)    ${ms(r.transformersJs)}   [ours/theirs ${g.p50OverTransformersJs!.value?.toFixed(2) ?? 'n/a'} ≤ ${SERVE_GOALS.vsTransformersJs}: ${mark(g.p50OverTransformersJs!)}]`,
      `  transformers.js (std graph)   ${ms(r.transformersJsStandardGraph)}`,
      `  ours alone, one client        ${ms(r.sequential.latency)}   (${r.sequential.perSecond.toFixed(1)} req/s: the sequential baseline)`,
      ...(pages
        ? [
            `  huge pages (${pages.pairs} alternated pairs of fresh processes): P50 ${pages.medianWith.toFixed(2)} ms with, ` +
              `${pages.medianWithout.toFixed(2)} ms without (medians; paired ratio ${pages.medianRatio.toFixed(2)})`,
          ]
        : []),
      ...r.concurrentSetups.map(
        (c) =>
          `  ${c.result.clients} clients, ${c.setup === 'main-thread' ? 'main thread' : `${c.workers} worker(s) × ${c.intraOpNumThreads} thread(s)`}: ` +
          `${c.result.perSecond.toFixed(1)} req/s vs ${r.sequential.perSecond.toFixed(1)} sequential = ${c.overSequential.toFixed(2)}x ` +
          `(mean batch ${c.result.meanBatch.toFixed(1)}, client ${ms(c.result.latency)})`,
      ),
      `  best concurrent set-up: ${r.concurrentOverSequential.toFixed(2)}x [goal ≥ ${SERVE_GOALS.concurrentOverSequential}x: ${mark(g.concurrentOverSequential!)}]`,
      `  roofline (products streaming the model's ${megabytes(r.roofline.peak.weightBytes)} of weights): ceiling ${r.roofline.peak.gmacPerSecond.toFixed(0)} GMAC/s ` +
        `(one session ${r.roofline.peak.allThreadsGmacPerSecond.toFixed(0)} at ${r.roofline.peak.rows} rows; one thread ` +
        `${r.roofline.peak.oneThreadGmacPerSecond.toFixed(0)} × ${report.intraOpNumThreads}) → floor ${r.roofline.floorMs.toFixed(2)} ms/message; ` +
        `products alone at ${report.message.tokens} rows: ${r.roofline.messageProductsMs?.toFixed(2) ?? 'n/a'} ms${residentNote(r, report.message.tokens)}; ` +
        `the P50 goal needs ${r.roofline.p50GoalNeedsGmacPerSecond.toFixed(0)} GMAC/s; ` +
        `batching can reach at most ${r.roofline.concurrentOverSequentialCeiling.toFixed(2)}x`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The message-row rate on the model's weights against the same products on weights that stay in the cache. */
function residentNote(r: PrecisionReport, tokens: number): string {
  const streamed = r.roofline.peak.byRows.find((row) => row.rows === tokens)?.allThreads;
  const resident = r.roofline.peak.resident;
  if (streamed === undefined || !resident) return '';
  return ` (${streamed.toFixed(0)} GMAC/s; ${resident.allThreads.toFixed(0)} on ${megabytes(resident.weightBytes)} of weights that stay in cache)`;
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
    .option('--no-isolate', 'measure both precisions in this process instead of one fresh process each')
    .option('--no-huge-pages', 'measuring processes without transparent huge pages (the server launcher turns them on)')
    .option('--huge-pages-pairs <n>', 'alternated pairs of fresh processes with and without huge pages per precision (0: skip)', '4')
    .option('--json', 'print the report as JSON')
    .addOption(new Option('--only-precision <p>').hideHelp())
    .addOption(new Option('--exported <dir>').hideHelp())
    .addOption(new Option('--message <text>').hideHelp())
    .addOption(new Option('--latency-only <n>').hideHelp())
    .action(async (options: BenchServeCliOptions) => {
      const stderr = (line: string) => process.stderr.write(`${line}\n`);
      if (options.latencyOnly !== undefined) {
        process.stdout.write(`${JSON.stringify(await benchServeProcessLatency(options))}\n`);
        return;
      }
      if (options.onlyPrecision !== undefined) {
        // The child of an isolated run: its report goes to the parent as JSON, its progress to stderr.
        process.stdout.write(`${JSON.stringify(await benchServePrecision(options, stderr))}\n`);
        return;
      }
      const report = await benchServe(options, options.json ? () => {} : stderr);
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
