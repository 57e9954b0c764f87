/**
 * Upper bounds (milliseconds) of the latency histogram kept per minute; the last one catches everything slower.
 * Coarse on purpose: a minute holds a fixed array of counts whatever the traffic, so memory stays bounded.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, Infinity];

/** One minute of counts. */
interface MinuteBucket {
  /** Minutes since the epoch this bucket counts; -1 while never used. */
  minute: number;
  escalationsByLabel: Record<string, number>;
  escalationsByPriority: Record<string, number>;
  /** Texts classified with each label active (the active-label mix). */
  activeLabels: Record<string, number>;
  texts: number;
  /** Requests answered (every route), and those refused with 429. */
  requests: number;
  tooManyRequests: number;
  /** Counts of classify request latencies per {@link LATENCY_BOUNDS_MS} bucket. */
  latency: number[];
  /** Highest queue depth seen during the minute. */
  maxQueueDepth: number;
}

/** One minute in a {@link LiveSnapshot}. */
export interface LiveMinute {
  /** Start of the minute, ISO 8601. */
  at: string;
  escalationsByLabel: Record<string, number>;
  escalationsByPriority: Record<string, number>;
  activeLabels: Record<string, number>;
  texts: number;
  requests: number;
  tooManyRequests: number;
  /** Classify latency quantiles (ms) of the minute, interpolated within histogram buckets; null without requests. */
  p50Ms: number | null;
  p99Ms: number | null;
  maxQueueDepth: number;
}

/** What {@link LiveCounters.snapshot} returns: the last minutes, oldest first, plus totals over them. */
export interface LiveSnapshot {
  minutes: LiveMinute[];
  totals: {
    escalationsByLabel: Record<string, number>;
    escalationsByPriority: Record<string, number>;
    activeLabels: Record<string, number>;
    texts: number;
    requests: number;
    tooManyRequests: number;
    /** Share of requests refused with 429 over the window (0 without requests). */
    tooManyRate: number;
    p50Ms: number | null;
    p99Ms: number | null;
  };
}

const emptyBucket = (): MinuteBucket => ({
  minute: -1,
  escalationsByLabel: {},
  escalationsByPriority: {},
  activeLabels: {},
  texts: 0,
  requests: 0,
  tooManyRequests: 0,
  latency: LATENCY_BOUNDS_MS.map(() => 0),
  maxQueueDepth: 0,
});

const add = (into: Record<string, number>, key: string, by = 1): void => {
  into[key] = (into[key] ?? 0) + by;
};

/**
 * Quantile `q` (0..1) of a histogram of counts per {@link LATENCY_BOUNDS_MS} bucket, interpolated linearly inside
 * the bucket it falls in (as Prometheus' histogram_quantile does); the open last bucket answers its lower bound.
 */
export function histogramQuantile(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] as number;
    if (count > 0 && seen + count >= rank) {
      const lower = i === 0 ? 0 : (LATENCY_BOUNDS_MS[i - 1] as number);
      const upper = LATENCY_BOUNDS_MS[i] as number;
      if (!Number.isFinite(upper)) return lower;
      return lower + ((upper - lower) * (rank - seen)) / count;
    }
    seen += count;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 2] as number;
}

/**
 * The server's per-minute counters for the operations console's live view: a ring of one bucket per minute over the
 * last `capacity` minutes (memory is fixed: an old minute's bucket is reused when its slot comes round again).
 * Fed by {@link ServerMetrics}' record methods together with the Prometheus metrics, so `/metrics` and the console
 * count the same events.
 *
 * @example
 * ```ts
 * const live = new LiveCounters(180);
 * live.escalation(['frustration'], 'normal');
 * live.snapshot(60).totals.escalationsByLabel; // { frustration: 1 }
 * ```
 */
export class LiveCounters {
  private readonly ring: MinuteBucket[];

  /**
   * @param capacity - minutes kept (the longest window {@link snapshot} can answer)
   * @param now - clock in epoch milliseconds (tests pass their own)
   */
  constructor(
    readonly capacity = 180,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be a positive whole number of minutes, got ${capacity}`);
    this.ring = Array.from({ length: capacity }, emptyBucket);
  }

  private current(): MinuteBucket {
    const minute = Math.floor(this.now() / 60_000);
    const slot = minute % this.capacity;
    let bucket = this.ring[slot] as MinuteBucket;
    if (bucket.minute !== minute) {
      bucket = { ...emptyBucket(), minute };
      this.ring[slot] = bucket;
    }
    return bucket;
  }

  /** An escalation with its active escalation labels and priority. */
  escalation(labels: readonly string[], priority: string): void {
    const bucket = this.current();
    add(bucket.escalationsByPriority, priority);
    for (const label of labels) add(bucket.escalationsByLabel, label);
  }

  /** One classified text and the labels active on it. */
  classified(active: readonly string[]): void {
    const bucket = this.current();
    bucket.texts += 1;
    for (const label of active) add(bucket.activeLabels, label);
  }

  /** A request answered: its status, and its latency when it was a classify request (`latencyMs`). */
  request(status: number, latencyMs?: number): void {
    const bucket = this.current();
    bucket.requests += 1;
    if (status === 429) bucket.tooManyRequests += 1;
    if (latencyMs !== undefined) {
      const i = LATENCY_BOUNDS_MS.findIndex((bound) => latencyMs <= bound);
      (bucket.latency[i] as number) += 1;
    }
  }

  /** The queue depth now (the minute keeps its highest). */
  queueDepth(depth: number): void {
    const bucket = this.current();
    bucket.maxQueueDepth = Math.max(bucket.maxQueueDepth, depth);
  }

  /** The last `minutes` minutes (the current one included), oldest first; minutes without traffic count zero. */
  snapshot(minutes: number): LiveSnapshot {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > this.capacity) {
      throw new RangeError(`minutes must be a whole number from 1 to ${this.capacity}, got ${minutes}`);
    }
    const last = Math.floor(this.now() / 60_000);
    const out: LiveMinute[] = [];
    const totals = { escalationsByLabel: {}, escalationsByPriority: {}, activeLabels: {}, texts: 0, requests: 0, tooManyRequests: 0 } as Omit<
      LiveSnapshot['totals'],
      'tooManyRate' | 'p50Ms' | 'p99Ms'
    >;
    const latency = LATENCY_BOUNDS_MS.map(() => 0);
    for (let minute = last - minutes + 1; minute <= last; minute++) {
      const stored = this.ring[((minute % this.capacity) + this.capacity) % this.capacity] as MinuteBucket;
      const bucket = stored.minute === minute ? stored : { ...emptyBucket(), minute };
      out.push({
        at: new Date(minute * 60_000).toISOString(),
        escalationsByLabel: { ...bucket.escalationsByLabel },
        escalationsByPriority: { ...bucket.escalationsByPriority },
        activeLabels: { ...bucket.activeLabels },
        texts: bucket.texts,
        requests: bucket.requests,
        tooManyRequests: bucket.tooManyRequests,
        p50Ms: histogramQuantile(bucket.latency, 0.5),
        p99Ms: histogramQuantile(bucket.latency, 0.99),
        maxQueueDepth: bucket.maxQueueDepth,
      });
      for (const [k, v] of Object.entries(bucket.escalationsByLabel)) add(totals.escalationsByLabel, k, v);
      for (const [k, v] of Object.entries(bucket.escalationsByPriority)) add(totals.escalationsByPriority, k, v);
      for (const [k, v] of Object.entries(bucket.activeLabels)) add(totals.activeLabels, k, v);
      totals.texts += bucket.texts;
      totals.requests += bucket.requests;
      totals.tooManyRequests += bucket.tooManyRequests;
      bucket.latency.forEach((count, i) => (latency[i] = (latency[i] as number) + count));
    }
    return {
      minutes: out,
      totals: {
        ...totals,
        tooManyRate: totals.requests === 0 ? 0 : totals.tooManyRequests / totals.requests,
        p50Ms: histogramQuantile(latency, 0.5),
        p99Ms: histogramQuantile(latency, 0.99),
      },
    };
  }
}
