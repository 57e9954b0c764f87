import { connect } from 'node:net';
import type { InjectOptions } from 'fastify';
import { generateBadRequests, type BadRequestCase } from './__tests__/helpers/bad-requests';
import type { TestRequest, TestResponse } from './__tests__/helpers/http-client';
import { startTestServer, type TestServer } from './__tests__/helpers/test-server';

const COUNT = 10_000;
const SOCKET_SAMPLE = 500;
const LIMITS = { maxChars: 2000, maxBatch: 64, bodyLimitBytes: 256 * 1024 };

/** Sends a generated request in-process (no socket), as the loopback client would send it. */
async function injectCase(server: TestServer, r: TestRequest): Promise<TestResponse> {
  const hasBody = r.payload !== undefined || r.raw !== undefined;
  const res = await server.app.inject({
    method: (r.method ?? (hasBody ? 'POST' : 'GET')) as InjectOptions['method'],
    url: r.url,
    headers: { ...(r.payload !== undefined ? { 'content-type': 'application/json' } : {}), ...r.headers },
    ...(hasBody ? { payload: r.raw ?? JSON.stringify(r.payload) } : {}),
  });
  return { statusCode: res.statusCode, headers: res.headers as TestResponse['headers'], body: res.body, json: () => res.json() };
}

/** Sends every case with a few concurrent workers; returns mismatches and the status distribution. */
async function sendAll(cases: readonly BadRequestCase[], send: (r: TestRequest) => Promise<TestResponse>, workers: number) {
  const failures: string[] = [];
  const byStatus = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      const res = await send(c.request);
      byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1);
      let body: { error?: { code?: unknown; message?: unknown } } = {};
      try {
        body = res.json();
      } catch {
        // reported below as not clear
      }
      const clear = typeof body.error?.code === 'string' && typeof body.error?.message === 'string' && body.error.message.length > 0;
      if (res.statusCode !== c.status || !clear) failures.push(`${c.kind}: got ${res.statusCode} ${res.body.slice(0, 160)} (expected ${c.status})`);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return { failures, byStatus };
}

describe(`robustness: ${COUNT} generated bad requests`, () => {
  let server: TestServer;
  beforeAll(async () => {
    // Request logs off: ten thousand of them would cost more than the requests.
    server = await startTestServer(LIMITS, { logLevel: 'warn' });
  });
  afterAll(() => server.close());

  const cases = generateBadRequests(COUNT, LIMITS);

  it('covers many kinds of bad input', () => {
    expect(new Set(cases.map((c) => c.kind)).size).toBeGreaterThanOrEqual(20);
  });

  it('answers each with its clear 4xx, never a 5xx (in-process)', async () => {
    const { failures, byStatus } = await sendAll(cases, (r) => injectCase(server, r), 4);
    expect(failures.slice(0, 10)).toEqual([]);
    expect([...byStatus.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
    expect([...byStatus.values()].reduce((a, b) => a + b, 0)).toBe(COUNT);
  }, 120_000);

  it(`answers the first ${SOCKET_SAMPLE} the same over real sockets, and keeps serving`, async () => {
    const { failures, byStatus } = await sendAll(cases.slice(0, SOCKET_SAMPLE), (r) => server.inject(r), 8);
    expect(failures.slice(0, 10)).toEqual([]);
    expect([...byStatus.values()].reduce((a, b) => a + b, 0)).toBe(SOCKET_SAMPLE);
    // None of it reached the model, and the server still works.
    expect(server.classifier.batches).toEqual([]);
    expect((await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'angry' } })).json().rule).toBe('frustration');
    expect((await server.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await server.inject({ url: '/metrics' })).body).not.toMatch(/status="5\d\d"/);
  }, 60_000);
});

/** Opens a raw connection, writes `chunks` (with pauses), and resolves with what the server answered. */
function rawExchange(url: string, chunks: readonly (string | number)[]): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.on('data', (d) => (received += d.toString('utf8')));
    socket.on('close', () => resolve(received));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(received) : reject(e)));
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (typeof chunk === 'number') await new Promise((r) => setTimeout(r, chunk));
        else if (!socket.destroyed) socket.write(chunk);
      }
    });
  });
}

describe('robustness: slow clients over a real socket', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ clientTimeoutMs: 300 });
  });
  afterAll(() => server.close());

  const body = JSON.stringify({ text: 'angry' });
  const head = `POST /v1/classify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;

  it.each([
    ['sends nothing', [1000]],
    ['stops in the middle of the headers', ['POST /v1/classify HTTP/1.1\r\nHost: 127.0.0.1\r\n', 1000]],
    ['stops in the middle of the body', [head, body.slice(0, 5), 1000]],
  ])('gets 408 when it %s', async (_name, chunks) => {
    const answer = await rawExchange(server.url, chunks);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('is served when it trickles its request in time', async () => {
    const request = head + body;
    const chunks: (string | number)[] = [];
    for (let i = 0; i < request.length; i += 20) chunks.push(request.slice(i, i + 20), 5);
    const answer = await rawExchange(server.url, chunks);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toMatch(/"rule":"frustration"/);
  });

  it('answers 400 to garbage instead of HTTP, and keeps serving', async () => {
    expect(await rawExchange(server.url, ['\u0000\u0001 NOT HTTP AT ALL\r\n\r\n', 200])).toMatch(/^HTTP\/1\.1 400 /);
    expect((await server.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});
