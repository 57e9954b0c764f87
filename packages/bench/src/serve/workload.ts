import { MicroBatcher } from '@mangaassist/serving';

/** Latency percentiles of one series, in milliseconds. */
export interface LatencyStats {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
  readonly min: number;
  /** Requests per second one client reaches back to back (1000 / mean). */
  readonly sequentialPerSecond: number;
}

/**
 * Nearest-rank percentiles of latencies in milliseconds.
 *
 * @example
 * ```ts
 * latencyStats([3, 1, 2]).p50; // 2
 * ```
 */
export function latencyStats(samples: readonly number[]): LatencyStats {
  if (samples.length === 0) throw new RangeError('latencyStats needs at least one sample');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { count: sorted.length, p50: rank(50), p90: rank(90), p99: rank(99), mean, min: sorted[0]!, sequentialPerSecond: 1000 / mean };
}

/** One system under test: classifies one text per call. */
export interface LatencySubject {
  readonly name: string;
  run(): Promise<unknown>;
}

/**
 * Measures single-request latency of several subjects in interleaved rounds (A×n, B×n, A×n, …) so that load from
 * other processes on a shared machine, and its drift over minutes, affects every subject alike, which keeps their
 * ratio meaningful. Each turn starts with `settle` untimed requests (default 3): the previous subject's ONNX Runtime
 * threads keep spinning for a moment after its last request and would slow the first ones.
 *
 * @example
 * ```ts
 * const stats = await interleavedLatency([{ name: 'ours', run: () => c.predict([text]) }], { warmup: 20, rounds: 10, perRound: 30 });
 * ```
 */
export async function interleavedLatency(
  subjects: readonly LatencySubject[],
  options: { readonly warmup: number; readonly rounds: number; readonly perRound: number; readonly settle?: number },
): Promise<Record<string, LatencyStats>> {
  const samples = new Map(subjects.map((s) => [s.name, [] as number[]]));
  for (const subject of subjects) for (let i = 0; i < options.warmup; i++) await subject.run();
  for (let round = 0; round < options.rounds; round++) {
    for (const subject of subjects) {
      for (let i = 0; i < (options.settle ?? 3); i++) await subject.run();
      for (let i = 0; i < options.perRound; i++) {
        const start = performance.now();
        await subject.run();
        samples.get(subject.name)!.push(performance.now() - start);
      }
    }
  }
  return Object.fromEntries(subjects.map((s) => [s.name, latencyStats(samples.get(s.name)!)]));
}

/** What {@link concurrentThroughput} measured. */
export interface ThroughputResult {
  readonly clients: number;
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Latency seen by clients under this load (queueing included). */
  readonly latency: LatencyStats;
  /** Mean texts per inference run (how much the micro-batcher merged). */
  readonly meanBatch: number;
}

/**
 * `clients` closed-loop clients (each sends its next request when the previous one returns) for `seconds`,
 * through a `MicroBatcher` in front of `predict` (with `maxInFlight` batches at once), as the server runs it.
 *
 * @example
 * ```ts
 * const result = await concurrentThroughput((texts) => classifier.predict(texts), text, { clients: 32, seconds: 5 });
 * ```
 */
export async function concurrentThroughput(
  predict: (texts: string[]) => Promise<Float32Array[]>,
  text: string,
  options: { readonly clients: number; readonly seconds: number; readonly maxBatch: number; readonly maxWaitMs: number; readonly maxInFlight?: number },
): Promise<ThroughputResult> {
  let runs = 0;
  let texts = 0;
  const batcher = new MicroBatcher<string, Float32Array>(predict, {
    maxBatch: options.maxBatch,
    maxWaitMs: options.maxWaitMs,
    queueLimit: options.clients * 4,
    maxInFlight: options.maxInFlight ?? 1,
  }, {
    onBatch(size) {
      runs++;
      texts += size;
    },
  });
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const start = performance.now();
      await batcher.submit([text]);
      latencies.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  const seconds = (performance.now() - started) / 1000;
  await batcher.drain();
  return {
    clients: options.clients,
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    latency: latencyStats(latencies),
    meanBatch: runs > 0 ? texts / runs : 0,
  };
}
