import { median } from '@mangaassist/common';
import { processHugePageBytes } from '@mangaassist/runtime-onnx';
import { OnnxTextClassifier } from '@mangaassist/serving';
import { interleavedLatency } from './workload';

/** One short latency measurement in a fresh process: what the child prints. */
export interface ProcessLatency {
  readonly p50: number;
  /** The process's memory on transparent huge pages with the model loaded (null: not reported). */
  readonly hugePageBytes: number | null;
}

/** Our classifier's P50 with and without transparent huge pages, from alternated fresh processes. */
export interface HugePagesComparison {
  readonly pairs: number;
  /** P50 of each process, in the order measured within each pair. */
  readonly withHugePages: readonly number[];
  readonly without: readonly number[];
  readonly medianWith: number;
  readonly medianWithout: number;
  /** Median over the pairs of (P50 with) / (P50 without): below 1, huge pages help. */
  readonly medianRatio: number;
  /** Memory on huge pages in the first process started with them. */
  readonly hugePageBytes: number | null;
}

/**
 * Alternates `pairs` pairs of fresh processes, one started with huge pages and one without (the order flips every
 * pair, so that a drift of the machine's speed within a pair weighs on both sides alike), and compares their P50s.
 * The pairing is what makes the comparison hold on a machine whose speed drifts by tens of percent over minutes.
 *
 * @example
 * ```ts
 * const result = await compareHugePages(4, (hugePages) => measureLatencyInChild('int8', hugePages));
 * console.log(result.medianRatio); // e.g. 0.94
 * ```
 */
export async function compareHugePages(
  pairs: number,
  measure: (hugePages: boolean) => ProcessLatency | Promise<ProcessLatency>,
): Promise<HugePagesComparison> {
  if (!Number.isInteger(pairs) || pairs < 1) throw new RangeError(`pairs must be a positive integer, got ${pairs}`);
  const withHugePages: number[] = [];
  const without: number[] = [];
  const ratios: number[] = [];
  let hugePageBytes: number | null = null;
  for (let pair = 0; pair < pairs; pair++) {
    const order = pair % 2 === 0 ? [true, false] : [false, true];
    const p50 = new Map<boolean, number>();
    for (const hugePages of order) {
      const result = await measure(hugePages);
      p50.set(hugePages, result.p50);
      if (hugePages && pair === 0) hugePageBytes = result.hugePageBytes;
    }
    withHugePages.push(p50.get(true)!);
    without.push(p50.get(false)!);
    ratios.push(p50.get(true)! / p50.get(false)!);
  }
  return {
    pairs,
    withHugePages,
    without,
    medianWith: median(withHugePages),
    medianWithout: median(without),
    medianRatio: median(ratios),
    hugePageBytes,
  };
}

/**
 * The child's side: loads our classifier on `dir` in this process, classifies `message` `requests` times after a
 * warm-up, and reports the P50 with this process's huge-page memory.
 */
export async function measureProcessLatency(
  dir: string,
  options: { readonly precision: 'fp32' | 'int8'; readonly threads: number; readonly message: string; readonly requests: number; readonly warmup: number },
): Promise<ProcessLatency> {
  const classifier = await OnnxTextClassifier.load(dir, { precision: options.precision, intraOpNumThreads: options.threads });
  try {
    const subject = { name: 'ours', run: () => classifier.predict([options.message]) };
    const { ours } = await interleavedLatency([subject], { warmup: options.warmup, rounds: 1, perRound: options.requests, settle: 0 });
    return { p50: ours!.p50, hugePageBytes: processHugePageBytes() };
  } finally {
    await classifier.dispose();
  }
}
