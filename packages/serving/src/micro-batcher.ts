import { ServingError } from './serving-error';

/** Micro-batching limits. */
export interface MicroBatcherOptions {
  /** Most items run together in one call (one inference). */
  readonly maxBatch: number;
  /** How long the first queued item may wait for others before a partial batch runs. */
  readonly maxWaitMs: number;
  /** Most items waiting (not yet running); a submission that would exceed it is refused with `QUEUE_FULL`. */
  readonly queueLimit: number;
  /**
   * Batches running at once; default 1. More only helps when the batch function runs them in parallel (an
   * `OnnxWorkerPool` with that many workers); one in-process session would just interleave them.
   */
  readonly maxInFlight?: number;
}

/** Hooks for metrics; called synchronously, must not throw. */
export interface MicroBatcherObserver {
  /** After each batch: how many items ran and how long the call took. */
  onBatch?(size: number, durationMs: number): void;
  /** Whenever the number of waiting items changes. */
  onQueueDepth?(depth: number): void;
}

/** Per-submission options. */
export interface SubmitOptions {
  /** Rejects with `TIMEOUT` when the results are not ready within this many milliseconds. */
  readonly timeoutMs?: number;
  /**
   * Run every input of this submission in one call of the batch function, even past `maxBatch` (a word-occlusion
   * explanation compares variants of one text and must score them in one inference run). Other items may share the
   * call while the total stays within `maxBatch`; a whole group larger than that runs on its own.
   */
  readonly whole?: boolean;
}

interface Group<O> {
  readonly results: O[];
  remaining: number;
  settled: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve(results: O[]): void;
  reject(error: unknown): void;
}

interface Item<I, O> {
  readonly input: I;
  readonly group: Group<O>;
  readonly index: number;
  readonly enqueuedAt: number;
  /** For the first item of a `whole` submission: how many items (this one included) must run together. */
  readonly wholeSize?: number;
}

/**
 * Dynamic micro-batching in front of a model: submissions from concurrent requests are queued and run together,
 * at most `maxBatch` items per call and `maxInFlight` calls at a time (default one: an ONNX Runtime session
 * already uses every core for one run, so parallel runs on it would only contend; a pool of workers can take one
 * batch each). A partial batch runs once its oldest item has waited `maxWaitMs`, or at once when a full batch is
 * waiting.
 *
 * The queue is bounded: a submission whose items do not all fit is refused whole with `QUEUE_FULL` and a
 * `retryAfterSeconds` estimated from the queue length and the recent batch duration. A submission past its
 * `timeoutMs` is rejected with `TIMEOUT` and its items still waiting are dropped, so abandoned work costs nothing.
 * `drain()` stops accepting and runs what is queued without waiting.
 *
 * @example
 * ```ts
 * const batcher = new MicroBatcher((texts: string[]) => classifier.predict(texts), { maxBatch: 16, maxWaitMs: 2, queueLimit: 1024 });
 * const [probs] = await batcher.submit(['where is my order?'], { timeoutMs: 5000 });
 * await batcher.drain();
 * ```
 */
export class MicroBatcher<I, O> {
  private readonly queue: Item<I, O>[] = [];
  private inFlight = 0;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Moving average of one batch's duration, for Retry-After estimates. */
  private averageBatchMs = 0;

  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly options: MicroBatcherOptions,
    private readonly observer: MicroBatcherObserver = {},
  ) {
    for (const key of ['maxBatch', 'queueLimit', 'maxInFlight'] as const) {
      const value = options[key] ?? 1;
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${key} must be a positive integer, got ${value}`);
    }
    if (!(options.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be >= 0, got ${options.maxWaitMs}`);
  }

  /** Items waiting to run (not counting the batch in progress). */
  get queueDepth(): number {
    return this.queue.length;
  }

  /** True once `drain()` was called. */
  get draining(): boolean {
    return this.closed;
  }

  /** Queues `inputs` and resolves with their outputs in the same order. */
  submit(inputs: readonly I[], options: SubmitOptions = {}): Promise<O[]> {
    if (this.closed) return Promise.reject(new ServingError('SHUTTING_DOWN', 'the server is shutting down'));
    if (inputs.length === 0) return Promise.resolve([]);
    if (this.queue.length + inputs.length > this.options.queueLimit) {
      return Promise.reject(
        new ServingError(
          'QUEUE_FULL',
          `the inference queue is full (${this.queue.length} of ${this.options.queueLimit} items waiting, ` +
            `${inputs.length} more asked)`,
          this.estimateWaitSeconds(),
        ),
      );
    }
    return new Promise<O[]>((resolve, reject) => {
      const group: Group<O> = {
        results: new Array<O>(inputs.length),
        remaining: inputs.length,
        settled: false,
        timer: undefined,
        resolve,
        reject,
      };
      if (options.timeoutMs !== undefined) {
        group.timer = setTimeout(() => this.expire(group, options.timeoutMs as number), options.timeoutMs);
      }
      const now = performance.now();
      // A whole submission's items are queued next to each other and only ever leave the queue together
      // (takeBatch), or are dropped together (dropQueued), so its first item can carry the count.
      inputs.forEach((input, index) =>
        this.queue.push({ input, group, index, enqueuedAt: now, ...(options.whole && index === 0 ? { wholeSize: inputs.length } : {}) }),
      );
      this.observer.onQueueDepth?.(this.queue.length);
      this.schedule();
    });
  }

  /** Stops accepting submissions, runs everything queued without waiting, and resolves when idle. */
  drain(): Promise<void> {
    this.closed = true;
    this.schedule();
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.inFlight >= (this.options.maxInFlight ?? 1)) return;
    if (this.queue.length === 0) {
      this.clearTimer();
      if (this.inFlight > 0) return;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
      return;
    }
    const oldest = this.queue[0] as Item<I, O>;
    const waited = performance.now() - oldest.enqueuedAt;
    if (this.closed || this.queue.length >= this.options.maxBatch || waited >= this.options.maxWaitMs) {
      this.clearTimer();
      void this.runBatch();
      // Another batch may start at once when more slots are free and enough is queued.
      this.schedule();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, this.options.maxWaitMs - waited);
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async runBatch(): Promise<void> {
    this.inFlight += 1;
    const batch = this.takeBatch();
    this.observer.onQueueDepth?.(this.queue.length);
    const started = performance.now();
    try {
      const outputs = await this.run(batch.map((item) => item.input));
      if (outputs.length !== batch.length) {
        throw new RangeError(`the batch function returned ${outputs.length} results for ${batch.length} inputs`);
      }
      batch.forEach((item, i) => this.deliver(item, outputs[i] as O));
    } catch (error) {
      for (const item of batch) this.fail(item.group, error);
    } finally {
      const duration = performance.now() - started;
      this.averageBatchMs = this.averageBatchMs === 0 ? duration : 0.8 * this.averageBatchMs + 0.2 * duration;
      this.observer.onBatch?.(batch.length, duration);
      this.inFlight -= 1;
      this.schedule();
    }
  }

  /**
   * The next batch: items in queue order up to `maxBatch`, except that a whole submission is never split — it
   * closes the batch when it does not fit, or runs alone when it is larger than `maxBatch`.
   */
  private takeBatch(): Item<I, O>[] {
    const batch: Item<I, O>[] = [];
    while (this.queue.length > 0 && batch.length < this.options.maxBatch) {
      const size = (this.queue[0] as Item<I, O>).wholeSize ?? 1;
      if (batch.length > 0 && batch.length + size > this.options.maxBatch) break;
      batch.push(...this.queue.splice(0, size));
    }
    return batch;
  }

  private deliver(item: Item<I, O>, output: O): void {
    const { group } = item;
    if (group.settled) return;
    group.results[item.index] = output;
    group.remaining -= 1;
    if (group.remaining === 0) {
      group.settled = true;
      if (group.timer) clearTimeout(group.timer);
      group.resolve(group.results);
    }
  }

  private fail(group: Group<O>, error: unknown): void {
    if (group.settled) return;
    group.settled = true;
    if (group.timer) clearTimeout(group.timer);
    this.dropQueued(group);
    group.reject(error);
  }

  private expire(group: Group<O>, timeoutMs: number): void {
    this.fail(group, new ServingError('TIMEOUT', `no result within ${timeoutMs} ms`, this.estimateWaitSeconds()));
  }

  private dropQueued(group: Group<O>): void {
    const before = this.queue.length;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if ((this.queue[i] as Item<I, O>).group === group) this.queue.splice(i, 1);
    }
    if (this.queue.length !== before) {
      this.observer.onQueueDepth?.(this.queue.length);
      if (this.queue.length === 0) this.schedule();
    }
  }

  private estimateWaitSeconds(): number {
    const batches = Math.ceil(this.queue.length / this.options.maxBatch) + 1;
    return (batches * Math.max(this.averageBatchMs, 1)) / 1000;
  }
}
