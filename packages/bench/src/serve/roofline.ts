import { createRng } from '@mangaassist/common';
import { attr, encodeModel, MICROSOFT_DOMAIN, OnnxGraphBuilder, quantizeColumns, type DistilBertDims } from '@mangaassist/export';
import { createOrtSession } from '@mangaassist/runtime-onnx';

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

/**
 * Weights of the encoder's products (q, k, v, attention output and the two feed-forward matrices of every layer):
 * what one classification streams from memory, since every message multiplies by all of them once.
 *
 * @example
 * ```ts
 * encoderProductWeights(DISTILBERT_BASE_DIMS); // 42,467,328 (42.5 MB as int8, 170 MB as fp32)
 * ```
 */
export function encoderProductWeights(dims: Pick<DistilBertDims, 'dim' | 'hiddenDim' | 'nLayers'>): number {
  return dims.nLayers * (4 * dims.dim * dims.dim + 2 * dims.dim * dims.hiddenDim);
}

/**
 * How many feed-forward pairs `[inner, cols] × [cols, inner]` the rate chain needs to hold `weights` weights (at
 * least one): a chain as large as the model meets the same memory traffic as the model, where a smaller one would
 * stay in the processor's cache and overstate the rate a real message gets.
 */
export function chainDepthFor(weights: number, inner: number, cols: number): number {
  return Math.max(1, Math.round(weights / (2 * inner * cols)));
}

/** The rates measured for one row count, 1e9 multiply-adds per second. */
export interface RowRate {
  readonly rows: number;
  /** One session on every thread. */
  readonly allThreads: number;
  readonly oneThread: number;
}

/** The fastest rate ONNX Runtime's CPU kernels reach here on the encoder's products, in multiply-adds per second. */
export interface KernelPeak {
  /** Every row count measured. */
  readonly byRows: readonly RowRate[];
  /** Rows of the best measurement; each product is `[rows, inner] × [inner, cols]` then back to `inner` columns. */
  readonly rows: number;
  readonly inner: number;
  readonly cols: number;
  /** Feed-forward pairs in the chain, and the bytes of weights it streams per pass (int8: 1 byte, fp32: 4). */
  readonly depth: number;
  readonly weightBytes: number;
  /**
   * With `compareResident`: the rate at the first row count, every thread, on a single pair whose weights stay in
   * the cache; its gap to `byRows[0].allThreads` is what streaming the weights from memory costs.
   */
  readonly resident?: { readonly weightBytes: number; readonly allThreads: number };
  /** Best rate with every thread in one session, 1e9 multiply-adds per second. */
  readonly allThreadsGmacPerSecond: number;
  /** Best rate of one thread, 1e9 multiply-adds per second. */
  readonly oneThreadGmacPerSecond: number;
  /**
   * The ceiling used by the roofline: the larger of the all-thread rate and the one-thread rate times the threads
   * (independent single-threaded workers can get close to the latter).
   */
  readonly gmacPerSecond: number;
}

/**
 * Measures the multiply-add rate of the encoder's products with `MatMul` (fp32) or `DynamicQuantizeMatMul` (int8
 * weights, activations quantised per call, as in the exported int8 graph): a chain of `depth` feed-forward pairs
 * `[rows, inner] × [inner, cols] × [cols, inner]` whose output is reduced to one number, so that the rate is not
 * diluted by copying a large output back. Each row count is measured with every thread and with one; the best
 * rates are returned. One message's rows and a full micro-batch's rows are both worth trying: the int8 kernel
 * measured faster per multiply-add on 24 rows than on 768 on the project machine. Give `depth` from
 * `chainDepthFor` so that the chain streams as many weights as the model: on the project machine the int8 rate at
 * 24 rows fell from 338 to 225–253 GMAC/s between 14 MB of weights (they fit its 32 MB cache) and the model's
 * 42.5 MB. Best of `rounds` rounds of about `roundSeconds` each.
 *
 * @example
 * ```ts
 * const depth = chainDepthFor(encoderProductWeights(DISTILBERT_BASE_DIMS), 768, 3072); // 9
 * const peak = await measureKernelPeak('int8', { threads: 2, rowCounts: [24, 768], depth, compareResident: true });
 * console.log(`${peak.gmacPerSecond.toFixed(0)} GMAC/s`);
 * ```
 */
export async function measureKernelPeak(
  precision: 'fp32' | 'int8',
  options: {
    readonly threads: number;
    readonly rowCounts?: readonly number[];
    readonly inner?: number;
    readonly cols?: number;
    readonly depth?: number;
    readonly rounds?: number;
    readonly roundSeconds?: number;
    readonly compareResident?: boolean;
  },
): Promise<KernelPeak> {
  const { rowCounts = [24, 768], inner = 768, cols = 3072, depth = 3 } = options;
  const bytesPerWeight = precision === 'int8' ? 1 : 4;
  if (rowCounts.length === 0) throw new RangeError('rowCounts must list at least one row count');
  let all = { rows: rowCounts[0]!, rate: 0 };
  let one = 0;
  const byRows: RowRate[] = [];
  for (const rows of rowCounts) {
    const shape = { ...options, rows, inner, cols, depth };
    const rate = await measureChain(precision, { ...shape, threads: options.threads });
    const oneThread = options.threads === 1 ? rate : await measureChain(precision, { ...shape, threads: 1 });
    byRows.push({ rows, allThreads: rate, oneThread });
    if (rate > all.rate) all = { rows, rate };
    one = Math.max(one, oneThread);
  }
  const resident = options.compareResident
    ? {
        weightBytes: 2 * inner * cols * bytesPerWeight,
        allThreads: await measureChain(precision, { ...options, rows: rowCounts[0]!, inner, cols, depth: 1 }),
      }
    : undefined;
  return {
    byRows,
    rows: all.rows,
    inner,
    cols,
    depth,
    weightBytes: depth * 2 * inner * cols * bytesPerWeight,
    ...(resident ? { resident } : {}),
    allThreadsGmacPerSecond: all.rate,
    oneThreadGmacPerSecond: one,
    gmacPerSecond: Math.max(all.rate, one * options.threads),
  };
}

/** Best rate of the feed-forward chain in 1e9 multiply-adds per second. */
async function measureChain(
  precision: 'fp32' | 'int8',
  options: {
    readonly threads: number;
    readonly rows: number;
    readonly inner: number;
    readonly cols: number;
    readonly depth?: number;
    readonly rounds?: number;
    readonly roundSeconds?: number;
  },
): Promise<number> {
  const { rows, inner, cols, depth = 3, rounds = 5, roundSeconds = 0.3 } = options;
  const random = createRng(7);
  const g = new OnnxGraphBuilder();
  const x = g.input('x', 'float32', [rows, inner]);
  // Weights of spread 1/√fan-in keep the activations near 1 through the chain.
  const product = (input: string, from: number, to: number, name: string) => {
    const scale = Math.sqrt(12 / from);
    const weight = Float32Array.from({ length: from * to }, () => (random.next() - 0.5) * scale);
    if (precision === 'fp32') return g.op('MatMul', [input, g.initializer(name, [from, to], weight)]);
    const q = quantizeColumns(weight, from, to, 127);
    return g.op('DynamicQuantizeMatMul', [input, g.initializer(name, [from, to], q.values), g.initializer(`${name}.scale`, [to], q.scales)], {
      domain: MICROSOFT_DOMAIN,
    });
  };
  let h = x;
  for (let i = 0; i < depth; i++) h = product(product(h, inner, cols, `up${i}`), cols, inner, `down${i}`);
  g.output(g.op('ReduceMean', [h], { attributes: { keepdims: attr.int(0) } }), 'y', 'float32', []);
  const bytes = encodeModel(g.toModel({ graphName: 'peak', opset: 17, usesContribOps: precision === 'int8' }));
  const { session, Tensor } = await createOrtSession(bytes, {
    providers: ['cpu'],
    sessionOptions: { graphOptimizationLevel: 'all', executionMode: 'sequential', intraOpNumThreads: options.threads, interOpNumThreads: 1 },
  });
  try {
    const input = Float32Array.from({ length: rows * inner }, () => random.next() - 0.5);
    const feeds = { x: new Tensor('float32', input, [rows, inner]) };
    for (let i = 0; i < 3; i++) await session.run(feeds);
    const macsPerRun = rows * inner * cols * 2 * depth;
    let best = 0;
    for (let round = 0; round < rounds; round++) {
      const start = performance.now();
      let runs = 0;
      while (performance.now() - start < roundSeconds * 1000) {
        await session.run(feeds);
        runs++;
      }
      best = Math.max(best, (runs * macsPerRun) / ((performance.now() - start) / 1000) / 1e9);
    }
    return best;
  } finally {
    await session.release();
  }
}

/** What the measured peak implies for one precision's goals. */
export interface RooflineBound {
  readonly peak: KernelPeak;
  /** Latency of one message if every multiply-add ran at the peak rate: no implementation goes below it. */
  readonly floorMs: number;
  /**
   * Latency of the products alone for one message, at the rate one session on every thread reaches on the
   * message's own row count (its tokens): what ONNX Runtime's kernels allow a single request, before any other op.
   */
  readonly messageProductsMs: number | null;
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
 * rooflineBound(9.03e8, peak, { p50GoalMs: 4, sequentialPerSecond: 180, tokens: 24 }).floorMs;
 * ```
 */
export function rooflineBound(
  macsPerMessage: number,
  peak: KernelPeak,
  measured: { readonly p50GoalMs: number; readonly sequentialPerSecond: number; readonly tokens?: number },
): RooflineBound {
  const peakPerSecond = peak.gmacPerSecond * 1e9;
  const messageRate = peak.byRows.find((r) => r.rows === measured.tokens)?.allThreads;
  return {
    peak,
    floorMs: (macsPerMessage / peakPerSecond) * 1000,
    messageProductsMs: messageRate ? (macsPerMessage / (messageRate * 1e9)) * 1000 : null,
    p50GoalNeedsGmacPerSecond: macsPerMessage / (measured.p50GoalMs / 1000) / 1e9,
    concurrentOverSequentialCeiling: peakPerSecond / macsPerMessage / measured.sequentialPerSecond,
  };
}
