import { MicroBatcher } from './micro-batcher';
import { ServingError } from './serving-error';

interface Call {
  readonly inputs: string[];
  resolve(outputs?: string[]): void;
  reject(error: Error): void;
}

/** A batch function whose calls the test completes by hand. */
function controlledRun() {
  const calls: Call[] = [];
  const run = (inputs: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ inputs, resolve: (outputs) => resolve(outputs ?? inputs.map((x) => x.toUpperCase())), reject });
    });
  return { calls, run };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('MicroBatcher', () => {
  afterEach(() => jest.useRealTimers());

  it('runs a full batch at once and a partial one after maxWaitMs', async () => {
    jest.useFakeTimers();
    const { calls, run } = controlledRun();
    const batches: number[] = [];
    const batcher = new MicroBatcher(run, { maxBatch: 3, maxWaitMs: 10, queueLimit: 100 }, { onBatch: (n) => batches.push(n) });
    const first = batcher.submit(['a', 'b']);
    expect(calls).toHaveLength(0);
    const second = batcher.submit(['c', 'd']);
    expect(calls.map((c) => c.inputs)).toEqual([['a', 'b', 'c']]); // full batch without waiting
    calls[0]!.resolve();
    await expect(first).resolves.toEqual(['A', 'B']);
    // 'd' waited less than maxWaitMs when the first batch finished: it waits for the timer.
    expect(calls).toHaveLength(1);
    jest.advanceTimersByTime(9);
    expect(calls).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(calls.map((c) => c.inputs)).toEqual([['a', 'b', 'c'], ['d']]);
    calls[1]!.resolve();
    await expect(second).resolves.toEqual(['C', 'D']);
    expect(batches).toEqual([3, 1]);
  });

  it('runs a whole submission in one call: past maxBatch alone, never split across batches', async () => {
    const { calls, run } = controlledRun();
    const batcher = new MicroBatcher(run, { maxBatch: 3, maxWaitMs: 0, queueLimit: 100 });
    const blocker = batcher.submit(['a']); // runs at once; the rest queues behind it
    const single = batcher.submit(['b']);
    const whole = batcher.submit(['w1', 'w2', 'w3', 'w4', 'w5'], { whole: true });
    const after = batcher.submit(['c', 'd']);
    calls[0]!.resolve();
    await expect(blocker).resolves.toEqual(['A']);
    // 'b' cannot share a call with five whole items (maxBatch 3): it runs alone, then the five together.
    expect(calls.map((c) => c.inputs)).toEqual([['a'], ['b']]);
    calls[1]!.resolve();
    await flush();
    expect(calls[2]!.inputs).toEqual(['w1', 'w2', 'w3', 'w4', 'w5']);
    calls[2]!.resolve();
    await expect(whole).resolves.toEqual(['W1', 'W2', 'W3', 'W4', 'W5']);
    await flush();
    expect(calls[3]!.inputs).toEqual(['c', 'd']);
    calls[3]!.resolve();
    await expect(Promise.all([single, after])).resolves.toEqual([['B'], ['C', 'D']]);
  });

  it('lets a whole submission that fits share a batch with other items', async () => {
    const { calls, run } = controlledRun();
    const batcher = new MicroBatcher(run, { maxBatch: 4, maxWaitMs: 0, queueLimit: 100 });
    const blocker = batcher.submit(['a']);
    const single = batcher.submit(['b']);
    const whole = batcher.submit(['w1', 'w2'], { whole: true });
    const tail = batcher.submit(['c', 'd']);
    calls[0]!.resolve();
    await blocker;
    expect(calls[1]!.inputs).toEqual(['b', 'w1', 'w2', 'c']);
    calls[1]!.resolve();
    await expect(whole).resolves.toEqual(['W1', 'W2']);
    await expect(single).resolves.toEqual(['B']);
    await flush();
    calls[2]!.resolve();
    await expect(tail).resolves.toEqual(['C', 'D']);
  });

  it('runs one batch at a time and gathers what arrives meanwhile', async () => {
    const { calls, run } = controlledRun();
    const batcher = new MicroBatcher(run, { maxBatch: 8, maxWaitMs: 0, queueLimit: 100 });
    const p1 = batcher.submit(['a']);
    const p2 = batcher.submit(['b']);
    const p3 = batcher.submit(['c', 'd']);
    expect(calls.map((c) => c.inputs)).toEqual([['a']]);
    calls[0]!.resolve();
    await flush();
    expect(calls.map((c) => c.inputs)).toEqual([['a'], ['b', 'c', 'd']]);
    calls[1]!.resolve();
    await expect(Promise.all([p1, p2, p3])).resolves.toEqual([['A'], ['B'], ['C', 'D']]);
  });

  it('refuses a submission that does not fit the queue, whole, with QUEUE_FULL and a Retry-After', async () => {
    const { calls, run } = controlledRun();
    const depths: number[] = [];
    const batcher = new MicroBatcher(run, { maxBatch: 2, maxWaitMs: 0, queueLimit: 3 }, { onQueueDepth: (d) => depths.push(d) });
    const running = batcher.submit(['a']); // runs at once, leaves the queue
    const queued = batcher.submit(['b', 'c']);
    expect(batcher.queueDepth).toBe(2);
    const refused = batcher.submit(['d', 'e']);
    await expect(refused).rejects.toMatchObject({ code: 'QUEUE_FULL', retryAfterSeconds: expect.any(Number) });
    await expect(refused).rejects.toBeInstanceOf(ServingError);
    expect(batcher.queueDepth).toBe(2); // nothing of the refused submission was queued
    const fits = batcher.submit(['f']);
    calls[0]!.resolve();
    await flush();
    calls[1]!.resolve();
    await flush();
    calls[2]!.resolve();
    await expect(Promise.all([running, queued, fits])).resolves.toEqual([['A'], ['B', 'C'], ['F']]);
    expect(Math.max(...depths)).toBe(3);
    expect(depths.at(-1)).toBe(0);
  });

  it('times out a submission and drops its waiting items', async () => {
    jest.useFakeTimers();
    const { calls, run } = controlledRun();
    const batcher = new MicroBatcher(run, { maxBatch: 1, maxWaitMs: 0, queueLimit: 10 });
    const blocker = batcher.submit(['a']);
    const late = batcher.submit(['b', 'c'], { timeoutMs: 50 });
    const rejection = expect(late).rejects.toMatchObject({ code: 'TIMEOUT' });
    jest.advanceTimersByTime(50);
    await rejection;
    expect(batcher.queueDepth).toBe(0);
    calls[0]!.resolve();
    await expect(blocker).resolves.toEqual(['A']);
    expect(calls).toHaveLength(1); // b and c never ran
  });

  it('ignores the late result of a submission that timed out while running', async () => {
    jest.useFakeTimers();
    const { calls, run } = controlledRun();
    const batcher = new MicroBatcher(run, { maxBatch: 4, maxWaitMs: 0, queueLimit: 10 });
    const slow = batcher.submit(['a'], { timeoutMs: 20 });
    const rejection = expect(slow).rejects.toMatchObject({ code: 'TIMEOUT' });
    jest.advanceTimersByTime(20);
    await rejection;
    jest.useRealTimers();
    calls[0]!.resolve();
    await flush();
    const next = batcher.submit(['z']);
    await flush();
    calls[1]!.resolve();
    await expect(next).resolves.toEqual(['Z']);
  });

  it('rejects every submission of a failing batch and keeps serving', async () => {
    const { calls, run } = controlledRun();
    const batcher = new MicroBatcher(run, { maxBatch: 4, maxWaitMs: 0, queueLimit: 10 });
    const failing = batcher.submit(['a']);
    calls[0]!.reject(new Error('session failed'));
    await expect(failing).rejects.toThrow('session failed');
    const ok = batcher.submit(['b']);
    await flush();
    calls[1]!.resolve();
    await expect(ok).resolves.toEqual(['B']);
  });

  it('fails a batch whose function returns the wrong number of results', async () => {
    const batcher = new MicroBatcher(async () => ['x'], { maxBatch: 4, maxWaitMs: 0, queueLimit: 10 });
    await expect(batcher.submit(['a', 'b'])).rejects.toThrow(/returned 1 results for 2 inputs/);
  });

  it('drains: refuses new work, runs what is queued without waiting, resolves when idle', async () => {
    const { calls, run } = controlledRun();
    const batcher = new MicroBatcher(run, { maxBatch: 2, maxWaitMs: 60_000, queueLimit: 10 });
    const queued = batcher.submit(['a', 'b', 'c']);
    expect(calls).toHaveLength(1); // a full batch of 2 runs; c waits for the (long) timer
    let drained = false;
    const drain = batcher.drain().then(() => (drained = true));
    await expect(batcher.submit(['x'])).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    calls[0]!.resolve();
    await flush();
    expect(calls.map((c) => c.inputs)).toEqual([['a', 'b'], ['c']]); // c ran without waiting 60 s
    expect(drained).toBe(false);
    calls[1]!.resolve();
    await drain;
    expect(drained).toBe(true);
    await expect(queued).resolves.toEqual(['A', 'B', 'C']);
  });

  it('resolves an empty submission at once and validates its options', async () => {
    const batcher = new MicroBatcher(async (x: string[]) => x, { maxBatch: 1, maxWaitMs: 0, queueLimit: 1 });
    await expect(batcher.submit([])).resolves.toEqual([]);
    expect(() => new MicroBatcher(async (x: string[]) => x, { maxBatch: 0, maxWaitMs: 0, queueLimit: 1 })).toThrow(/maxBatch/);
    expect(() => new MicroBatcher(async (x: string[]) => x, { maxBatch: 1, maxWaitMs: -1, queueLimit: 1 })).toThrow(/maxWaitMs/);
    expect(() => new MicroBatcher(async (x: string[]) => x, { maxBatch: 1, maxWaitMs: 0, queueLimit: 1, maxInFlight: 0 })).toThrow(/maxInFlight/);
    await batcher.drain();
  });

  it('runs up to maxInFlight batches at once, starts the next as one finishes, and drains them all', async () => {
    const { calls, run } = controlledRun();
    const batcher = new MicroBatcher(run, { maxBatch: 2, maxWaitMs: 0, queueLimit: 100, maxInFlight: 2 });
    const results = [batcher.submit(['a', 'b']), batcher.submit(['c', 'd']), batcher.submit(['e'])];
    // Two full batches start together; 'e' waits for a free slot.
    expect(calls.map((c) => c.inputs)).toEqual([['a', 'b'], ['c', 'd']]);
    expect(batcher.queueDepth).toBe(1);
    let drained = false;
    const draining = batcher.drain().then(() => (drained = true));
    calls[1]!.resolve();
    await flush();
    expect(calls.map((c) => c.inputs)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    calls[2]!.resolve();
    await flush();
    // The first batch still runs: not idle yet.
    expect(drained).toBe(false);
    calls[0]!.resolve();
    await draining;
    await expect(Promise.all(results)).resolves.toEqual([['A', 'B'], ['C', 'D'], ['E']]);
  });
});
