import { DISTILBERT_BASE_DIMS } from '@mangaassist/export';
import { chainDepthFor, classifierMacs, encoderProductWeights, measureKernelPeak, rooflineBound } from './roofline';

describe('serving roofline', () => {
  it('counts the multiply-adds of the exported graph by hand on tiny shapes', () => {
    // dim 4, FFN 8, 2 layers, 3 tokens, head 4→2→1:
    //   q,k,v 3·(3·4·4) = 144; attention 2·3·3·4 = 72; out + FFN per row 4·4 + 2·4·8 = 80
    //   first layer 144 + 72 + 3·80 = 456; last layer ([CLS] only after attention) 144 + 72 + 80 = 296; head 8 + 2 = 10
    expect(classifierMacs({ dim: 4, hiddenDim: 8, nLayers: 2 }, 3, { hidden: 2, labels: 1 })).toBe(456 + 296 + 10);
  });

  it('puts DistilBERT-base on a 24-token message at about 0.9 G multiply-adds', () => {
    const macs = classifierMacs(DISTILBERT_BASE_DIMS, 24, { hidden: 256, labels: 6 });
    // Five full layers of 24·(4·768² + 2·768·3072) plus attention, and the [CLS]-only last layer.
    expect(macs).toBeGreaterThan(9.0e8);
    expect(macs).toBeLessThan(9.1e8);
  });

  it('sizes the rate chain to stream as many weights as the encoder', () => {
    // Per layer q, k, v and output 4·768² plus the feed-forward pair 2·768·3072, six layers.
    expect(encoderProductWeights(DISTILBERT_BASE_DIMS)).toBe(6 * (4 * 768 * 768 + 2 * 768 * 3072));
    // That is exactly nine 768×3072 feed-forward pairs.
    expect(chainDepthFor(encoderProductWeights(DISTILBERT_BASE_DIMS), 768, 3072)).toBe(9);
    expect(chainDepthFor(10, 768, 3072)).toBe(1);
    expect(chainDepthFor(5 * 2 * 4 * 8 + 1, 4, 8)).toBe(5);
  });

  it('turns a peak rate into a latency floor, the rate a goal needs and a batching ceiling', () => {
    const byRows = [{ rows: 24, allThreads: 40, oneThread: 30 }, { rows: 768, allThreads: 90, oneThread: 50 }];
    const peak = { byRows, rows: 768, inner: 768, cols: 3072, depth: 9, weightBytes: 42467328, allThreadsGmacPerSecond: 90, oneThreadGmacPerSecond: 50, gmacPerSecond: 100 };
    const bound = rooflineBound(1e9, peak, { p50GoalMs: 4, sequentialPerSecond: 50, tokens: 24 });
    expect(bound.floorMs).toBeCloseTo(10, 10);
    // One 24-token message: its products at the 24-row rate of one session.
    expect(bound.messageProductsMs).toBeCloseTo(25, 10);
    expect(rooflineBound(1e9, peak, { p50GoalMs: 4, sequentialPerSecond: 50, tokens: 7 }).messageProductsMs).toBeNull();
    expect(bound.p50GoalNeedsGmacPerSecond).toBeCloseTo(250, 10);
    // At most 100 messages/s at the peak, against 50/s sequentially.
    expect(bound.concurrentOverSequentialCeiling).toBeCloseTo(2, 10);
  });

  it.each(['fp32', 'int8'] as const)('measures a %s kernel rate through ONNX Runtime', async (precision) => {
    const peak = await measureKernelPeak(precision, { threads: 2, rowCounts: [4, 8], inner: 32, cols: 16, depth: 2, rounds: 2, roundSeconds: 0.02, compareResident: true });
    const bytes = precision === 'int8' ? 1 : 4;
    expect(peak).toMatchObject({ inner: 32, cols: 16, depth: 2, weightBytes: 2 * 2 * 32 * 16 * bytes });
    // The cache-resident comparison: one pair at the first row count.
    expect(peak.resident?.weightBytes).toBe(2 * 32 * 16 * bytes);
    expect(peak.resident?.allThreads).toBeGreaterThan(0);
    expect([4, 8]).toContain(peak.rows);
    expect(peak.byRows.map((r) => r.rows)).toEqual([4, 8]);
    expect(peak.oneThreadGmacPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(peak.allThreadsGmacPerSecond)).toBe(true);
    // The ceiling is the better of one session on every thread and one thread times the threads.
    expect(peak.gmacPerSecond).toBe(Math.max(peak.allThreadsGmacPerSecond, 2 * peak.oneThreadGmacPerSecond));
  });

  it('refuses an empty list of row counts', async () => {
    await expect(measureKernelPeak('fp32', { threads: 1, rowCounts: [] })).rejects.toThrow(/at least one row count/);
  });
});
