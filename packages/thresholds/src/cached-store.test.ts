import { isMangaAssistError, MangaAssistError } from '@mangaassist/common';
import { CachedThresholdStore } from './cached-store';
import { createThresholdStoreRegistry } from './store-registry';
import type { ThresholdStore } from './threshold-store';

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
    // Each expired read retries the store (no cached failure).
    const readsWhileDown = state.reads;
    await cached.getEffective('m');
    expect(state.reads).toBe(readsWhileDown + 1);
    // A model never read before has no fallback: the failure reaches the caller.
    await expect(cached.getEffective('other')).rejects.toThrow('connection refused');
    state.mode = 'up';
    await real.setRecommended('m', { frustration: 0.35 }, change);
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
});
