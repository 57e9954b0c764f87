import { MangaAssistError } from '@mangaassist/common';
import { proposeThresholdsFromFeedback } from '@mangaassist/serving';
import { ADMIN_TOKEN, AS_AGENT, startTestServer, type TestServer } from './__tests__/helpers/test-server';

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
    const res = await server.inject({ method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload: { escalationId, correct: false, agent: 'agent-7', note: 'joke' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ feedbackId: expect.any(String), escalationId, replaced: false });
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
    const res = await server.inject({ method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload: { escalationId, correct: true } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json().error).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/feedback store/) });
  });

  it('exports every record as JSON Lines for calibrate --from-feedback, to admins only', async () => {
    const escalationId = await escalate('angry and leaving');
    await server.inject({ method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload: { escalationId, correct: true } });
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
      expect((await server.inject({ method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload: { escalationId, correct } })).statusCode).toBe(201);
    }
    const report = proposeThresholdsFromFeedback(await server.feedback.readAll(), { minSamples: 5, labels: ['frustration'] });
    expect(report.proposals[0]).toMatchObject({ status: 'raise', samples: 5, falsePositives: 3, proposedThreshold: 0.75 });
    const viaApi = await server.inject({ url: '/admin/api/feedback-report?minSamples=5', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(viaApi.json().proposals.find((p: { label: string }) => p.label === 'frustration')).toMatchObject({ status: 'raise', proposedThreshold: 0.75 });
  });

  it('answers 404 for an unknown or forgotten escalation', async () => {
    const first = await escalate('angry');
    for (let i = 0; i < 3; i++) await escalate('angry'); // capacity 3: the first is forgotten
    const res = await server.inject({ method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload: { escalationId: first, correct: true } });
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
    const res = await server.inject({ method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(message);
  });

  it('refuses a verdict without a credential, with a wrong one, and with the shared admin token (which names nobody)', async () => {
    const escalationId = await escalate('angry and leaving');
    const payload = { escalationId, correct: true };
    const none = await server.inject({ method: 'POST', url: '/v1/feedback', payload });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await server.inject({ method: 'POST', url: '/v1/feedback', headers: { authorization: 'Bearer wrong-token-0123456789' }, payload })).statusCode).toBe(401);
    const shared = await server.inject({ method: 'POST', url: '/v1/feedback', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload });
    expect(shared.statusCode).toBe(403);
    expect(shared.json().error.code).toBe('AGENT_REQUIRED');
    expect(await server.feedback.readAll()).toEqual([]);
  });

  it('takes the author from the credential: a named operator may judge too, nobody may sign for someone else', async () => {
    await server.close();
    server = await startTestServer({ admin: { operators: [{ name: 'aiko', token: 'aiko-token-0123456789' }], authFailures: { maxFailures: 1000 } } });
    const escalationId = await escalate('angry and leaving');
    const asAiko = { authorization: 'Bearer aiko-token-0123456789' };
    expect((await server.inject({ method: 'POST', url: '/v1/feedback', headers: asAiko, payload: { escalationId, correct: true } })).statusCode).toBe(201);
    const other = await server.inject({ method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload: { escalationId, correct: false, agent: 'aiko' } });
    expect(other.statusCode).toBe(400);
    expect(other.json().error.message).toMatch(/body\.agent: you are signed in as "agent-7"/);
    expect((await server.feedback.readAll()).map((r) => r.agent)).toEqual(['aiko']);
    // An agent's token opens no admin route.
    const admin = await server.inject({ url: '/admin/api/thresholds', headers: AS_AGENT });
    expect(admin.statusCode).toBe(403);
    expect(admin.json().error.code).toBe('NOT_AN_OPERATOR');
  });

  it('is secure by default: without agents, operators or identity header it answers 403, and auth: open restores anonymous verdicts', async () => {
    await server.close();
    server = await startTestServer({ feedback: { agents: [] } });
    const escalationId = await escalate('angry and leaving');
    const closed = await server.inject({ method: 'POST', url: '/v1/feedback', payload: { escalationId, correct: true } });
    expect(closed.statusCode).toBe(403);
    expect(closed.json().error).toMatchObject({ code: 'FEEDBACK_DISABLED', message: expect.stringMatching(/serving\.feedback\.agents/) });
    await server.close();
    server = await startTestServer({ feedback: { auth: 'open' } });
    const id = await escalate('angry and leaving');
    const res = await server.inject({ method: 'POST', url: '/v1/feedback', payload: { escalationId: id, correct: true, agent: 'kim' } });
    expect(res.statusCode).toBe(201);
    expect((await server.feedback.readAll())[0]).toMatchObject({ agent: 'kim' });
  });

  it('keeps one verdict per escalation and agent: a repeat replaces the earlier one, in the log and in the report', async () => {
    await server.close();
    server = await startTestServer({ feedback: { agents: [{ name: 'agent-7', token: 'test-agent-7-token-0123456789' }, { name: 'sam', token: 'sam-token-0123456789' }] } });
    const asSam = { authorization: 'Bearer sam-token-0123456789' };
    const escalationId = await escalate('late');
    const send = (headers: Record<string, string>, correct: boolean) => server.inject({ method: 'POST', url: '/v1/feedback', headers, payload: { escalationId, correct } });
    expect((await send(AS_AGENT, false)).json().replaced).toBe(false);
    expect((await send(asSam, false)).json().replaced).toBe(false);
    const again = await send(AS_AGENT, true);
    expect(again.statusCode).toBe(201);
    expect(again.json().replaced).toBe(true);
    const current = await server.feedback.readAll();
    expect(current.map((r) => [r.agent, r.correct])).toEqual([['agent-7', true], ['sam', false]]);
    const report = (await server.inject({ url: '/admin/api/feedback-report?minSamples=1', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
    expect(report.verdicts).toBe(2);
    expect(report.proposals.find((p: { label: string }) => p.label === 'frustration')).toMatchObject({ samples: 2, falsePositives: 1 });
    expect(report).toEqual(JSON.parse(JSON.stringify(proposeThresholdsFromFeedback(current, { minSamples: 1, modelId: 'keyword-test-v1', current: { 'keyword-test-v1': { frustration: 0.5, churn_risk: 0.5 } } }))));
  });

  it('rate-limits each agent with 429 and Retry-After, other agents unaffected', async () => {
    await server.close();
    server = await startTestServer({
      feedback: { agents: [{ name: 'agent-7', token: 'test-agent-7-token-0123456789' }, { name: 'sam', token: 'sam-token-0123456789' }], rateLimit: { maxVerdicts: 3, windowMs: 60_000 } },
    });
    const escalationId = await escalate('late');
    for (let i = 0; i < 3; i++) {
      expect((await server.inject({ method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload: { escalationId, correct: i % 2 === 0 } })).statusCode).toBe(201);
    }
    const limited = await server.inject({ method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload: { escalationId, correct: true } });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.json().error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/agent "agent-7" sent 3 verdicts/) });
    const sam = await server.inject({ method: 'POST', url: '/v1/feedback', headers: { authorization: 'Bearer sam-token-0123456789' }, payload: { escalationId, correct: true } });
    expect(sam.statusCode).toBe(201);
  });

  it('caps the body (413 naming the limit) and the note (400 naming body.note), and refuses NUL and lone surrogates', async () => {
    await server.close();
    server = await startTestServer({ feedback: { agents: [{ name: 'agent-7', token: 'test-agent-7-token-0123456789' }], maxBodyBytes: 1024 } });
    const escalationId = await escalate('late');
    const big = await server.inject({ method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload: { escalationId, correct: true, note: 'x'.repeat(2000) } });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.message).toMatch(/^body: \d+ bytes.*at most 1024 \(serving\.feedback\.maxBodyBytes\)/);
    await server.close();
    server = await startTestServer();
    const id = await escalate('late');
    for (const [payload, field] of [
      [{ escalationId: id, correct: true, note: 'x'.repeat(2001) }, /body\.note: must be at most 2000/],
      [{ escalationId: id, correct: true, note: 'ok \ud800' }, /body\.note: must not contain NUL or unpaired surrogates/],
      [{ escalationId: id, correct: true, agent: 'agent-7\u0000' }, /body\.agent/],
    ] as const) {
      const res = await server.inject({ method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(field);
    }
    expect(await server.feedback.readAll()).toEqual([]);
  });

  it('lists the latest escalations with their text and the asking agent’s verdict, to agents only', async () => {
    const first = await escalate('angry <img src=x onerror=alert(1)>');
    await escalate('late </script>');
    expect((await server.inject({ url: '/v1/feedback/escalations' })).statusCode).toBe(401);
    await server.inject({ method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload: { escalationId: first, correct: false, note: 'joke' } });
    const res = await server.inject({ url: '/v1/feedback/escalations?limit=5', headers: AS_AGENT });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.agent).toBe('agent-7');
    expect(body.escalations.map((e: { text: string }) => e.text)).toEqual(['late </script>', 'angry <img src=x onerror=alert(1)>']);
    expect(body.escalations[1]).toMatchObject({ escalationId: first, verdict: { correct: false, note: 'joke' }, attribution: null });
    expect(body.escalations[0].verdict).toBeNull();
    expect((await server.inject({ url: '/v1/feedback/escalations?limit=0', headers: AS_AGENT })).statusCode).toBe(400);
    // The shared admin token reads the list, with no verdicts of its own.
    const shared = (await server.inject({ url: '/v1/feedback/escalations', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
    expect(shared.agent).toBeNull();
    expect(shared.escalations.map((e: { verdict: unknown }) => e.verdict)).toEqual([null, null]);
  });
});
