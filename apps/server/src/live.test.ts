import { ADMIN_TOKEN, startTestServer, type TestServer } from './__tests__/helpers/test-server';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('GET /admin/api/live', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('refuses without the admin token', async () => {
    const res = await server.inject({ url: '/admin/api/live' });
    expect(res.statusCode).toBe(401);
  });

  it('refuses a bad window naming the field', async () => {
    const res = await server.inject({ url: '/admin/api/live?minutes=500', headers: auth });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/query\.minutes/);
  });

  it('counts the same escalations as /metrics, per label and priority, in the current minute', async () => {
    const metric = async (pattern: RegExp) => Number(pattern.exec((await server.inject({ url: '/metrics' })).body)?.[1] ?? 0);
    const frustrationBefore = await metric(/^escalations_total\{label="frustration"\} (\d+)/m);
    const before = (await server.inject({ url: '/admin/api/live?minutes=5', headers: auth })).json();
    await server.inject({ method: 'POST', url: '/v1/classify', payload: { texts: ['angry and leaving', 'angry', 'hello there'] } });
    const after = (await server.inject({ url: '/admin/api/live?minutes=5', headers: auth })).json();
    const frustrationAfter = await metric(/^escalations_total\{label="frustration"\} (\d+)/m);

    expect(after.minutes).toHaveLength(5);
    expect(after).toMatchObject({ modelId: 'keyword-test-v1', queueDepth: expect.any(Number) });
    const delta = (path: (b: typeof after) => number | undefined) => (path(after) ?? 0) - (path(before) ?? 0);
    expect(delta((b) => b.totals.escalationsByLabel.frustration)).toBe(2);
    expect(delta((b) => b.totals.escalationsByLabel.churn_risk)).toBe(1);
    expect(delta((b) => b.totals.escalationsByPriority.high)).toBe(1);
    expect(delta((b) => b.totals.escalationsByPriority.normal)).toBe(1);
    expect(delta((b) => b.totals.texts)).toBe(3);
    expect(delta((b) => b.totals.activeLabels.frustration)).toBe(2);
    expect(frustrationAfter - frustrationBefore).toBe(2);
    expect(after.totals.p50Ms).toEqual(expect.any(Number));
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await server.inject({ url: '/openapi.json' })).json();
    expect(doc.paths['/admin/api/live'].get.parameters.map((p: { name: string }) => p.name)).toContain('minutes');
  });
});
