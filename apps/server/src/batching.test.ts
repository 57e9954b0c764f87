import { ServingError } from '@mangaassist/serving';
import { startTestServer, type TestServer } from './__tests__/helpers/test-server';

describe('micro-batching, overload and timeouts over HTTP', () => {
  let server: TestServer;
  afterEach(() => server.close());

  const classify = (text: string) => server.inject({ method: 'POST', url: '/v1/classify', payload: { text } });

  it('runs concurrent requests together, never more than batching.maxBatch at once', async () => {
    server = await startTestServer({ batching: { maxBatch: 4, maxWaitMs: 5, queueLimit: 100 } });
    server.classifier.delayMs = 20;
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => classify(i % 2 ? 'angry' : 'hello')));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(12).fill(200));
    expect(responses.map((r) => r.json().rule)).toEqual(Array.from({ length: 12 }, (_, i) => (i % 2 ? 'frustration' : 'none')));
    const sizes = server.classifier.batches.map((b) => b.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(12);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(sizes.length).toBeLessThan(12); // some requests shared a batch
  });

  it('answers 429 with Retry-After when the queue is full, and serves the rest', async () => {
    server = await startTestServer({ maxBatch: 2, batching: { maxBatch: 1, maxWaitMs: 0, queueLimit: 2 } });
    server.classifier.delayMs = 100;
    const responses = await Promise.all(Array.from({ length: 6 }, () => classify('hello')));
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(3); // one running + two queued
    const refused = responses.filter((r) => r.statusCode === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    for (const r of refused) {
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(r.json().error.code).toBe('QUEUE_FULL');
    }
    expect((await server.inject({ url: '/metrics' })).body).toMatch(/^http_requests_total\{route="\/v1\/classify",method="POST",status="429"\} [1-9]/m);
  });

  it('answers 503 with Retry-After when a request passes its deadline', async () => {
    server = await startTestServer({ requestTimeoutMs: 30 });
    server.classifier.delayMs = 300;
    const res = await classify('hello');
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.json().error).toMatchObject({ code: 'TIMEOUT', message: 'no result within 30 ms' });
  });

  it('answers 500 without internals when inference fails, and keeps serving', async () => {
    server = await startTestServer();
    server.classifier.failWith = new Error('session exploded at /secret/path');
    const res = await classify('hello');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    expect(server.logs.join('\n')).toMatch(/session exploded/);
    server.classifier.failWith = undefined;
    expect((await classify('hello')).statusCode).toBe(200);
  });

  it('answers 503 with Retry-After when the inference worker died under the request', async () => {
    server = await startTestServer();
    server.classifier.failWith = new ServingError('MODEL_UNAVAILABLE', 'the inference worker stopped (exit code 1); retry');
    const res = await classify('hello');
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json().error.code).toBe('MODEL_UNAVAILABLE');
  });
});
