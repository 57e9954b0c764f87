import { createRng } from '@mangaassist/common';
import { encodeModel, MICROSOFT_DOMAIN, OnnxGraphBuilder, quantizeColumns, type DistilBertDims } from '@mangaassist/export';
import { createOrtSession } from '@mangaassist/runtime';

/**
 * Multiply-adds of one classification as the exported graph computes it: every layer projects q, k, v and attends
 * over all tokens; the attention output, feed-forward block and head of the last layer see only [CLS].
 *
 * @example
 * ```ts
 * classifierMacs(DISTILBERT_BASE_DIMS, 24, { hidden: 256, labels: 6 }); // ≈ 9.03e8
 * ```
 */
export function classifierMacs(
  dims: Pick<DistilBertDims, 'dim' | 'hiddenDim' | 'nLayers'>,
  tokens: number,
  head: { readonly hidden: number; readonly labels: number },
): number {
  const { dim, hiddenDim, nLayers } = dims;
  const qkv = tokens * 3 * dim * dim;
  // Scores (q·kᵀ) and the weighted sum of values, over all heads together.
  const attend = 2 * tokens * tokens * dim;
  const afterAttention = (rows: number) => rows * (dim * dim + 2 * dim * hiddenDim);
  const layer = (rows: number) => qkv + attend + afterAttention(rows);
  return (nLayers - 1) * layer(tokens) + layer(1) + dim * head.hidden + head.hidden * head.labels;
}

/** The fastest rate ONNX Runtime's CPU kernels reach here on one large product, in multiply-adds per second. */
export interface KernelPeak {
  /** Shape measured: `[rows, inner] × [inner, cols]`. */
  readonly rows: number;
  readonly inner: number;
  readonly cols: number;
  /** Best round, 1e9 multiply-adds per second. */
  readonly gmacPerSecond: number;
}

/**
 * Measures the multiply-add rate of one `MatMul` (fp32) or `DynamicQuantizeMatMul` (int8 weights, activations
 * quantised per call, as in the exported int8 graph) of `[rows, inner] × [inner, cols]`, for each row count given,
 * and returns the fastest: one message's rows and a full micro-batch's rows are both worth trying, since the int8
 * kernel measured faster per multiply-add on 24 rows than on 768 on the project machine.
 * Best of `rounds` rounds of about `roundSeconds` each.
 *
 * @example
 * ```ts
 * const peak = await measureKernelPeak('int8', { threads: 2, rowCounts: [24, 768] });
 * console.log(`${peak.gmacPerSecond.toFixed(0)} GMAC/s at ${peak.rows} rows`);
 * ```
 */
export async function measureKernelPeak(
  precision: 'fp32' | 'int8',
  options: {
    readonly threads: number;
    readonly rowCounts?: readonly number[];
    readonly inner?: number;
    readonly cols?: number;
    readonly rounds?: number;
    readonly roundSeconds?: number;
  },
): Promise<KernelPeak> {
  const { rowCounts = [24, 768], inner = 768, cols = 3072 } = options;
  if (rowCounts.length === 0) throw new RangeError('rowCounts must list at least one row count');
  let best: KernelPeak | undefined;
  for (const rows of rowCounts) {
    const peak = await measureOneShape(precision, { ...options, rows, inner, cols });
    if (!best || peak.gmacPerSecond > best.gmacPerSecond) best = peak;
  }
  return best!;
}

async function measureOneShape(
  precision: 'fp32' | 'int8',
  options: { readonly threads: number; readonly rows: number; readonly inner: number; readonly cols: number; readonly rounds?: number; readonly roundSeconds?: number },
): Promise<KernelPeak> {
  const { rows, inner, cols, rounds = 5, roundSeconds = 0.3 } = options;
  const random = createRng(7);
  const weight = Float32Array.from({ length: inner * cols }, () => (random.next() - 0.5) * 0.1);
  const g = new OnnxGraphBuilder();
  const x = g.input('x', 'float32', [rows, inner]);
  let y: string;
  if (precision === 'fp32') {
    y = g.op('MatMul', [x, g.initializer('w', [inner, cols], weight)]);
  } else {
    const q = quantizeColumns(weight, inner, cols, 127);
    y = g.op('DynamicQuantizeMatMul', [x, g.initializer('w', [inner, cols], q.values), g.initializer('scale', [cols], q.scales)], { domain: MICROSOFT_DOMAIN });
  }
  g.output(y, 'y', 'float32', [rows, cols]);
  const bytes = encodeModel(g.toModel({ graphName: 'peak', opset: 17, usesContribOps: precision === 'int8' }));
  const { session, Tensor } = await createOrtSession(bytes, {
    providers: ['cpu'],
    sessionOptions: { graphOptimizationLevel: 'all', executionMode: 'sequential', intraOpNumThreads: options.threads, interOpNumThreads: 1 },
  });
  try {
    const input = Float32Array.from({ length: rows * inner }, () => random.next() - 0.5);
    const feeds = { x: new Tensor('float32', input, [rows, inner]) };
    for (let i = 0; i < 3; i++) await session.run(feeds);
    let best = 0;
    for (let round = 0; round < rounds; round++) {
      const start = performance.now();
      let runs = 0;
      while (performance.now() - start < roundSeconds * 1000) {
        await session.run(feeds);
        runs++;
      }
      best = Math.max(best, (runs * rows * inner * cols) / ((performance.now() - start) / 1000) / 1e9);
    }
    return { rows, inner, cols, gmacPerSecond: best };
  } finally {
    await session.release();
  }
}

/** What the measured peak implies for one precision's goals. */
export interface RooflineBound {
  readonly peak: KernelPeak;
  /** Latency of one message if every multiply-add ran at the peak rate: no implementation goes below it. */
  readonly floorMs: number;
  /** The rate the P50 goal needs, 1e9 multiply-adds per second (above `peak.gmacPerSecond`: out of reach). */
  readonly p50GoalNeedsGmacPerSecond: number;
  /**
   * The highest concurrent/sequential throughput ratio possible given the measured sequential rate: concurrent
   * clients cannot classify faster than the peak rate allows.
   */
  readonly concurrentOverSequentialCeiling: number;
}

/**
 * The roofline of one precision: lower bound on latency and upper bound on the batching gain.
 *
 * @example
 * ```ts
 * rooflineBound(9.03e8, peak, { p50GoalMs: 4, sequentialPerSecond: 180 }).floorMs;
 * ```
 */
export function rooflineBound(macsPerMessage: number, peak: KernelPeak, measured: { readonly p50GoalMs: number; readonly sequentialPerSecond: number }): RooflineBound {
  const peakPerSecond = peak.gmacPerSecond * 1e9;
  return {
    peak,
    floorMs: (macsPerMessage / peakPerSecond) * 1000,
    p50GoalNeedsGmacPerSecond: macsPerMessage / (measured.p50GoalMs / 1000) / 1e9,
    concurrentOverSequentialCeiling: peakPerSecond / macsPerMessage / measured.sequentialPerSecond,
  };
}
