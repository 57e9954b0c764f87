// Operations controls of the admin API: temporary overrides that revert by themselves, operators named in the
// audit trail (own tokens or a sign-in proxy's header), the limit on failed authentications, and the churn phrase
// list edited at run time.
import { parseConfig, serverConfigSchema } from '@mangaassist/common';
import { EXPIRY_AUTHOR } from '@mangaassist/thresholds';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './__tests__/helpers/test-server';

const shared = { authorization: `Bearer ${ADMIN_TOKEN}` };
const AIKO = 'aiko-token-0123456789abcdef';
const JORDAN = 'jordan-token-0123456789abcdef';
const operators = [
  { name: 'aiko', token: AIKO },
  { name: 'jordan', token: JORDAN },
];
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const OVERRIDE = '/admin/api/thresholds/frustration/override';

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, limitMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - start > limitMs) throw new Error(`not done after ${limitMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('temporary overrides', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { thresholds: { overrideExpiryCheckMs: 50 } });
  });
  afterAll(() => server.close());

  const put = (payload: Record<string, unknown>) => server.inject({ method: 'PUT', url: OVERRIDE, headers: shared, payload });

  it('reverts by itself at its expiry, with the set and the revert in the audit trail once each', async () => {
    const before = Date.now();
    const set = await put({ value: 0.42, reason: 'known outage', author: 'ops@example', expiresInMinutes: 1.5 / 60 });
    expect(set.statusCode).toBe(200);
    const expiresAt = set.json().overrideExpiresAt as string;
    expect(Date.parse(expiresAt) - before).toBeGreaterThanOrEqual(1500);
    expect(Date.parse(expiresAt) - before).toBeLessThan(1500 + 1000);
    expect(set.json()).toMatchObject({ override: 0.42, effective: 0.42, overrideAuthor: 'ops@example' });
    // "meh" scores 0.45: escalated while the override lasts.
    expect((await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'meh' } })).json().rule).toBe('frustration');

    const audit = await until(
      async () => (await server.inject({ url: '/admin/api/audit?limit=5', headers: shared })).json().entries as Record<string, unknown>[],
      (entries) => entries[0]?.author === EXPIRY_AUTHOR,
    );
    expect(audit.slice(0, 2)).toEqual([
      expect.objectContaining({ label: 'frustration', oldValue: 0.42, newValue: null, author: EXPIRY_AUTHOR, reason: `temporary override expired at ${expiresAt} (was set by ops@example: known outage)` }),
      expect.objectContaining({ label: 'frustration', oldValue: null, newValue: 0.42, author: 'ops@example', reason: 'known outage', expiresAt }),
    ]);
    const row = (await server.inject({ url: '/admin/api/thresholds', headers: shared })).json().labels[0];
    expect(row).toMatchObject({ label: 'frustration', override: null, overrideExpiresAt: null, effective: 0.5 });
    expect((await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'meh' } })).json().rule).toBe('none');
    // Later checks find nothing more to revert.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const later = (await server.inject({ url: '/admin/api/audit?limit=50', headers: shared })).json().entries as { author: string }[];
    expect(later.filter((e) => e.author === EXPIRY_AUTHOR)).toHaveLength(1);
  }, 15_000);

  it('accepts an absolute expiry time', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const res = await put({ value: 0.3, reason: 'outage until the fix', author: 'ops', expiresAt: at });
    expect(res.statusCode).toBe(200);
    expect(res.json().overrideExpiresAt).toBe(at);
    await put({ value: null, reason: 'fixed', author: 'ops' });
  });

  it.each([
    [{ expiresInMinutes: 0 }, 'body.expiresInMinutes', /at least/],
    [{ expiresInMinutes: 7 * 24 * 60 + 1 }, 'body.expiresInMinutes', /at most 10080/],
    [{ expiresInMinutes: '60' }, 'body.expiresInMinutes', /number/],
    [{ expiresInMinutes: 60, expiresAt: '2030-01-01T00:00:00Z' }, 'body.expiresAt', /at most one/],
    [{ expiresAt: 'tomorrow' }, 'body.expiresAt', /ISO 8601/],
    [{ expiresAt: '<img src=x onerror=alert(1)>' }, 'body.expiresAt', /ISO 8601/],
    [{ expiresAt: '2030-01-01T00:00:00Z\u0000' }, 'body.expiresAt', /ISO 8601/],
    [{ expiresAt: '2030-01-01T00:00:00Z\ud800' }, 'body.expiresAt', /ISO 8601/],
    [{ expiresAt: '2001-01-01T00:00:00Z' }, 'body.expiresAt', /between one second and seven days/],
    [{ expiresAt: '2999-01-01T00:00:00Z' }, 'body.expiresAt', /between one second and seven days/],
    [{ value: null, expiresInMinutes: 5 }, 'body.value', /takes no expiry/],
  ])('refuses %j naming %s', async (extra, path, message) => {
    const res = await put({ value: 0.4, reason: 'r', author: 'a', ...extra });
    expect(res.statusCode).toBe(400);
    const problem = (res.json().error.problems as { path: string; message: string }[]).find((p) => p.path === path);
    expect(problem?.message).toMatch(message);
    expect((await server.store.list(server.classifier.modelId)).find((r) => r.label === 'frustration')?.override).toBeNull();
  });
});

describe('operators named in the audit trail', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      admin: { operators, identityHeader: { name: 'x-operator', trustedProxies: ['127.0.0.1'] }, authFailures: { maxFailures: 1_000 } },
    });
  });
  afterAll(() => server.close());

  it('records the operator of a token as the author, and refuses to sign for someone else', async () => {
    const who = (await server.inject({ url: '/admin/api/thresholds', headers: bearer(AIKO) })).json().operator;
    expect(who).toEqual({ name: 'aiko', via: 'operator-token' });
    const set = await server.inject({ method: 'PUT', url: OVERRIDE, headers: bearer(AIKO), payload: { value: 0.3, reason: 'outage' } });
    expect(set.json()).toMatchObject({ override: 0.3, overrideAuthor: 'aiko' });
    const same = await server.inject({ method: 'PUT', url: OVERRIDE, headers: bearer(JORDAN), payload: { value: 0.31, reason: 'tweak', author: 'jordan' } });
    expect(same.json()).toMatchObject({ overrideAuthor: 'jordan' });
    const other = await server.inject({ method: 'PUT', url: OVERRIDE, headers: bearer(JORDAN), payload: { value: 0.32, reason: 'r', author: 'aiko' } });
    expect(other.statusCode).toBe(400);
    expect(other.json().error.problems).toEqual([{ path: 'body.author', message: expect.stringMatching(/signed in as "jordan"/) }]);
    const audit = (await server.inject({ url: '/admin/api/audit?limit=2', headers: bearer(AIKO) })).json().entries;
    expect(audit.map((e: { author: string }) => e.author)).toEqual(['jordan', 'aiko']);
  });

  it('keeps the shared token working, with the author it sends (required)', async () => {
    expect((await server.inject({ url: '/admin/api/thresholds', headers: shared })).json().operator).toEqual({ name: null, via: 'shared-token' });
    const missing = await server.inject({ method: 'PUT', url: OVERRIDE, headers: shared, payload: { value: null, reason: 'back' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/body\.author: required with the shared admin token/);
    const cleared = await server.inject({ method: 'PUT', url: OVERRIDE, headers: shared, payload: { value: null, reason: 'back', author: 'ops' } });
    expect(cleared.json()).toMatchObject({ override: null });
  });

  it("takes the operator from a trusted proxy's header, and refuses a header that cannot be an author", async () => {
    const viaProxy = await server.inject({ url: '/admin/api/thresholds', headers: { 'x-operator': 'sam@example' } });
    expect(viaProxy.json().operator).toEqual({ name: 'sam@example', via: 'proxy' });
    const set = await server.inject({ method: 'PUT', url: OVERRIDE, headers: { 'x-operator': 'sam@example' }, payload: { value: 0.33, reason: 'proxy test' } });
    expect(set.json()).toMatchObject({ overrideAuthor: 'sam@example' });
    // A header holding only white space names nobody (HTTP itself refuses NUL and non-Latin-1 text in headers).
    const blank = await server.inject({ url: '/admin/api/thresholds', headers: { 'x-operator': '\u00a0' } });
    expect(blank.statusCode).toBe(401);
    expect(blank.json().error.message).toMatch(/x-operator header must name the operator/);
  });

  it('ignores the identity header from an address that is not a trusted proxy', async () => {
    const elsewhere = await startTestServer({ admin: { identityHeader: { name: 'x-operator', trustedProxies: ['10.9.9.9'] } } });
    try {
      const res = await elsewhere.inject({ url: '/admin/api/thresholds', headers: { 'x-operator': 'mallory' } });
      expect(res.statusCode).toBe(401);
      expect((await elsewhere.inject({ url: '/admin/api/thresholds', headers: shared })).statusCode).toBe(200);
    } finally {
      await elsewhere.close();
    }
  });

  it('refuses a configuration where an operator reuses the shared token, or two operators share a name', () => {
    expect(() => parseConfig(serverConfigSchema, { serving: { adminToken: AIKO, admin: { operators: [{ name: 'aiko', token: AIKO }] } } })).toThrow(
      /serving\.admin\.operators.*differ from adminToken/,
    );
    expect(() => parseConfig(serverConfigSchema, { serving: { admin: { operators: [{ name: 'a', token: AIKO }, { name: 'a', token: JORDAN }] } } })).toThrow(
      /names must be unique/,
    );
    expect(() => parseConfig(serverConfigSchema, { serving: { admin: { operators: [{ name: 'a', token: 'short' }] } } })).toThrow(/token/);
  });
});

describe('failed authentications', () => {
  it('are limited per client address: 429 with Retry-After, even for a right token, until the window ends', async () => {
    const server = await startTestServer({ admin: { operators, authFailures: { maxFailures: 3, windowMs: 60_000 } } });
    try {
      for (let i = 0; i < 3; i += 1) {
        expect((await server.inject({ url: '/admin/api/thresholds', headers: bearer(`wrong-token-number-${i}-xxxx`) })).statusCode).toBe(401);
      }
      for (const headers of [bearer('wrong-token-number-4-xxxx'), bearer(AIKO), {}]) {
        const res = await server.inject({ url: '/admin/api/thresholds', headers });
        expect(res.statusCode).toBe(429);
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(50);
        expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
        expect(res.json().error.code).toBe('TOO_MANY_AUTH_FAILURES');
      }
      // Classification is not affected.
      expect((await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'angry' } })).statusCode).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('churn phrases', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ admin: { operators, authFailures: { maxFailures: 1_000 } } });
  });
  afterAll(() => server.close());

  const rule = async (text: string) => (await server.inject({ method: 'POST', url: '/v1/classify', payload: { text } })).json().rule;
  const put = (payload: unknown, headers: Record<string, string> = bearer(AIKO)) =>
    server.inject({ method: 'PUT', url: '/admin/api/churn-phrases', headers, payload });

  it('shows the configured list until operators store one', async () => {
    const res = await server.inject({ url: '/admin/api/churn-phrases', headers: shared });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ source: 'config', enabled: true, updated: null, history: [], limits: { maxPhrases: 200, maxLength: 100 } });
    expect(res.json().phrases).toContain('cancel');
  });

  it('stores a normalised list that classification uses from the next message, with its history', async () => {
    // "maybe" scores churn_risk 0.2: only the phrase boost (0.35) makes it reach 0.5.
    expect(await rule('maybe refund now')).toBe('none');
    expect(await rule('maybe I cancel')).toBe('churn_phrase');
    const res = await put({ phrases: ['  Refund   NOW!', 'refund now', 'Ｕｎｓｕｂｓｃｒｉｂ*'], reason: 'new wording from the support team' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      source: 'store',
      phrases: ['refund now', 'unsubscrib*'],
      updated: { author: 'aiko', reason: 'new wording from the support team' },
    });
    expect(res.json().history).toEqual([
      expect.objectContaining({ oldPhrases: null, newPhrases: ['refund now', 'unsubscrib*'], author: 'aiko', reason: 'new wording from the support team' }),
    ]);
    expect(await rule('maybe refund now')).toBe('churn_phrase');
    expect(await rule('maybe unsubscribing')).toBe('churn_phrase');
    expect(await rule('maybe I cancel')).toBe('none');
  });

  it.each([
    ['an empty list', { phrases: [], reason: 'r' }, 'body.phrases'],
    ['too many phrases', { phrases: Array.from({ length: 201 }, (_, i) => `p${i}`), reason: 'r' }, 'body.phrases'],
    ['an over-long phrase', { phrases: ['ok', 'x'.repeat(101)], reason: 'r' }, 'body.phrases.1'],
    ['a NUL in a phrase', { phrases: ['can\u0000cel'], reason: 'r' }, 'body.phrases.0'],
    ['a lone surrogate in a phrase', { phrases: ['ok', 'cancel\ud800'], reason: 'r' }, 'body.phrases.1'],
    ['an invisible phrase', { phrases: ['\u200b'], reason: 'r' }, 'body.phrases.0'],
    ['a phrase of punctuation', { phrases: ['ok', '<>!'], reason: 'r' }, 'body.phrases.1'],
    ['a phrase that is not text', { phrases: [42], reason: 'r' }, 'body.phrases.0'],
    ['a NUL in the reason', { phrases: ['ok'], reason: 'r\u0000' }, 'body.reason'],
    ['a lone surrogate in the reason', { phrases: ['ok'], reason: '\udc00' }, 'body.reason'],
    ['no reason', { phrases: ['ok'] }, 'body.reason'],
    ['an unknown field', { phrases: ['ok'], reason: 'r', boost: 1 }, 'body'],
  ])('refuses %s, changing nothing', async (_name, payload, path) => {
    const res = await put(payload);
    expect(res.statusCode).toBe(400);
    expect((res.json().error.problems as { path: string }[]).map((p) => p.path)).toContain(path);
    expect((await server.store.getChurnPhrases(server.classifier.modelId))?.phrases).toEqual(['refund now', 'unsubscrib*']);
  });

  it('keeps markup as plain text and requires an author with the shared token', async () => {
    expect((await put({ phrases: ['ok'], reason: 'r' }, shared)).json().error.message).toMatch(/body\.author/);
    const res = await put({ phrases: ['refund now', '<img src=x onerror=alert(1)>'], reason: '</script><b>x</b>', author: 'ops' }, shared);
    expect(res.json().phrases).toEqual(['refund now', 'img src x onerror alert 1']);
    expect(res.json().history[0]).toMatchObject({ author: 'ops', reason: '</script><b>x</b>' });
  });

  it('needs admin credentials', async () => {
    expect((await server.inject({ url: '/admin/api/churn-phrases' })).statusCode).toBe(401);
    expect((await put({ phrases: ['x'], reason: 'r' }, {})).statusCode).toBe(401);
  });
});
