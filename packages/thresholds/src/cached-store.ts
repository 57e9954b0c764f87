import { MangaAssistError } from '@mangaassist/common';
import type { ChangeInfo, LabelThreshold, ThresholdAuditEntry, ThresholdMap, ThresholdStore } from './threshold-store';

/** Health of a {@link CachedThresholdStore}, for readiness probes and the dashboard. */
export interface CachedStoreStatus {
  /** True while the backing store fails and readers are served last-known-good values. */
  readonly degraded: boolean;
  /** Message of the latest failure while degraded. */
  readonly lastError?: string;
  /** When a read last reached the backing store successfully (ISO time), null before the first one. */
  readonly lastRefreshAt: string | null;
}

/** Options of {@link CachedThresholdStore}. */
export interface CachedStoreOptions {
  /** How long a read stays fresh (ms). Default 10 000; 0 reads through every time (still keeping a fallback). */
  readonly ttlMs?: number;
  /** A read taking longer than this counts as a failure, so a hung store cannot stall readers. Default 2000. */
  readonly timeoutMs?: number;
  /** Clock in ms (tests pin it). Default `Date.now`. */
  readonly now?: () => number;
}

interface Entry<T> {
  readonly value: T;
  readonly fetchedAt: number;
}

/**
 * A TTL cache in front of any {@link ThresholdStore}. Reads (`getEffective`, `list`) are served from memory while
 * fresh; when the store fails or times out, readers keep the last-known-good values and `status()` reports
 * degraded until a read succeeds again. Concurrent refreshes of one model share a single backend call. Writes go
 * straight to the store and drop that model's cache so the writer reads its own change; `audit` and `ping` are
 * never cached.
 *
 * @example
 * ```ts
 * const store = new CachedThresholdStore(createThresholdStoreRegistry().create('redis', { url }, {}), { ttlMs: 10_000 });
 * const thresholds = await store.getEffective('manga-v1');
 * if (store.status().degraded) log.warn('serving cached thresholds');
 * ```
 */
export class CachedThresholdStore implements ThresholdStore {
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly effective = new Map<string, Entry<ThresholdMap>>();
  private readonly lists = new Map<string, Entry<LabelThreshold[]>>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private degraded = false;
  private lastError: string | undefined;
  private lastRefreshAt: number | null = null;

  constructor(
    /** The backing store. */
    readonly inner: ThresholdStore,
    options: CachedStoreOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.now = options.now ?? Date.now;
    if (!(this.ttlMs >= 0)) throw new RangeError(`ttlMs must be >= 0, got ${this.ttlMs}`);
    if (!(this.timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${this.timeoutMs}`);
  }

  /** Health of the backing store as last seen. */
  status(): CachedStoreStatus {
    return {
      degraded: this.degraded,
      ...(this.degraded && this.lastError !== undefined ? { lastError: this.lastError } : {}),
      lastRefreshAt: this.lastRefreshAt === null ? null : new Date(this.lastRefreshAt).toISOString(),
    };
  }

  getEffective(modelId: string): Promise<ThresholdMap> {
    return this.cachedRead(this.effective, `effective:${modelId}`, modelId, () => this.inner.getEffective(modelId));
  }

  list(modelId: string): Promise<LabelThreshold[]> {
    return this.cachedRead(this.lists, `list:${modelId}`, modelId, () => this.inner.list(modelId));
  }

  async setRecommended(modelId: string, thresholds: ThresholdMap, change: ChangeInfo): Promise<void> {
    await this.write(modelId, () => this.inner.setRecommended(modelId, thresholds, change));
  }

  async setOverride(modelId: string, label: string, value: number | null, change: ChangeInfo): Promise<void> {
    await this.write(modelId, () => this.inner.setOverride(modelId, label, value, change));
  }

  audit(modelId: string, options?: { limit?: number }): Promise<ThresholdAuditEntry[]> {
    return this.inner.audit(modelId, options);
  }

  async ping(): Promise<void> {
    try {
      await this.withTimeout(this.inner.ping(), 'ping');
    } catch (error) {
      this.markFailure(error);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async write(modelId: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } finally {
      // Drop the cache even when the write failed: it may have been applied before the connection broke.
      this.effective.delete(modelId);
      this.lists.delete(modelId);
    }
  }

  private async cachedRead<T>(
    cache: Map<string, Entry<T>>,
    flightKey: string,
    modelId: string,
    fetch: () => Promise<T>,
  ): Promise<T> {
    const cached = cache.get(modelId);
    if (cached && this.now() - cached.fetchedAt < this.ttlMs) return cached.value;
    const pending = this.inFlight.get(flightKey) as Promise<T> | undefined;
    if (pending) return pending;
    const refresh = (async () => {
      try {
        const value = await this.withTimeout(fetch(), 'read');
        const fetchedAt = this.now();
        cache.set(modelId, { value, fetchedAt });
        this.degraded = false;
        this.lastError = undefined;
        this.lastRefreshAt = fetchedAt;
        return value;
      } catch (error) {
        this.markFailure(error);
        const fallback = cache.get(modelId);
        if (fallback) return fallback.value;
        throw error;
      } finally {
        this.inFlight.delete(flightKey);
      }
    })();
    this.inFlight.set(flightKey, refresh);
    return refresh;
  }

  private markFailure(error: unknown): void {
    // Validation errors are the caller's mistake, not a sign that the store is down.
    if (error instanceof TypeError || error instanceof RangeError) return;
    this.degraded = true;
    this.lastError = error instanceof Error ? error.message : String(error);
  }

  private withTimeout<T>(promise: Promise<T>, operation: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new MangaAssistError('STORE_UNAVAILABLE', `threshold store ${operation} timed out after ${this.timeoutMs} ms`),
          ),
        this.timeoutMs,
      );
      timer.unref();
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}
