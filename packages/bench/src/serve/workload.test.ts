import { concurrentThroughput, interleavedLatency, latencyStats } from './workload';

describe('bench serve workload helpers', () => {
  it('latencyStats uses nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100 shuffled order
    const stats = latencyStats(samples);
    expect(stats).toMatchObject({ count: 100, p50: 50, p90: 90, p99: 99, min: 1, mean: 50.5 });
    expect(stats.sequentialPerSecond).toBeCloseTo(1000 / 50.5);
    expect(latencyStats([7]).p99).toBe(7);
    expect(() => latencyStats([])).toThrow(RangeError);
  });

  it('interleavedLatency runs warm-up, then alternates subjects round by round', async () => {
    const calls: string[] = [];
    const subject = (name: string) => ({ name, run: async () => void calls.push(name) });
    const stats = await interleavedLatency([subject('a'), subject('b')], { warmup: 1, rounds: 2, perRound: 2, settle: 0 });
    expect(calls.join('')).toBe('ab' + 'aabb' + 'aabb');
    expect(stats.a!.count).toBe(4);
    expect(stats.b!.count).toBe(4);
  });

  it('interleavedLatency settles each turn with untimed requests (3 by default)', async () => {
    const calls: string[] = [];
    const subject = (name: string) => ({ name, run: async () => void calls.push(name) });
    const stats = await interleavedLatency([subject('a'), subject('b')], { warmup: 0, rounds: 1, perRound: 2 });
    // Three settling calls then two timed ones per turn; only the timed ones are counted.
    expect(calls.join('')).toBe('aaaaa' + 'bbbbb');
    expect(stats.a!.count).toBe(2);
    await interleavedLatency([subject('c')], { warmup: 0, rounds: 2, perRound: 1, settle: 1 });
    expect(calls.slice(10).join('')).toBe('cc' + 'cc');
  });

  it('concurrentThroughput merges concurrent clients into batches and answers every request', async () => {
    const sizes: number[] = [];
    const predict = async (texts: string[]) => {
      sizes.push(texts.length);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return texts.map(() => new Float32Array(2));
    };
    const result = await concurrentThroughput(predict, 'hi', { clients: 8, seconds: 1, maxBatch: 8, maxWaitMs: 1 });
    expect(result.requests).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(result.meanBatch).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(8);
    expect(result.perSecond).toBeCloseTo(result.requests / result.seconds);
  });
});
