import { ADMIN_TOKEN, startTestServer, type TestServer } from './__tests__/helpers/test-server';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('admin API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it.each([
    [{}, 401],
    [{ authorization: 'Bearer wrong-token-of-some-length' }, 401],
    [{ authorization: `Bearer ${ADMIN_TOKEN}x` }, 401],
    [{ authorization: `Basic ${ADMIN_TOKEN}` }, 401],
    [{ authorization: ADMIN_TOKEN }, 401],
  ])('refuses %j with %i', async (headers, status) => {
    const res = await server.inject({ url: '/admin/api/thresholds', headers });
    expect(res.statusCode).toBe(status);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.json().error.code).toBe('UNAUTHORIZED');
  });

  it('refuses a write without the token and changes nothing', async () => {
    const res = await server.inject({ method: 'PUT', url: '/admin/api/thresholds/frustration/override', payload: { value: 0.3, reason: 'x', author: 'y' } });
    expect(res.statusCode).toBe(401);
    expect((await server.store.list('keyword-test-v1')).find((r) => r.label === 'frustration')?.override).toBeNull();
  });

  it('lists every model label with its layers and the store status', async () => {
    const res = await server.inject({ url: '/admin/api/thresholds', headers: auth });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ modelId: 'keyword-test-v1', defaultThreshold: 0.5, store: { degraded: false } });
    expect(body.labels.map((r: { label: string }) => r.label)).toEqual(['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral']);
    expect(body.labels[0]).toMatchObject({ label: 'frustration', recommended: 0.5, override: null, effective: 0.5 });
    expect(body.labels[1]).toMatchObject({ label: 'satisfaction', recommended: null, override: null, effective: null });
  });

  it('sets and clears an override with a reason, visible in the audit trail and in decisions', async () => {
    const set = await server.inject({
      method: 'PUT',
      url: '/admin/api/thresholds/frustration/override',
      headers: auth,
      payload: { value: 0.42, reason: 'too many misses', author: 'ops@example' },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ label: 'frustration', recommended: 0.5, override: 0.42, effective: 0.42, overrideAuthor: 'ops@example', overrideReason: 'too many misses' });
    expect((await server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'meh' } })).json().rule).toBe('frustration');

    const cleared = await server.inject({
      method: 'PUT',
      url: '/admin/api/thresholds/frustration/override',
      headers: auth,
      payload: { value: null, reason: 'back to calibrated', author: 'ops@example' },
    });
    expect(cleared.json()).toMatchObject({ override: null, effective: 0.5 });

    const audit = (await server.inject({ url: '/admin/api/audit?limit=2', headers: auth })).json();
    expect(audit.entries.map((e: Record<string, unknown>) => [e.label, e.layer, e.oldValue, e.newValue, e.reason])).toEqual([
      ['frustration', 'override', 0.42, null, 'back to calibrated'],
      ['frustration', 'override', null, 0.42, 'too many misses'],
    ]);
  });

  it.each([
    ['/admin/api/thresholds/anger/override', { value: 0.3, reason: 'r', author: 'a' }, 404, /"anger" is not a label.*frustration/],
    ['/admin/api/thresholds/frustration/override', { value: 1.5, reason: 'r', author: 'a' }, 400, /body\.value/],
    ['/admin/api/thresholds/frustration/override', { value: 0.3, reason: '  ', author: 'a' }, 400, /body\.reason/],
    ['/admin/api/thresholds/frustration/override', { value: 0.3, reason: 'r' }, 400, /body\.author/],
  ])('PUT %s %j → %i', async (url, payload, status, message) => {
    const res = await server.inject({ method: 'PUT', url, headers: auth, payload });
    expect(res.statusCode).toBe(status);
    expect(res.json().error.message).toMatch(message);
  });

  it('validates the audit query', async () => {
    const res = await server.inject({ url: '/admin/api/audit?limit=0', headers: auth });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/query\.limit/);
  });

  it('answers 503 when the store is down and nothing is cached', async () => {
    server.store.down = true;
    try {
      const res = await server.inject({ url: '/admin/api/audit', headers: auth });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('STORE_UNAVAILABLE');
    } finally {
      server.store.down = false;
    }
  });

  it('is disabled without a configured token', async () => {
    const bare = await startTestServer({ adminToken: undefined });
    try {
      const res = await bare.inject({ url: '/admin/api/thresholds', headers: auth });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toMatch(/serving\.adminToken/);
    } finally {
      await bare.close();
    }
  });

  it('serves the dashboard page with a strict content security policy', async () => {
    const page = await server.inject({ url: '/dashboard' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.body).toMatch(/<script type="module" src="\/dashboard\/console\/app\.js"/);
    expect((await server.inject({ url: '/dashboard/console/app.js' })).headers['content-type']).toMatch(/javascript/);
    expect((await server.inject({ url: '/dashboard/console/panels/thresholds.js' })).statusCode).toBe(200);
    // Only files under static/ are served: no path escapes it.
    expect((await server.inject({ url: '/dashboard/../package.json' })).statusCode).toBe(404);
    expect((await server.inject({ url: '/dashboard/console/%2e%2e/%2e%2e/package.json' })).statusCode).toBe(404);
  });
});
