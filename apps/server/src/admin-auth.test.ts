import { AdminAuthenticator } from './admin-auth';
import { HttpError } from './http-errors';

const SHARED = 'shared-token-0123456789';
const AIKO = 'aiko-token-0123456789abc';

function request(headers: Record<string, string>, remoteAddress = '10.0.0.7') {
  return { headers, socket: { remoteAddress } };
}

function refusal(body: () => unknown): HttpError {
  try {
    body();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('AdminAuthenticator', () => {
  it('tells the shared token, operator tokens and a trusted proxy apart', () => {
    const auth = new AdminAuthenticator({
      adminToken: SHARED,
      admin: {
        operators: [{ name: 'aiko', token: AIKO }],
        identityHeader: { name: 'x-forwarded-user', trustedProxies: ['10.0.0.5'] },
        authFailures: { maxFailures: 10, windowMs: 60_000 },
      },
    });
    expect(auth.authenticate(request({ authorization: `Bearer ${SHARED}` }))).toEqual({ operator: null, via: 'shared-token' });
    expect(auth.authenticate(request({ authorization: `bearer ${AIKO}` }))).toEqual({ operator: 'aiko', via: 'operator-token' });
    // An IPv4 proxy seen on a dual-stack socket is the same address.
    expect(auth.authenticate(request({ 'x-forwarded-user': ' sam ' }, '::ffff:10.0.0.5'))).toEqual({ operator: 'sam', via: 'proxy' });
    // From anywhere else the header is not a credential.
    expect(refusal(() => auth.authenticate(request({ 'x-forwarded-user': 'sam' }, '10.0.0.6'))).statusCode).toBe(401);
    expect(refusal(() => auth.authenticate(request({ authorization: `Bearer ${AIKO.slice(0, -1)}` }))).statusCode).toBe(401);
  });

  it('names agents for verdicts: agent tokens, operators and the proxy; agents open no admin route; the shared token judges nothing', () => {
    const KIM = 'kim-agent-token-0123456789';
    const auth = new AdminAuthenticator({
      adminToken: SHARED,
      admin: {
        operators: [{ name: 'aiko', token: AIKO }],
        identityHeader: { name: 'x-forwarded-user', trustedProxies: ['10.0.0.5'] },
        authFailures: { maxFailures: 3, windowMs: 60_000 },
      },
      feedback: { agents: [{ name: 'kim', token: KIM }] },
    });
    expect(auth.authenticateAgent(request({ authorization: `Bearer ${KIM}` }))).toEqual({ operator: 'kim', via: 'agent-token' });
    expect(auth.authenticateAgent(request({ authorization: `Bearer ${AIKO}` }))).toEqual({ operator: 'aiko', via: 'operator-token' });
    expect(auth.authenticateAgent(request({ 'x-forwarded-user': 'sam' }, '10.0.0.5'))).toEqual({ operator: 'sam', via: 'proxy' });
    expect(refusal(() => auth.authenticateAgent(request({ authorization: `Bearer ${SHARED}` })))).toMatchObject({ statusCode: 403, code: 'AGENT_REQUIRED' });
    expect(refusal(() => auth.authenticate(request({ authorization: `Bearer ${KIM}` })))).toMatchObject({ statusCode: 403, code: 'NOT_AN_OPERATOR' });
    expect(auth.authenticateAnyone(request({ authorization: `Bearer ${KIM}` }))).toEqual({ operator: 'kim', via: 'agent-token' });
    // Wrong agent tokens count against the same per-address failure limit as the admin API.
    for (let i = 0; i < 3; i++) expect(refusal(() => auth.authenticateAgent(request({ authorization: 'Bearer nope' }, '10.0.0.9'))).statusCode).toBe(401);
    expect(refusal(() => auth.authenticate(request({ authorization: `Bearer ${AIKO}` }, '10.0.0.9'))).statusCode).toBe(429);
    // Agents alone do not open the admin API; nothing at all closes feedback too.
    const agentsOnly = new AdminAuthenticator({ feedback: { agents: [{ name: 'kim', token: KIM }] } });
    expect(agentsOnly.enabled).toBe(false);
    expect(refusal(() => agentsOnly.authenticate(request({ authorization: `Bearer ${KIM}` })))).toMatchObject({ statusCode: 403, code: 'ADMIN_DISABLED' });
    expect(refusal(() => new AdminAuthenticator({ adminToken: SHARED }).authenticateAgent(request({})))).toMatchObject({ statusCode: 403, code: 'FEEDBACK_DISABLED' });
  });

  it('locks an address out for the rest of the window after too many failures, and only that address', () => {
    let now = 0;
    const auth = new AdminAuthenticator(
      { adminToken: SHARED, admin: { operators: [], authFailures: { maxFailures: 2, windowMs: 10_000 } } },
      () => now,
    );
    const wrong = request({ authorization: 'Bearer not-the-token-at-all' });
    expect(refusal(() => auth.authenticate(wrong)).statusCode).toBe(401);
    now = 1000;
    expect(refusal(() => auth.authenticate(wrong)).statusCode).toBe(401);
    now = 2500;
    const locked = refusal(() => auth.authenticate(request({ authorization: `Bearer ${SHARED}` })));
    expect(locked.statusCode).toBe(429);
    expect(locked.headers).toEqual({ 'retry-after': '8' });
    expect(auth.authenticate(request({ authorization: `Bearer ${SHARED}` }, '10.0.0.8'))).toEqual({ operator: null, via: 'shared-token' });
    now = 10_000;
    expect(auth.authenticate(request({ authorization: `Bearer ${SHARED}` }))).toEqual({ operator: null, via: 'shared-token' });
  });

  it('answers 403 naming the settings when no way in is configured', () => {
    const auth = new AdminAuthenticator({});
    expect(auth.enabled).toBe(false);
    const error = refusal(() => auth.authenticate(request({ authorization: `Bearer ${SHARED}` })));
    expect(error.statusCode).toBe(403);
    expect(error.message).toMatch(/serving\.adminToken.*serving\.admin\.operators/);
  });
});
