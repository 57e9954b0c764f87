import { connect } from 'node:net';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './__tests__/helpers/test-server';

/** Opens a raw connection, writes `request`, waits up to `waitMs`, and resolves with what the server answered. */
function rawExchange(url: string, request: string | Buffer, waitMs = 2000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('data', (d) => (received += d.toString('utf8')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(received) : reject(e)));
    socket.on('connect', () => socket.write(request));
  });
}

/** The status line and the JSON body of a raw HTTP/1.1 answer. */
function parseAnswer(answer: string): { status: number; headers: string; body: { error?: { code?: unknown; message?: unknown } } } {
  const match = /^HTTP\/1\.1 (\d{3}) [^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(answer);
  if (!match) throw new Error(`not an HTTP answer: ${JSON.stringify(answer.slice(0, 200))}`);
  let body = {};
  try {
    body = JSON.parse(match[3]!);
  } catch {
    // left empty: the assertions below report the raw answer
  }
  return { status: Number(match[1]), headers: match[2]!.toLowerCase(), body };
}

function expectDocumentedError(answer: string, status: number): void {
  const parsed = parseAnswer(answer);
  expect({ status: parsed.status, answer }).toMatchObject({ status });
  expect(parsed.headers).toMatch(/content-type: application\/json/);
  expect(typeof parsed.body.error?.code).toBe('string');
  expect(typeof parsed.body.error?.message).toBe('string');
}

const INVISIBLE = [
  ['zero-width spaces (U+200B)', '\u200B'],
  ['zero-width joiners (U+200D)', '\u200D'],
  ['soft hyphens (U+00AD)', '\u00AD'],
  ['left-to-right marks (U+200E)', '\u200E'],
  ['right-to-left overrides (U+202E)', '\u202E'],
  ['word joiners (U+2060)', '\u2060'],
  ['byte-order marks (U+FEFF)', '\uFEFF'],
  ['variation selectors (U+FE0F)', '\uFE0F'],
  ['ideographic spaces (U+3000)', '\u3000'],
  ['control characters (U+0007)', '\u0007'],
] as const;

describe('hostile input on /v1/classify', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ maxChars: 2000 });
  });
  afterAll(() => server.close());

  it.each(INVISIBLE)('refuses a text of 50 %s alone', async (_name, char) => {
    const res = await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: char.repeat(50) } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'INVALID_REQUEST', problems: [{ path: 'body.text', message: 'must contain at least one visible character' }] });
  });

  it('accepts visible text wrapped in invisible characters, and emoji-only text', async () => {
    for (const text of ['\u200Bangry\u200D', '😡', '👍🏽', '🇯🇵']) {
      const res = await server.inject({ method: 'POST', url: '/v1/classify', payload: { text } });
      expect({ text, status: res.statusCode }).toEqual({ text, status: 200 });
    }
  });

  it('refuses raw invalid UTF-8 instead of classifying replacement characters', async () => {
    for (const bytes of [
      Buffer.from([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0x61, 0xff, 0x62, 0x22, 0x7d]), // {"text":"a\xffb"}
      Buffer.concat([Buffer.from('{"text":"an'), Buffer.from([0xc3]), Buffer.from('gry"}')]), // a truncated 2-byte sequence
      Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), // an encoded surrogate (CESU-8)
      Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), // an overlong "/"
    ]) {
      const before = server.classifier.batches.length;
      const res = await server.inject({ method: 'POST', url: '/v1/classify', raw: bytes, headers: { 'content-type': 'application/json' } });
      expect({ bytes: bytes.toString('hex'), status: res.statusCode }).toEqual({ bytes: bytes.toString('hex'), status: 400 });
      expect(res.json().error.code).toBe('INVALID_UTF8');
      expect(server.classifier.batches.length).toBe(before);
    }
  });

  it('counts maxChars in UTF-16 code units, as documented', async () => {
    const send = (text: string) => server.inject({ method: 'POST', url: '/v1/classify', payload: { text } });
    expect((await send('a'.repeat(2000))).statusCode).toBe(200);
    expect((await send('a'.repeat(2001))).statusCode).toBe(400);
    // An emoji outside the BMP is two code units: 1,000 fit in 2,000, 1,001 do not.
    expect((await send('😡'.repeat(1000))).statusCode).toBe(200);
    const over = await send('😡'.repeat(1001));
    expect(over.statusCode).toBe(400);
    expect(over.json().error.problems[0]).toEqual({ path: 'body.text', message: 'must be at most 2000 characters (UTF-16 code units)' });
  });
});

describe('every error the HTTP layer sends has the documented body', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ clientTimeoutMs: 300 });
  });
  afterAll(() => server.close());

  it('408 for a client that stops sending', async () => {
    const answer = await rawExchange(server.url, 'POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{"te');
    expectDocumentedError(answer, 408);
  });

  it('400 for bytes that are not HTTP', async () => {
    expectDocumentedError(await rawExchange(server.url, '\u0000\u0001 NOT HTTP AT ALL\r\n\r\n'), 400);
  });

  it('431 for headers larger than the parser allows', async () => {
    const answer = await rawExchange(server.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expectDocumentedError(answer, 431);
  });

  it('400 for a bad URL escape, without echoing the URL', async () => {
    const answer = await rawExchange(server.url, 'GET /v1/classify/%zz-secret-text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expectDocumentedError(answer, 400);
    expect(answer).not.toContain('secret-text');
  });

  it('414 or 404 for a very long URL, without echoing it', async () => {
    const answer = await rawExchange(server.url, `GET /${'x'.repeat(8000)}secret-path HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const { status } = parseAnswer(answer);
    expect([404, 414, 431]).toContain(status);
    expectDocumentedError(answer, status);
    expect(answer).not.toContain('secret-path');
  });

  it('414 for an over-long path parameter, without echoing it', async () => {
    const answer = await rawExchange(server.url, `PUT /admin/api/thresholds/${'x'.repeat(300)}secret/override HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expectDocumentedError(answer, 414);
    expect(answer).not.toContain('secret');
  });

  it('404 for an unknown route names a short path and cuts a long one', async () => {
    const short = await server.inject({ url: '/no/such/route' });
    expect(short.statusCode).toBe(404);
    expect(short.json().error).toEqual({ code: 'NOT_FOUND', message: 'no route GET /no/such/route' });
    const long = await server.inject({ url: `/no/such/${'x'.repeat(200)}route-secret` });
    expect(long.statusCode).toBe(404);
    expect(long.body).not.toContain('route-secret');
  });
});

describe('hostile input on the admin API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const put = (payload: unknown) =>
    server.inject({
      method: 'PUT',
      url: '/admin/api/thresholds/frustration/override',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload,
    });

  it.each([
    ['a NUL in author', { value: 0.4, reason: 'outage', author: 'ops\u0000' }, 'body.author'],
    ['a lone surrogate in author', { value: 0.4, reason: 'outage', author: 'ops\ud800' }, 'body.author'],
    ['a NUL in reason', { value: 0.4, reason: 'out\u0000age', author: 'ops' }, 'body.reason'],
    ['a lone surrogate in reason', { value: 0.4, reason: 'outage\udfff', author: 'ops' }, 'body.reason'],
    ['an invisible-only author', { value: 0.4, reason: 'outage', author: '\u200B\u200B' }, 'body.author'],
    ['a subnormal threshold', { value: 5e-324, reason: 'outage', author: 'ops' }, 'body.value'],
    ['a threshold a hair below 1', { value: 1 - 1e-12, reason: 'outage', author: 'ops' }, 'body.value'],
  ])('refuses %s', async (_name, payload, path) => {
    const res = await put(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems.map((p: { path: string }) => p.path)).toContain(path);
    expect((await server.store.list(server.classifier.modelId)).find((r) => r.label === 'frustration')?.override).toBeNull();
  });

  it('accepts the extremes of the documented range', async () => {
    for (const value of [0.001, 0.999]) {
      const res = await put({ value, reason: 'range check', author: 'ops' });
      expect({ value, status: res.statusCode }).toEqual({ value, status: 200 });
    }
  });
});

describe('requests that arrive while the server drains', () => {
  it('get the documented 503 body with Retry-After, not the framework’s own', async () => {
    const server = await startTestServer();
    try {
      server.context.lifecycle.shuttingDown = true;
      for (const url of ['/v1/classify', '/readyz', '/no/such/route']) {
        const res = await server.inject(url === '/v1/classify' ? { method: 'POST', url, payload: { text: 'late again' } } : { url });
        expect({ url, status: res.statusCode, retryAfter: res.headers['retry-after'] }).toEqual({ url, status: 503, retryAfter: '1' });
        expect(res.json().error).toEqual({ code: 'SHUTTING_DOWN', message: 'the server is shutting down; retry on another instance' });
      }
    } finally {
      server.context.lifecycle.shuttingDown = false;
      await server.close();
    }
  });
});
