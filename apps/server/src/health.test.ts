import { isMangaAssistError, parseConfig, serverConfigSchema } from '@mangaassist/common';
import { KeywordClassifier } from './__tests__/helpers/keyword-classifier';
import { MemoryThresholdStore } from './__tests__/helpers/memory-threshold-store';
import { startTestServer, type TestServer } from './__tests__/helpers/test-server';
import { startServer } from './start-server';

describe('health, readiness and store outage', () => {
  let server: TestServer;
  afterEach(() => server.close());

  it('is alive and ready with a reachable store', async () => {
    server = await startTestServer();
    expect((await server.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await server.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      model: { id: 'keyword-test-v1', loaded: true },
      store: { reachable: true, degraded: false, lastRefreshAt: expect.any(String) },
      shuttingDown: false,
    });
  });

  it('serves last-known-good thresholds during a store outage, reports degraded, and recovers', async () => {
    server = await startTestServer();
    await server.store.setOverride('keyword-test-v1', 'frustration', 0.4, { author: 'ops', reason: 'before outage' });
    expect((await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'meh' } })).json()).toMatchObject({
      rule: 'frustration', // 0.45 >= 0.4 (override)
      degraded: false,
    });

    server.store.down = true;
    const during = await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'meh', explain: true } });
    expect(during.statusCode).toBe(200);
    expect(during.json()).toMatchObject({ rule: 'frustration', degraded: true }); // still the override's 0.4
    const ready = await server.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'degraded', store: { reachable: false, degraded: true } });
    // The store's own error text is for operators (the admin API), not for the public probe.
    expect(ready.body).not.toMatch(/down/);
    expect((await server.inject({ url: '/metrics' })).body).toMatch(/^threshold_store_degraded 1$/m);

    server.store.down = false;
    const after = await server.inject({ url: '/readyz' });
    expect(after.json()).toMatchObject({ status: 'ready', store: { reachable: true, degraded: false } });
    expect((await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'meh' } })).json().degraded).toBe(false);
    expect((await server.inject({ url: '/metrics' })).body).toMatch(/^threshold_store_degraded 0$/m);
  });

  it('is not ready while no inference worker runs, and ready again once one does', async () => {
    server = await startTestServer();
    server.classifier.available = false;
    const ready = await server.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', model: { id: 'keyword-test-v1', loaded: false } });
    expect((await server.inject({ url: '/metrics' })).body).toMatch(/^model_available 0$/m);
    server.classifier.available = true;
    expect((await server.inject({ url: '/metrics' })).body).toMatch(/^model_available 1$/m);
    expect((await server.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ready', model: { loaded: true } });
  });

  it('is not ready, and refuses to classify with 503 + Retry-After, while the store was never reachable', async () => {
    server = await startTestServer({}, { storeDown: true });
    expect(server.logs.join('\n')).toMatch(/threshold store unreachable at startup/);
    const ready = await server.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', store: { reachable: false, lastRefreshAt: null } });
    const res = await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'hello' } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error.code).toBe('STORE_UNAVAILABLE');

    server.store.down = false;
    expect((await server.inject({ url: '/readyz' })).json().status).toBe('ready');
    expect((await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'hello' } })).statusCode).toBe(200);
  });

  it('touches the store at most once per health-check interval under a flood of readiness probes', async () => {
    server = await startTestServer({}, { thresholds: { healthCheckIntervalMs: 60_000 } });
    await server.inject({ url: '/readyz' });
    const before = server.store.calls;
    const answers = await Promise.all(Array.from({ length: 300 }, () => server.inject({ url: '/readyz' })));
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    expect(server.store.calls - before).toBe(0);
  });

  it('refuses to start with a model id the threshold stores cannot key, instead of failing every classify', async () => {
    const config = parseConfig(serverConfigSchema, { serving: { host: '127.0.0.1', port: 0 } });
    const error = await startServer(config, { classifier: new KeywordClassifier('my model v2'), store: new MemoryThresholdStore(), listen: false }).catch(
      (e: unknown) => e,
    );
    expect(isMangaAssistError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/serving\.modelId.*"my model v2"/);
    server = await startTestServer(); // for afterEach
  });

  it('keeps classify fast while the store turns slow: expired thresholds are used while the refresh runs', async () => {
    server = await startTestServer({}, { thresholds: { cacheTtlMs: 50, refreshWaitMs: 50, storeTimeoutMs: 5000 } });
    await server.store.setOverride('keyword-test-v1', 'frustration', 0.4, { author: 'ops', reason: 'before' });
    await new Promise((r) => setTimeout(r, 60)); // past the TTL of the thresholds read at startup
    expect((await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'meh' } })).json().rule).toBe('frustration');
    server.store.delayMs = 1500;
    const slowest = { ms: 0 };
    const until = Date.now() + 1000;
    while (Date.now() < until) {
      const started = Date.now();
      const res = await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'meh' } });
      expect(res.json()).toMatchObject({ rule: 'frustration', degraded: false }); // the last thresholds read
      slowest.ms = Math.max(slowest.ms, Date.now() - started);
    }
    // Each request waits for the refresh at most refreshWaitMs (50 ms), never the store's 1.5 s.
    expect(slowest.ms).toBeLessThan(750);
    server.store.delayMs = 0;
  });
});
