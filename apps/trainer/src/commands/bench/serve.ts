import { availableParallelism } from 'node:os';
import { benchServe, SERVE_GOALS, type BenchServeReport, type LatencyStats, type PrecisionReport, type ServeBenchOptions } from '@mangaassist/bench';
import { MangaAssistError } from '@mangaassist/common';
import type { Command } from 'commander';
import { megabytes } from '@mangaassist/pipelines';
import type { BenchSubcommand } from './bench-subcommand';

export type { BenchServeReport, ConcurrentSetup, PrecisionReport } from '@mangaassist/bench';
export { SERVE_GOALS } from '@mangaassist/bench';

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
}

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new MangaAssistError('INVALID_ARGUMENT', `--${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * The flags of `bench serve`, checked once and turned into the benchmark's typed options.
 *
 * @throws MangaAssistError `INVALID_ARGUMENT` naming the flag whose value is invalid
 *
 * @example
 * ```ts
 * parseServeBenchOptions({ tokens: '24', warmup: '20', rounds: '8', perRound: '25', clients: '32', seconds: '5',
 *   maxBatch: '32', baseline: true, compareFusion: true, isolate: true, hugePages: true, hugePagesPairs: '4' }).tokens; // 24
 * ```
 */
export function parseServeBenchOptions(options: BenchServeCliOptions): ServeBenchOptions {
  const tokens = positiveInt('tokens', options.tokens);
  const threads = options.threads ? positiveInt('threads', options.threads) : availableParallelism();
  const warmup = positiveInt('warmup', options.warmup);
  const rounds = positiveInt('rounds', options.rounds);
  const perRound = positiveInt('per-round', options.perRound);
  const clients = positiveInt('clients', options.clients);
  const seconds = positiveInt('seconds', options.seconds);
  const maxBatch = positiveInt('max-batch', options.maxBatch);
  const hugePagesPairs = Number(options.hugePagesPairs);
  if (!Number.isInteger(hugePagesPairs) || hugePagesPairs < 0) {
    throw new MangaAssistError('INVALID_ARGUMENT', `--huge-pages-pairs must be 0 or a positive integer, got ${JSON.stringify(options.hugePagesPairs)}`);
  }
  return {
    tokens,
    warmup,
    rounds,
    perRound,
    clients,
    seconds,
    maxBatch,
    threads,
    baseline: options.baseline,
    compareFusion: options.compareFusion,
    isolate: options.isolate,
    hugePages: options.hugePages,
    hugePagesPairs,
    // With --json the measuring processes' progress is kept back, as this process's own is.
    childProgress: !options.json,
  };
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
 * (`benchServe` of `@mangaassist/bench`).
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
    .action(async (options: BenchServeCliOptions) => {
      const stderr = (line: string) => process.stderr.write(`${line}\n`);
      const report = await benchServe(parseServeBenchOptions(options), options.json ? () => {} : stderr);
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
