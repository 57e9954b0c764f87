import { startTestServer, type TestServer } from './__tests__/helpers/test-server';

describe('POST /v1/classify', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ maxChars: 200, maxBatch: 4 });
  });
  afterAll(() => server.close());

  const classify = (payload: unknown) => server.inject({ method: 'POST', url: '/v1/classify', payload });

  it('classifies one text: probabilities, active labels, escalation, priority and rule', async () => {
    const res = await classify({ text: 'I am so angry, my parcel is late' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      modelId: 'keyword-test-v1',
      degraded: false,
      active: ['frustration'],
      escalate: true,
      priority: 'normal',
      rule: 'frustration',
      escalationId: expect.any(String),
    });
    expect(body.probabilities.frustration).toBeCloseTo(0.9, 6);
    expect(Object.keys(body.probabilities)).toEqual(['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral']);
    expect(body.explanation).toBeUndefined();
  });

  it.each([
    ['hello there', 'none', 'none', false],
    ['I am leaving for good', 'churn_risk', 'normal', true],
    ['angry and leaving', 'frustration+churn_risk', 'high', true],
    // 0.2 + boost 0.35 = 0.55 >= 0.5: only the phrase makes churn_risk active.
    ['maybe I should cancel', 'churn_phrase', 'normal', true],
    ['angry, maybe I will never again order', 'frustration+churn_phrase', 'high', true],
    // "cancelled" is not the phrase "cancel" (whole words).
    ['maybe my order was cancelled', 'none', 'none', false],
  ])('%j → rule %s, priority %s', async (text, rule, priority, escalate) => {
    const body = (await classify({ text })).json();
    expect(body).toMatchObject({ rule, priority, escalate });
    expect(body.escalationId === null).toBe(!escalate);
  });

  it('classifies a batch in order', async () => {
    const res = await classify({ texts: ['hello', 'angry', 'thanks a lot'] });
    expect(res.statusCode).toBe(200);
    const { results } = res.json();
    expect(results.map((r: { rule: string }) => r.rule)).toEqual(['none', 'frustration', 'none']);
    expect(results[2].active).toEqual(['satisfaction']);
  });

  it('explains which signals decided when asked', async () => {
    const body = (await classify({ text: 'Maybe I will CANCEL…', explain: true })).json();
    expect(body.explanation.churnPhrases).toEqual([{ phrase: 'cancel', matched: 'cancel' }]);
    expect(body.explanation.churnBoost).toBe(0.35);
    const churn = body.explanation.signals.find((s: { label: string }) => s.label === 'churn_risk');
    expect(churn).toMatchObject({ threshold: 0.5, thresholdSource: 'store', active: true });
    expect(churn.probability).toBeCloseTo(0.2, 6);
    expect(churn.score).toBeCloseTo(0.55, 6);
    const urgency = body.explanation.signals.find((s: { label: string }) => s.label === 'urgency');
    expect(urgency).toMatchObject({ threshold: 0.5, thresholdSource: 'default', active: false });
  });

  it('applies a new override at the next read of the store', async () => {
    expect((await classify({ text: 'meh' })).json().rule).toBe('none'); // 0.45 < 0.5
    await server.store.setOverride('keyword-test-v1', 'frustration', 0.4, { author: 'ops', reason: 'test' });
    expect((await classify({ text: 'meh' })).json().rule).toBe('frustration');
    await server.store.setOverride('keyword-test-v1', 'frustration', null, { author: 'ops', reason: 'test' });
    expect((await classify({ text: 'meh' })).json().rule).toBe('none');
  });

  it.each([
    [{}, /exactly one of "text" or "texts"/],
    [{ text: 'a', texts: ['b'] }, /exactly one of "text" or "texts"/],
    [{ text: '' }, /body\.text: must contain at least one visible character/],
    [{ text: 'x'.repeat(201) }, /body\.text: must be at most 200 characters/],
    [{ texts: [] }, /body\.texts: must hold at least one text/],
    [{ texts: ['a', 'b', 'c', 'd', 'e'] }, /at most 4 are allowed/],
    [{ texts: ['ok', 5] }, /body\.texts\.1: .*expected string/],
    [{ text: 'a\u0000b' }, /NUL/],
    [{ text: 'a\ud800b' }, /unpaired UTF-16 surrogates/],
    [{ text: 'a', explain: 'yes' }, /body\.explain/],
    [{ text: 'a', extra: 1 }, /unknown key\(s\) "extra"/],
  ])('refuses %j with a 400 naming the problem', async (payload, message) => {
    const res = await classify(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(message);
  });

  it('counts escalations per label in /metrics', async () => {
    await classify({ texts: ['angry and leaving', 'angry'] });
    const metrics = (await server.inject({ url: '/metrics' })).body;
    const value = (pattern: RegExp) => Number(pattern.exec(metrics)?.[1]);
    expect(value(/^escalations_total\{label="frustration"\} (\d+)/m)).toBeGreaterThanOrEqual(2);
    expect(value(/^escalations_by_priority_total\{priority="high"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/^http_requests_total\{route="\/v1\/classify",method="POST",status="200"\} \d+/m);
    expect(metrics).toMatch(/^http_requests_total\{route="\/v1\/classify",method="POST",status="400"\} \d+/m);
    expect(metrics).toMatch(/^http_request_duration_seconds_bucket\{le="0\.005",route="\/v1\/classify",method="POST",status="200"\} \d+/m);
    expect(metrics).toMatch(/^classify_batch_size_bucket\{le="1"\} \d+/m);
    expect(metrics).toMatch(/^classify_queue_depth 0$/m);
  });
});
