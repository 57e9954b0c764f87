import { MangaAssistError } from '@mangaassist/common';
import { proposeThresholdsFromFeedback } from '@mangaassist/serving';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './__tests__/helpers/test-server';

describe('POST /v1/feedback', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ feedback: { path: 'unused.jsonl', recentEscalations: 3 } });
  });
  afterEach(() => server.close());

  const escalate = async (text: string): Promise<string> => {
    const body = (await server.inject({ method: 'POST', url: '/v1/classify', payload: { text } })).json();
    expect(body.escalate).toBe(true);
    return body.escalationId;
  };

  it('stores a verdict with the scores and thresholds that decided the escalation', async () => {
    const escalationId = await escalate('angry and leaving');
    const res = await server.inject({ method: 'POST', url: '/v1/feedback', payload: { escalationId, correct: false, agent: 'agent-7', note: 'joke' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ feedbackId: expect.any(String), escalationId });
    const [record] = await server.feedback.readAll();
    expect(record).toMatchObject({ correct: false, agent: 'agent-7', note: 'joke' });
    expect(record!.escalation).toMatchObject({
      escalationId,
      modelId: 'keyword-test-v1',
      active: ['frustration', 'churn_risk'],
      rule: 'frustration+churn_risk',
      priority: 'high',
      thresholds: { frustration: 0.5, churn_risk: 0.5 },
    });
    expect(record!.escalation.scores.frustration).toBeCloseTo(0.9, 6);
    expect(JSON.stringify(record)).not.toMatch(/angry/); // no message text
  });

  it('answers 503 with Retry-After, naming feedback, while the feedback store is unavailable', async () => {
    const escalationId = await escalate('angry and leaving');
    server.feedback.append = () => Promise.reject(new MangaAssistError('STORE_UNAVAILABLE', 'connection refused'));
    const res = await server.inject({ method: 'POST', url: '/v1/feedback', payload: { escalationId, correct: true } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json().error).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/feedback store/) });
  });

  it('exports every record as JSON Lines for calibrate --from-feedback, to admins only', async () => {
    const escalationId = await escalate('angry and leaving');
    await server.inject({ method: 'POST', url: '/v1/feedback', payload: { escalationId, correct: true } });
    expect((await server.inject({ url: '/admin/api/feedback.jsonl' })).statusCode).toBe(401);
    const res = await server.inject({ url: '/admin/api/feedback.jsonl', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = res.body.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual(await server.feedback.readAll());
    expect(lines[0].escalation.escalationId).toBe(escalationId);
  });

  it('feeds the report: false alarms above target propose a higher threshold', async () => {
    // "late" scores 0.6 (false alarms), "angry" 0.9 (right).
    for (const [text, correct] of [['late', false], ['late', false], ['late', false], ['angry', true], ['angry', true]] as const) {
      const escalationId = await escalate(text);
      expect((await server.inject({ method: 'POST', url: '/v1/feedback', payload: { escalationId, correct } })).statusCode).toBe(201);
    }
    const report = proposeThresholdsFromFeedback(await server.feedback.readAll(), { minSamples: 5, labels: ['frustration'] });
    expect(report.proposals[0]).toMatchObject({ status: 'raise', samples: 5, falsePositives: 3, proposedThreshold: 0.75 });
    const viaApi = await server.inject({ url: '/admin/api/feedback-report?minSamples=5', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(viaApi.json().proposals.find((p: { label: string }) => p.label === 'frustration')).toMatchObject({ status: 'raise', proposedThreshold: 0.75 });
  });

  it('answers 404 for an unknown or forgotten escalation', async () => {
    const first = await escalate('angry');
    for (let i = 0; i < 3; i++) await escalate('angry'); // capacity 3: the first is forgotten
    const res = await server.inject({ method: 'POST', url: '/v1/feedback', payload: { escalationId: first, correct: true } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('UNKNOWN_ESCALATION');
    expect(await server.feedback.readAll()).toEqual([]);
  });

  it.each([
    [{ correct: true }, /body\.escalationId/],
    [{ escalationId: 'x', correct: 'yes' }, /body\.correct/],
    [{ escalationId: 'x', correct: true, note: 'a\u0000' }, /body\.note/],
    [{ escalationId: 'x', correct: true, extra: 1 }, /unknown key/],
  ])('refuses %j with 400', async (payload, message) => {
    const res = await server.inject({ method: 'POST', url: '/v1/feedback', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(message);
  });
});
