import { MangaAssistError } from '@mangaassist/common';
import type {
  ChangeInfo,
  ChurnPhraseAuditEntry,
  ChurnPhraseList,
  LabelThreshold,
  OverrideOptions,
  ThresholdAuditEntry,
  ThresholdChangeNotice,
  ThresholdMap,
  ThresholdStore,
  ThresholdWatch,
} from './threshold-store';

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
  /**
   * How long a reader holding an expired value waits for its refresh (ms) before it is served that value while the
   * refresh goes on in the background. Default 100: a fast store is read through as before, a slow one costs each
   * request at most this much instead of `timeoutMs`.
   */
  readonly refreshWaitMs?: number;
  /**
   * After a failed read, the store is not asked again for this long (ms); the wait doubles with each failure in a row
   * up to `maxRetryAfterFailureMs` and resets on success or on a successful `ping`. Readers get the last-known-good
   * values meanwhile, or at once the last failure when there are none. Default 1000.
   */
  readonly retryAfterFailureMs?: number;
  /** Longest wait between retries of a failing store (ms). Default 30 000. */
  readonly maxRetryAfterFailureMs?: number;
  /** `checkHealth` pings the store at most once per this interval (ms), whatever the probe rate. Default 1000. */
  readonly healthCheckIntervalMs?: number;
  /** Clock in ms (tests pin it). Default `Date.now`. */
  readonly now?: () => number;
}

/** What {@link CachedThresholdStore.checkHealth} found: whether the store answered its latest ping. */
export interface StoreHealth {
  readonly reachable: boolean;
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
 * Several processes share one postgres or redis store: when the store can `watch`, the cache subscribes to its
 * change notices, so a change written through any process marks that model stale here and re-reads it at once
 * (well under a second), instead of serving the old value until the TTL runs out. After the subscription was down
 * the store sends a resync notice and every cached model is re-read once. The TTL stays as the safety net for a
 * notice that is lost anyway. An expired entry keeps its value as the last-known-good fallback.
 *
 * A slow or failing store must not slow every request: a reader holding an expired value waits for the refresh at
 * most `refreshWaitMs` and is then served that value (stale while revalidating), and after a failure the store is
 * left alone for a backoff that doubles up to `maxRetryAfterFailureMs`. Readiness probes go through `checkHealth`,
 * which pings at most once per `healthCheckIntervalMs`, so a flood of probes cannot exhaust a connection pool.
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
  private readonly phrases = new Map<string, Entry<ChurnPhraseList | null>>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly refreshWaitMs: number;
  private readonly retryAfterFailureMs: number;
  private readonly maxRetryAfterFailureMs: number;
  private readonly healthCheckIntervalMs: number;
  private degraded = false;
  private lastError: string | undefined;
  private lastRefreshAt: number | null = null;
  /** The latest read failure, re-thrown without asking the store while the backoff lasts. */
  private lastFailure: unknown;
  private failuresInARow = 0;
  private retryAt = 0;
  private health: { checkedAt: number; reachable: boolean } | undefined;
  private healthCheck: Promise<StoreHealth> | undefined;
  /** Bumped by every change notice, resync or own write: a refresh that straddles one must not count as fresh. */
  private readonly generations = new Map<string, number>();
  private resyncs = 0;
  private readonly changes: ThresholdWatch | undefined;

  constructor(
    /** The backing store. */
    readonly inner: ThresholdStore,
    options: CachedStoreOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.now = options.now ?? Date.now;
    this.refreshWaitMs = options.refreshWaitMs ?? 100;
    this.retryAfterFailureMs = options.retryAfterFailureMs ?? 1000;
    this.maxRetryAfterFailureMs = options.maxRetryAfterFailureMs ?? 30_000;
    this.healthCheckIntervalMs = options.healthCheckIntervalMs ?? 1000;
    if (!(this.ttlMs >= 0)) throw new RangeError(`ttlMs must be >= 0, got ${this.ttlMs}`);
    if (!(this.timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${this.timeoutMs}`);
    for (const [name, value] of [
      ['refreshWaitMs', this.refreshWaitMs],
      ['retryAfterFailureMs', this.retryAfterFailureMs],
      ['maxRetryAfterFailureMs', this.maxRetryAfterFailureMs],
      ['healthCheckIntervalMs', this.healthCheckIntervalMs],
    ] as const) {
      if (!(value >= 0)) throw new RangeError(`${name} must be >= 0, got ${value}`);
    }
    this.changes = inner.watch?.((notice) => this.onNotice(notice));
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

  /**
   * The effective thresholds of `modelId` last read from the store (fresh or not), without asking the store; `undefined`
   * when none were read yet. For probes that must not add load (readiness shows them with their sources).
   */
  peekEffective(modelId: string): ThresholdMap | undefined {
    return this.effective.get(modelId)?.value;
  }

  list(modelId: string): Promise<LabelThreshold[]> {
    return this.cachedRead(this.lists, `list:${modelId}`, modelId, () => this.inner.list(modelId));
  }

  async setRecommended(modelId: string, thresholds: ThresholdMap, change: ChangeInfo): Promise<void> {
    await this.write(modelId, () => this.inner.setRecommended(modelId, thresholds, change));
  }

  async setOverride(
    modelId: string,
    label: string,
    value: number | null,
    change: ChangeInfo,
    options?: OverrideOptions,
  ): Promise<void> {
    // Passed on only when given, so a store written before temporary overrides sees the call it always did.
    await this.write(modelId, () =>
      options === undefined
        ? this.inner.setOverride(modelId, label, value, change)
        : this.inner.setOverride(modelId, label, value, change, options),
    );
  }

  /**
   * Reverts the model's expired overrides in the store (see `ThresholdStore.expireOverrides`); the cache is dropped
   * only when one was reverted, so that a periodic call costs no extra reads. A store without the method has
   * nothing to revert.
   */
  async expireOverrides(modelId: string): Promise<ThresholdAuditEntry[]> {
    const inner = this.inner;
    if (!inner.expireOverrides) return [];
    let reverted: ThresholdAuditEntry[];
    try {
      reverted = await this.withTimeout(inner.expireOverrides(modelId), 'expireOverrides');
    } catch (error) {
      // It may have gone through before the failure (or after the timeout): read again rather than keep it.
      this.drop(modelId);
      throw error;
    }
    if (reverted.length > 0) this.drop(modelId);
    return reverted;
  }

  /**
   * The churn phrases stored for the model (null: none, the configured list applies), cached like thresholds: a
   * change through any process reaches here with the store's change notice. A store that keeps no phrases gives null.
   */
  getChurnPhrases(modelId: string): Promise<ChurnPhraseList | null> {
    const inner = this.inner;
    if (!inner.getChurnPhrases) return Promise.resolve(null);
    return this.cachedRead(this.phrases, `phrases:${modelId}`, modelId, () => inner.getChurnPhrases!(modelId));
  }

  /** Replaces the model's churn phrases in the store; refused with `TypeError` when the store keeps none. */
  async setChurnPhrases(modelId: string, phrases: readonly string[], change: ChangeInfo): Promise<void> {
    const inner = this.inner;
    if (!inner.setChurnPhrases) throw new TypeError('this threshold store does not keep churn phrases');
    await this.write(modelId, () => inner.setChurnPhrases!(modelId, phrases, change));
  }

  /** Churn phrase list changes, newest first (never cached); empty when the store keeps none. */
  async churnPhraseAudit(modelId: string, options?: { limit?: number }): Promise<ChurnPhraseAuditEntry[]> {
    return this.inner.churnPhraseAudit ? this.inner.churnPhraseAudit(modelId, options) : [];
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
    // The store answers again: let the next read try it instead of waiting out the backoff.
    this.failuresInARow = 0;
    this.retryAt = 0;
  }

  /**
   * Pings the store at most once per `healthCheckIntervalMs` (concurrent callers share one ping) and says whether
   * it answered. For readiness probes, which may come at any rate.
   *
   * @example
   * ```ts
   * const { reachable } = await store.checkHealth();
   * ```
   */
  checkHealth(): Promise<StoreHealth> {
    if (this.healthCheck) return this.healthCheck;
    if (this.health && this.now() - this.health.checkedAt < this.healthCheckIntervalMs) {
      return Promise.resolve({ reachable: this.health.reachable });
    }
    const check = (async (): Promise<StoreHealth> => {
      let reachable = true;
      try {
        await this.ping();
      } catch {
        reachable = false;
      }
      this.health = { checkedAt: this.now(), reachable };
      return { reachable };
    })().finally(() => {
      this.healthCheck = undefined;
    });
    this.healthCheck = check;
    return check;
  }

  async close(): Promise<void> {
    await this.changes?.close();
    await this.inner.close();
  }

  private async write(modelId: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } finally {
      // Drop the cache even when the write failed: it may have been applied before the connection broke.
      this.drop(modelId);
    }
  }

  private drop(modelId: string): void {
    this.bump(modelId);
    this.effective.delete(modelId);
    this.lists.delete(modelId);
    this.phrases.delete(modelId);
  }

  /** A change made by any process (or a resync): mark the cached values stale and re-read them in the background. */
  private onNotice(notice: ThresholdChangeNotice): void {
    const models =
      notice.kind === 'changed'
        ? [notice.modelId]
        : [...new Set([...this.effective.keys(), ...this.lists.keys(), ...this.phrases.keys()])];
    if (notice.kind === 'resync') this.resyncs += 1;
    for (const modelId of models) {
      if (notice.kind === 'changed') this.bump(modelId);
      const hadEffective = this.expire(this.effective, modelId);
      const hadList = this.expire(this.lists, modelId);
      // Re-read now so the next request finds the new value instead of waiting for this refresh itself.
      if (hadEffective) this.rereadSoon(`effective:${modelId}`, () => this.getEffective(modelId));
      if (hadList) this.rereadSoon(`list:${modelId}`, () => this.list(modelId));
      if (this.expire(this.phrases, modelId)) this.rereadSoon(`phrases:${modelId}`, () => this.getChurnPhrases(modelId));
    }
  }

  /** Reads again, after the refresh under way (started before the notice, so possibly old) has finished. */
  private rereadSoon(flightKey: string, read: () => Promise<unknown>): void {
    const pending = this.inFlight.get(flightKey);
    (pending ? pending.catch(() => undefined).then(read) : read()).catch(() => undefined);
  }

  private bump(modelId: string): void {
    this.generations.set(modelId, (this.generations.get(modelId) ?? 0) + 1);
  }

  private generation(modelId: string): number {
    return (this.generations.get(modelId) ?? 0) + this.resyncs;
  }

  /** Keeps the value as fallback but makes the next read refresh it; says whether there was one. */
  private expire<T>(cache: Map<string, Entry<T>>, modelId: string): boolean {
    const entry = cache.get(modelId);
    if (!entry) return false;
    cache.set(modelId, { value: entry.value, fetchedAt: Number.NEGATIVE_INFINITY });
    return true;
  }

  private async cachedRead<T>(
    cache: Map<string, Entry<T>>,
    flightKey: string,
    modelId: string,
    fetch: () => Promise<T>,
  ): Promise<T> {
    const cached = cache.get(modelId);
    if (cached && this.now() - cached.fetchedAt < this.ttlMs) return cached.value;
    if (this.now() < this.retryAt) {
      // Backing off after a failure: the store is not asked again yet.
      if (cached) return cached.value;
      throw this.lastFailure;
    }
    let refresh = this.inFlight.get(flightKey) as Promise<T> | undefined;
    if (!refresh) {
      refresh = this.refresh(cache, modelId, fetch).finally(() => this.inFlight.delete(flightKey));
      this.inFlight.set(flightKey, refresh);
    }
    if (!cached) return refresh;
    // Stale while revalidating: wait a little for the fresh value, then serve the one we have.
    let timer: NodeJS.Timeout | undefined;
    const stale = new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(cached.value), this.refreshWaitMs);
      timer.unref();
    });
    return Promise.race([refresh.catch(() => cache.get(modelId)?.value ?? cached.value), stale]).finally(() => clearTimeout(timer));
  }

  private async refresh<T>(cache: Map<string, Entry<T>>, modelId: string, fetch: () => Promise<T>): Promise<T> {
    const generation = this.generation(modelId);
    try {
      const value = await this.withTimeout(fetch(), 'read');
      const fetchedAt = this.now();
      // A change notice that arrived while this read was under way may be newer than what it read: keep the value
      // but let the next read fetch again.
      cache.set(modelId, {
        value,
        fetchedAt: this.generation(modelId) === generation ? fetchedAt : Number.NEGATIVE_INFINITY,
      });
      this.degraded = false;
      this.lastError = undefined;
      this.lastRefreshAt = fetchedAt;
      this.failuresInARow = 0;
      this.retryAt = 0;
      return value;
    } catch (error) {
      this.markFailure(error);
      if (!isArgumentError(error)) {
        this.lastFailure = error;
        this.failuresInARow += 1;
        const wait = Math.min(this.maxRetryAfterFailureMs, this.retryAfterFailureMs * 2 ** (this.failuresInARow - 1));
        this.retryAt = this.now() + wait;
      }
      const fallback = cache.get(modelId);
      if (fallback) return fallback.value;
      throw error;
    }
  }

  private markFailure(error: unknown): void {
    // Validation errors are the caller's mistake, not a sign that the store is down.
    if (isArgumentError(error)) return;
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

function isArgumentError(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError;
}
