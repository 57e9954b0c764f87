import { isMangaAssistError, MangaAssistError } from '@mangaassist/common';
import { CachedThresholdStore } from './cached-store';
import { createThresholdStoreRegistry } from './store-registry';
import type { ThresholdChangeNotice, ThresholdStore } from './threshold-store';

const change = { author: 'ops', reason: 'test' };

/** A real (in-memory sqlite) store whose reads can be made to fail or hang, counting backend reads. */
function flakyStore() {
  const real = createThresholdStoreRegistry().create('sqlite', { path: ':memory:' }, {});
  const state = { mode: 'up' as 'up' | 'down' | 'hang', reads: 0 };
  const gate = <T>(body: () => Promise<T>): Promise<T> => {
    state.reads += 1;
    if (state.mode === 'down') return Promise.reject(new MangaAssistError('STORE_UNAVAILABLE', 'connection refused'));
    if (state.mode === 'hang') return new Promise<T>(() => undefined);
    return body();
  };
  const store: ThresholdStore = {
    setRecommended: (m, t, c) => real.setRecommended(m, t, c),
    setOverride: (m, l, v, c) => real.setOverride(m, l, v, c),
    list: (m) => gate(() => real.list(m)),
    getEffective: (m) => gate(() => real.getEffective(m)),
    audit: (m, o) => real.audit(m, o),
    ping: () => gate(() => real.ping()),
    close: () => real.close(),
  };
  return { store, real, state };
}

describe('CachedThresholdStore', () => {
  let clock = 1_000_000;
  const now = () => clock;

  it('peekEffective shows the last thresholds read, stale or not, without reading the store', async () => {
    const { store, real, state } = flakyStore();
    const cached = new CachedThresholdStore(store, { now, ttlMs: 10 });
    expect(cached.peekEffective('m')).toBeUndefined();
    await real.setRecommended('m', { frustration: 0.4 }, change);
    await cached.getEffective('m');
    const reads = state.reads;
    clock += 1000; // long past the TTL
    expect(cached.peekEffective('m')).toEqual({ frustration: 0.4 });
    expect(cached.peekEffective('other')).toBeUndefined();
    expect(state.reads).toBe(reads);
  });

  it('serves reads from memory for the TTL (10 s by default), then refreshes', async () => {
    const { store, real, state } = flakyStore();
    const cached = new CachedThresholdStore(store, { now });
    await real.setRecommended('m', { frustration: 0.4 }, change);
    expect(await cached.getEffective('m')).toEqual({ frustration: 0.4 });
    // Changed behind the cache's back (another server instance).
    await real.setOverride('m', 'frustration', 0.3, change);
    clock += 9_999;
    expect(await cached.getEffective('m')).toEqual({ frustration: 0.4 });
    expect(state.reads).toBe(1);
    clock += 1;
    expect(await cached.getEffective('m')).toEqual({ frustration: 0.3 });
    expect(state.reads).toBe(2);
    expect(cached.status()).toEqual({ degraded: false, lastRefreshAt: new Date(clock).toISOString() });
  });

  it('drops the model from the cache on writes through it, so writers read their own change', async () => {
    const { store } = flakyStore();
    const cached = new CachedThresholdStore(store, { now });
    await cached.setRecommended('m', { neutral: 0.5 }, change);
    expect(await cached.getEffective('m')).toEqual({ neutral: 0.5 });
    expect((await cached.list('m'))[0]?.effective).toBe(0.5);
    await cached.setOverride('m', 'neutral', 0.6, change);
    expect(await cached.getEffective('m')).toEqual({ neutral: 0.6 });
    expect((await cached.list('m'))[0]?.effective).toBe(0.6);
    expect(await cached.audit('m')).toHaveLength(2);
  });

  it('keeps the last-known-good values and reports degraded while the store is down, until it recovers', async () => {
    const { store, real, state } = flakyStore();
    const cached = new CachedThresholdStore(store, { now, ttlMs: 1000 });
    await real.setRecommended('m', { frustration: 0.4 }, change);
    await cached.getEffective('m');
    await cached.list('m');
    const refreshedAt = cached.status().lastRefreshAt;
    state.mode = 'down';
    clock += 5000;
    expect(await cached.getEffective('m')).toEqual({ frustration: 0.4 });
    expect((await cached.list('m'))[0]?.effective).toBe(0.4);
    expect(cached.status()).toEqual({ degraded: true, lastError: 'connection refused', lastRefreshAt: refreshedAt });
    // A model never read before has no fallback: the failure reaches the caller.
    await expect(cached.getEffective('other')).rejects.toThrow('connection refused');
    state.mode = 'up';
    await real.setRecommended('m', { frustration: 0.35 }, change);
    clock += 1000; // past the backoff after the failure
    expect(await cached.getEffective('m')).toEqual({ frustration: 0.35 });
    expect(cached.status()).toEqual({ degraded: false, lastRefreshAt: new Date(clock).toISOString() });
  });

  it('treats a hung store as down after the timeout', async () => {
    const { store, real, state } = flakyStore();
    const cached = new CachedThresholdStore(store, { now, ttlMs: 1000, timeoutMs: 20 });
    await real.setRecommended('m', { urgency: 0.7 }, change);
    await cached.getEffective('m');
    state.mode = 'hang';
    clock += 2000;
    expect(await cached.getEffective('m')).toEqual({ urgency: 0.7 });
    expect(cached.status()).toMatchObject({ degraded: true, lastError: 'threshold store read timed out after 20 ms' });
    await expect(cached.ping()).rejects.toThrow('ping timed out');
  });

  it('shares one backend read among concurrent readers of an expired entry', async () => {
    const { store, real, state } = flakyStore();
    const cached = new CachedThresholdStore(store, { now });
    await real.setRecommended('m', { confusion: 0.45 }, change);
    const results = await Promise.all(Array.from({ length: 10 }, () => cached.getEffective('m')));
    expect(results).toEqual(Array.from({ length: 10 }, () => ({ confusion: 0.45 })));
    expect(state.reads).toBe(1);
  });

  it('backs off after a failure, doubling the wait up to the maximum, and retries at once after a successful ping', async () => {
    const { store, real, state } = flakyStore();
    const cached = new CachedThresholdStore(store, { now, ttlMs: 0, retryAfterFailureMs: 100, maxRetryAfterFailureMs: 250 });
    await real.setRecommended('m', { frustration: 0.4 }, change);
    await cached.getEffective('m');
    state.mode = 'down';
    const tried: number[] = [];
    // Read every 10 ms for 1 s: the store is asked at 0, then after waits of 100, 200, 250, 250 ms.
    const start = clock;
    for (let t = 0; t <= 1000; t += 10) {
      clock = start + t;
      const before = state.reads;
      expect(await cached.getEffective('m')).toEqual({ frustration: 0.4 });
      if (state.reads > before) tried.push(t);
    }
    expect(tried).toEqual([0, 100, 300, 550, 800]);
    // Without a fallback, a read during the backoff fails at once with the last failure.
    await expect(cached.getEffective('never-read')).rejects.toThrow('connection refused');
    expect(state.reads).toBe(6);
    state.mode = 'up';
    await cached.ping();
    await real.setOverride('m', 'frustration', 0.3, change);
    expect(await cached.getEffective('m')).toEqual({ frustration: 0.3 });
    expect(cached.status().degraded).toBe(false);
  });

  it('serves the expired value after refreshWaitMs while a slow store answers, then the fresh one', async () => {
    const real = createThresholdStoreRegistry().create('sqlite', { path: ':memory:' }, {});
    let delayMs = 0;
    const slow: ThresholdStore = {
      ...real,
      getEffective: async (m) => {
        await new Promise((r) => setTimeout(r, delayMs));
        return real.getEffective(m);
      },
      list: (m) => real.list(m),
      setRecommended: (m, t, c) => real.setRecommended(m, t, c),
      setOverride: (m, l, v, c) => real.setOverride(m, l, v, c),
      audit: (m, o) => real.audit(m, o),
      ping: () => real.ping(),
      close: () => real.close(),
    };
    const cached = new CachedThresholdStore(slow, { now, ttlMs: 1000, refreshWaitMs: 20, timeoutMs: 5000 });
    await real.setRecommended('m', { urgency: 0.6 }, change);
    await cached.getEffective('m');
    await real.setOverride('m', 'urgency', 0.5, change);
    delayMs = 400;
    clock += 2000;
    const started = Date.now();
    expect(await cached.getEffective('m')).toEqual({ urgency: 0.6 }); // stale, served after ~20 ms
    expect(Date.now() - started).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 500)); // the refresh lands in the background
    expect(await cached.getEffective('m')).toEqual({ urgency: 0.5 });
    expect(cached.status().degraded).toBe(false);
    await real.close();
  });

  it('pings for checkHealth at most once per interval, sharing one ping among concurrent probes', async () => {
    const { store, state } = flakyStore();
    const cached = new CachedThresholdStore(store, { now, healthCheckIntervalMs: 1000 });
    const first = await Promise.all(Array.from({ length: 50 }, () => cached.checkHealth()));
    expect(first.every((h) => h.reachable)).toBe(true);
    expect(state.reads).toBe(1);
    state.mode = 'down';
    clock += 999;
    expect(await cached.checkHealth()).toEqual({ reachable: true }); // still the last answer
    expect(state.reads).toBe(1);
    clock += 1;
    expect(await cached.checkHealth()).toEqual({ reachable: false });
    expect(state.reads).toBe(2);
    expect(cached.status()).toMatchObject({ degraded: true, lastError: 'connection refused' });
  });

  it('reads through on every call with ttlMs 0 but still falls back', async () => {
    const { store, real, state } = flakyStore();
    const cached = new CachedThresholdStore(store, { now, ttlMs: 0 });
    await real.setRecommended('m', { neutral: 0.5 }, change);
    await cached.getEffective('m');
    await cached.getEffective('m');
    expect(state.reads).toBe(2);
    state.mode = 'down';
    expect(await cached.getEffective('m')).toEqual({ neutral: 0.5 });
  });

  it('does not report degraded for invalid arguments, and passes write failures through', async () => {
    const sqlite = createThresholdStoreRegistry().create('sqlite', { path: ':memory:' }, {});
    const cached = new CachedThresholdStore(sqlite, { now });
    await expect(cached.getEffective('')).rejects.toThrow(TypeError);
    expect(cached.status().degraded).toBe(false);
    await sqlite.close();
    const error = await cached.setOverride('m', 'neutral', 0.5, change).catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(() => new CachedThresholdStore(sqlite, { ttlMs: -1 })).toThrow(RangeError);
  });
  describe('change notices of a shared store', () => {
    /** The flaky store plus a `watch` whose notices the test sends by hand. */
    function watchedStore() {
      const base = flakyStore();
      const listeners: ((notice: ThresholdChangeNotice) => void)[] = [];
      let closedWatches = 0;
      const store: ThresholdStore = {
        ...base.store,
        watch: (listener) => {
          listeners.push(listener);
          return { close: async () => void (closedWatches += 1) };
        },
      };
      const send = (notice: ThresholdChangeNotice) => listeners.forEach((listener) => listener(notice));
      return { ...base, store, send, closedWatches: () => closedWatches };
    }
    const settle = () => new Promise((resolve) => setImmediate(resolve));

    it('re-reads a model named in a change notice at once, long before the TTL', async () => {
      const { store, real, state, send } = watchedStore();
      const cached = new CachedThresholdStore(store, { now, ttlMs: 600_000 });
      await real.setRecommended('m', { frustration: 0.4 }, change);
      await real.setRecommended('other', { frustration: 0.5 }, change);
      expect(await cached.getEffective('m')).toEqual({ frustration: 0.4 });
      expect(await cached.getEffective('other')).toEqual({ frustration: 0.5 });
      await real.setOverride('m', 'frustration', 0.3, change);
      send({ kind: 'changed', modelId: 'm' });
      await settle();
      // The background re-read has run: the next request gets the new value without a backend call of its own.
      expect(state.reads).toBe(3);
      expect(await cached.getEffective('m')).toEqual({ frustration: 0.3 });
      expect(await cached.getEffective('other')).toEqual({ frustration: 0.5 });
      expect(state.reads).toBe(3);
    });

    it('re-reads every cached model once on a resync notice (the subscription was down)', async () => {
      const { store, real, state, send } = watchedStore();
      const cached = new CachedThresholdStore(store, { now, ttlMs: 600_000 });
      await real.setRecommended('a', { neutral: 0.5 }, change);
      await real.setRecommended('b', { neutral: 0.6 }, change);
      await cached.getEffective('a');
      await cached.list('b');
      await real.setOverride('a', 'neutral', 0.7, change);
      await real.setOverride('b', 'neutral', 0.8, change);
      send({ kind: 'resync' });
      await settle();
      expect(state.reads).toBe(4);
      expect(await cached.getEffective('a')).toEqual({ neutral: 0.7 });
      expect((await cached.list('b'))[0]?.effective).toBe(0.8);
      expect(state.reads).toBe(4);
    });

    it('does not keep a read as fresh when a notice arrived while it was under way', async () => {
      const { store, real, send } = watchedStore();
      await real.setRecommended('m', { frustration: 0.4 }, change);
      // The first read is answered with the old value only after the notice came (a slow read racing a write).
      let answerFirst: (() => void) | undefined;
      let reads = 0;
      const slow: ThresholdStore = {
        ...store,
        getEffective: async (modelId) => {
          reads += 1;
          const value = await real.getEffective(modelId);
          if (reads === 1) await new Promise<void>((resolve) => (answerFirst = resolve));
          return value;
        },
      };
      const cached = new CachedThresholdStore(slow, { now, ttlMs: 600_000 });
      const first = cached.getEffective('m');
      await settle();
      await real.setOverride('m', 'frustration', 0.3, change);
      send({ kind: 'changed', modelId: 'm' });
      answerFirst?.();
      expect(await first).toEqual({ frustration: 0.4 });
      // The old answer is not cached as fresh for the TTL: the next read goes to the store.
      expect(await cached.getEffective('m')).toEqual({ frustration: 0.3 });
      expect(reads).toBe(2);
    });

    it('keeps the old value as fallback when the re-read after a notice fails', async () => {
      const { store, state, send, real } = watchedStore();
      const cached = new CachedThresholdStore(store, { now, ttlMs: 600_000 });
      await real.setRecommended('m', { frustration: 0.4 }, change);
      await cached.getEffective('m');
      state.mode = 'down';
      send({ kind: 'changed', modelId: 'm' });
      await settle();
      expect(await cached.getEffective('m')).toEqual({ frustration: 0.4 });
      expect(cached.status().degraded).toBe(true);
    });

    it('stops watching when closed', async () => {
      const { store, closedWatches } = watchedStore();
      const cached = new CachedThresholdStore(store, { now });
      await cached.close();
      expect(closedWatches()).toBe(1);
    });
  });

  it('caches churn phrases like thresholds, and drops a model only when an expiry check reverted something', async () => {
    const real = createThresholdStoreRegistry().create('sqlite', { path: ':memory:' }, { now: () => new Date(clock) });
    let phraseReads = 0;
    const store: ThresholdStore = {
      ...real,
      setRecommended: (m, t, c) => real.setRecommended(m, t, c),
      setOverride: (m, l, v, c, o) => real.setOverride(m, l, v, c, o),
      list: (m) => real.list(m),
      getEffective: (m) => real.getEffective(m),
      audit: (m, o) => real.audit(m, o),
      ping: () => real.ping(),
      close: () => real.close(),
      expireOverrides: (m) => real.expireOverrides!(m),
      getChurnPhrases: (m) => ((phraseReads += 1), real.getChurnPhrases!(m)),
      setChurnPhrases: (m, p, c) => real.setChurnPhrases!(m, p, c),
      churnPhraseAudit: (m, o) => real.churnPhraseAudit!(m, o),
    };
    const cached = new CachedThresholdStore(store, { now });
    expect(await cached.getChurnPhrases('m')).toBeNull();
    expect(await cached.getChurnPhrases('m')).toBeNull();
    expect(phraseReads).toBe(1);
    await cached.setChurnPhrases('m', ['cancel'], change);
    expect((await cached.getChurnPhrases('m'))?.phrases).toEqual(['cancel']);
    expect(phraseReads).toBe(2);
    expect((await cached.churnPhraseAudit('m')).map((a) => a.newPhrases)).toEqual([['cancel']]);

    await cached.setOverride('m', 'frustration', 0.3, change, { expiresAt: new Date(clock + 1000) });
    expect(await cached.getEffective('m')).toEqual({ frustration: 0.3 });
    // A write drops the model's whole cache, phrases included.
    await cached.getChurnPhrases('m');
    expect(phraseReads).toBe(3);
    // Nothing expired: the cache stays (no extra read for a periodic check).
    expect(await cached.expireOverrides('m')).toEqual([]);
    expect((await cached.getChurnPhrases('m'))?.phrases).toEqual(['cancel']);
    expect(phraseReads).toBe(3);
    clock += 1000;
    expect(await cached.expireOverrides('m')).toHaveLength(1);
    expect(await cached.getEffective('m')).toEqual({});
    await cached.getChurnPhrases('m');
    expect(phraseReads).toBe(4);
    await cached.close();
  });

  it('gives no phrases and reverts nothing over a store without those methods', async () => {
    const { store } = flakyStore();
    const cached = new CachedThresholdStore(store, { now });
    expect(await cached.getChurnPhrases('m')).toBeNull();
    expect(await cached.expireOverrides('m')).toEqual([]);
    expect(await cached.churnPhraseAudit('m')).toEqual([]);
    await expect(cached.setChurnPhrases('m', ['x'], change)).rejects.toThrow('does not keep churn phrases');
  });
});
