import { basename, dirname } from 'node:path';
import { processHugePageBytes } from '@mangaassist/runtime-onnx';
import { OnnxTextClassifier, OnnxWorkerPool } from '@mangaassist/serving';
import { measureKernelPeak, rooflineBound, type RooflineBound } from './roofline';
import { concurrentThroughput, interleavedLatency, type LatencyStats, type LatencySubject, type ThroughputResult } from './workload';

/** The serving latency targets this benchmark reports against: P50 per precision, against transformers.js, and concurrency gain. */
export const SERVE_GOALS = {
  p50Fp32Ms: 8,
  p50Int8Ms: 4,
  /** Our P50 over transformers.js's P50, same precision. */
  vsTransformersJs: 0.7,
  /** Throughput with concurrent clients over sequential throughput. */
  concurrentOverSequential: 2,
} as const;

/** Concurrent clients through one inference set-up of the server. */
export interface ConcurrentSetup {
  /** `main-thread`: the session on the event loop (`serving.workers: 0`); otherwise `workers` worker threads. */
  readonly setup: 'main-thread' | 'workers';
  readonly workers: number;
  readonly intraOpNumThreads: number;
  readonly result: ThroughputResult;
  /** Over the sequential rate: one client, back to back, on the main-thread session (`PrecisionReport.sequential`). */
  readonly overSequential: number;
}

/** One precision's results. */
export interface PrecisionReport {
  /** Interleaved with the other subjects, each turn settled: what the P50 goal is judged on. */
  readonly ours: LatencyStats;
  /** The same session in a worker thread, as the server runs it by default (`serving.workers: 1`). */
  readonly oursWorker: LatencyStats;
  /** One closed-loop client on the main-thread session, measured alone: the baseline of the concurrency ratios. */
  readonly sequential: ThroughputResult;
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
  /** Memory of the measuring process on transparent huge pages with the models loaded (null: not reported). */
  readonly hugePageBytes: number | null;
  readonly goals: Readonly<Record<string, { readonly goal: number; readonly value: number | null; readonly met: boolean | null }>>;
}

/** What one precision's measurement needs: the exported directories and the workload. */
export interface PrecisionContext {
  readonly precision: 'fp32' | 'int8';
  /** `contrib`: our fused graph; `standard`: the standard-operator graph (for the fusion and baseline comparisons). */
  readonly dirs: { readonly contrib: string; readonly standard: string };
  readonly message: string;
  readonly tokens: number;
  readonly macsPerMessage: number;
  /** The roofline's chain: the model's product shape, deep enough to stream as many weights (`chainDepthFor`). */
  readonly chain: { readonly inner: number; readonly cols: number; readonly depth: number };
  readonly threads: number;
  readonly latency: { readonly warmup: number; readonly rounds: number; readonly perRound: number };
  readonly load: { readonly clients: number; readonly seconds: number; readonly maxBatch: number; readonly maxWaitMs: number };
  readonly baseline: boolean;
  readonly compareFusion: boolean;
}

interface Pipeline {
  (text: string, options: { top_k: null }): Promise<unknown>;
  dispose(): Promise<void>;
}

/**
 * transformers.js's text-classification pipeline on `dir`, with the thread count ours gets. Left to its default, it
 * ran on more cores than a `taskset` slice holds: on 2 of a 16-core machine's cores its fp32 P50 (5.9 ms) was below
 * the two cores' roofline floor (8.8 ms), while its threads competed with our session for the slice.
 */
async function transformersJsPipeline(dir: string, dtype: 'fp32' | 'q8', threads: number): Promise<Pipeline | null> {
  let module: typeof import('@huggingface/transformers', { with: { 'resolution-mode': 'import' } });
  try {
    module = await import('@huggingface/transformers');
  } catch {
    return null;
  }
  module.env.allowRemoteModels = false;
  module.env.localModelPath = dirname(dir);
  return (await module.pipeline('text-classification', basename(dir), {
    dtype,
    session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  })) as unknown as Pipeline;
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
    readonly sequential: ThroughputResult;
  },
  log: (line: string) => void,
): Promise<ConcurrentSetup[]> {
  const { dir, precision, threads, message, load, sequential } = context;
  const setups: ConcurrentSetup[] = [];
  const measure = async (setup: ConcurrentSetup['setup'], workers: number, intraOpNumThreads: number, predict: (texts: string[]) => Promise<Float32Array[]>) => {
    log(`${precision}: ${load.clients} concurrent clients for ${load.seconds} s, ${setup === 'main-thread' ? 'session on the main thread' : `${workers} worker(s) × ${intraOpNumThreads} thread(s)`}`);
    // Split the clients' batch between the workers, or one batch would take everyone and leave the others idle.
    const result = await concurrentThroughput(predict, message, { ...load, maxBatch: Math.ceil(load.maxBatch / workers), maxInFlight: workers });
    setups.push({ setup, workers, intraOpNumThreads, result, overSequential: result.perSecond / sequential.perSecond });
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
 * Measures one precision: single-request latency of our classifier on the main thread and in a worker thread, of
 * the standard-operator graph and of transformers.js (interleaved rounds), concurrent clients through each
 * inference set-up, and the kernels' peak rate (roofline). Best run in a fresh process, as a server would be.
 *
 * @example
 * ```ts
 * const int8 = await measurePrecision({ precision: 'int8', dirs, message, tokens: 24, macsPerMessage, threads: 2,
 *   latency: { warmup: 20, rounds: 8, perRound: 25 }, load: { clients: 32, seconds: 5, maxBatch: 32, maxWaitMs: 1 },
 *   baseline: true, compareFusion: true });
 * ```
 */
export async function measurePrecision(context: PrecisionContext, log: (line: string) => void = () => {}): Promise<PrecisionReport> {
  const { precision, dirs, message, tokens, macsPerMessage, threads, load } = context;
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
    if (context.compareFusion) {
      const standard = await OnnxTextClassifier.load(dirs.standard, { precision, intraOpNumThreads: threads });
      disposers.push(() => standard.dispose());
      subjects.push({ name: 'oursStandardGraph', run: () => standard.predict([message]) });
    }
    if (context.baseline) {
      const dtype = precision === 'fp32' ? 'fp32' : 'q8';
      for (const [name, dir] of [['transformersJs', dirs.contrib], ['transformersJsStandardGraph', dirs.standard]] as const) {
        const pipe = await transformersJsPipeline(dir, dtype, threads);
        if (!pipe) {
          log('transformers.js baseline skipped: @huggingface/transformers is not installed (npm ci installs it)');
          break;
        }
        disposers.push(() => pipe.dispose());
        subjects.push({ name, run: () => pipe(message, { top_k: null }) });
      }
    }
    const hugePageBytes = processHugePageBytes();
    log(`${precision}: single-request latency of ${subjects.map((s) => s.name).join(', ')} (interleaved)`);
    const latency = await interleavedLatency(subjects, context.latency);
    const oursStats = latency.ours!;
    // Measured alone rather than taken from the interleaved latencies, where each switch between sessions costs the
    // first requests of a round (the other sessions' threads still spin) and would flatter the ratios.
    log(`${precision}: one client back to back for ${load.seconds} s (the sequential baseline)`);
    const sequential = await concurrentThroughput((texts) => ours.predict(texts), message, { clients: 1, seconds: load.seconds, maxBatch: 1, maxWaitMs: 0 });
    const concurrentSetups = await concurrentSetupsOf(ours, worker, { dir: dirs.contrib, precision, threads, message, load, sequential }, log);
    const best = concurrentSetups.reduce((a, b) => (b.overSequential > a.overSequential ? b : a));
    const tjs = latency.transformersJs ?? null;
    const p50GoalMs = precision === 'fp32' ? SERVE_GOALS.p50Fp32Ms : SERVE_GOALS.p50Int8Ms;
    log(`${precision}: peak rate of ONNX Runtime's matrix products (roofline)`);
    const peak = await measureKernelPeak(precision, {
      threads,
      rowCounts: [tokens, load.maxBatch * tokens],
      ...context.chain,
      compareResident: true,
    });
    return {
      ours: oursStats,
      oursWorker: latency.oursWorker!,
      sequential,
      concurrentSetups,
      concurrent: best.result,
      concurrentOverSequential: best.overSequential,
      transformersJs: tjs,
      transformersJsStandardGraph: latency.transformersJsStandardGraph ?? null,
      oursStandardGraph: latency.oursStandardGraph ?? null,
      roofline: rooflineBound(macsPerMessage, peak, { p50GoalMs, sequentialPerSecond: sequential.perSecond, tokens }),
      hugePageBytes,
      goals: {
        // Judged on the interleaved rounds: spread over the whole measurement, they weather the machine's drift
        // better than one window of the client alone, and each turn is settled first (see interleavedLatency).
        p50Ms: goal(oursStats.p50, p50GoalMs, true),
        p50OverTransformersJs: goal(tjs ? oursStats.p50 / tjs.p50 : null, SERVE_GOALS.vsTransformersJs, true),
        concurrentOverSequential: goal(best.overSequential, SERVE_GOALS.concurrentOverSequential, false),
      },
    };
  } finally {
    for (const dispose of disposers.reverse()) await dispose();
  }
}
