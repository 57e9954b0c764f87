import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportClassifier } from '@mangaassist/export';
import { writeRandomClassifierDir } from '@mangaassist/model-format';
import { compareHugePages, measureProcessLatency } from './huge-pages';

describe('compareHugePages', () => {
  it('alternates the order every pair and compares medians and paired ratios', async () => {
    const calls: boolean[] = [];
    // The machine "drifts": every call is 1 ms slower than the one before; huge pages take 10% off.
    const measure = (hugePages: boolean) => {
      calls.push(hugePages);
      const p50 = (4 + calls.length) * (hugePages ? 0.9 : 1);
      return { p50, hugePageBytes: hugePages ? 100 * calls.length : 0 };
    };
    const result = await compareHugePages(3, measure);
    expect(calls).toEqual([true, false, false, true, true, false]);
    expect(result.withHugePages).toEqual([5 * 0.9, 8 * 0.9, 9 * 0.9]);
    expect(result.without).toEqual([6, 7, 10]);
    expect(result.medianWith).toBeCloseTo(8 * 0.9, 12);
    expect(result.medianWithout).toBe(7);
    // Paired ratios 0.75, 1.03 and 0.81: their median.
    expect(result.medianRatio).toBeCloseTo((9 * 0.9) / 10, 12);
    // Reported from the first process started with huge pages.
    expect(result.hugePageBytes).toBe(100);
  });

  it('averages the middle two for an even count, and refuses no pairs', async () => {
    const p50s = [4, 5, 6, 9];
    let i = 0;
    const result = await compareHugePages(2, () => ({ p50: p50s[i++]!, hugePageBytes: null }));
    // Pair 1 (with, without) = (4, 5); pair 2 (without, with) = (6, 9).
    expect(result.medianWith).toBe(6.5);
    expect(result.medianWithout).toBe(5.5);
    expect(result.medianRatio).toBeCloseTo((4 / 5 + 9 / 6) / 2, 12);
    await expect(compareHugePages(0, () => ({ p50: 1, hugePageBytes: null }))).rejects.toThrow(/positive integer/);
  });
});

describe('measureProcessLatency', () => {
  const work = mkdtempSync(join(tmpdir(), 'huge-pages-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('classifies with our classifier in this process and reports its P50', async () => {
    const modelDir = writeRandomClassifierDir(join(work, 'model'), {
      config: { dim: 16, n_layers: 1, n_heads: 2, hidden_dim: 32, vocab_size: 100, max_position_embeddings: 32, activation: 'gelu' },
      labels: ['a', 'b'],
      headHidden: 8,
    });
    const out = join(work, 'onnx');
    exportClassifier({ modelDir, outDir: out, quantize: 'int8' });
    for (const precision of ['fp32', 'int8'] as const) {
      const result = await measureProcessLatency(out, { precision, threads: 1, message: 'w1000 w1001', requests: 5, warmup: 1 });
      expect(result.p50).toBeGreaterThan(0);
      if (process.platform === 'linux') expect(result.hugePageBytes).toBeGreaterThanOrEqual(0);
    }
  });
});
