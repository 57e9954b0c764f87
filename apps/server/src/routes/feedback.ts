import { randomUUID } from 'node:crypto';
import { isMangaAssistError } from '@mangaassist/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { adminAuthenticatorFor } from '../admin-auth';
import type { AppContext } from '../app-context';
import { FixedWindowLimiter } from '../fixed-window-limiter';
import { HttpError } from '../http-errors';
import { feedbackBodySchema, validate } from '../request-schemas';

/** Most escalations the verdicts list returns. */
const MAX_LISTED = 200;

const escalationsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_LISTED).default(50),
  })
  .strict();

const verdictSchema = z.object({ correct: z.boolean(), note: z.string().nullable(), at: z.string() });

const recentEscalationsSchema = z.object({
  agent: z.string().nullable().describe('who asked: their own verdicts are shown; null with the shared admin token, which cannot judge'),
  escalations: z.array(
    z.object({
      escalationId: z.string(),
      at: z.string(),
      text: z.string().describe('the customer message (plain text: render it as text, never as markup)'),
      priority: z.string(),
      rule: z.string(),
      active: z.array(z.string()),
      attribution: z.unknown().describe('word attributions when the classify request asked for explain, else null'),
      verdict: verdictSchema.nullable().describe("the asking agent's verdict in force, if any"),
    }),
  ),
});

/**
 * `POST /v1/feedback`: an agent marks an escalation right or wrong, one verdict per escalation and agent (a repeat
 * replaces the earlier one). The verdict is stored with the escalation's scores and thresholds, for
 * `calibrate --from-feedback`, and counted in the running feedback report. By default (`serving.feedback.auth:
 * agents`) it needs a named person's credential — an agent's token, a named operator's, or the sign-in proxy's
 * identity header — whose name becomes the author; each agent (each client address with `auth: open`) is
 * rate-limited. `GET /v1/feedback/escalations` lists this replica's latest escalations with their text for the
 * console's verdicts panel, with the asking agent's verdicts.
 */
export function registerFeedbackRoute(app: FastifyInstance, ctx: AppContext): void {
  const { feedback: settings } = ctx.serving;
  const open = settings.auth === 'open';
  const authenticator = adminAuthenticatorFor(ctx.serving);
  const limiter = new FixedWindowLimiter(settings.rateLimit.maxVerdicts, settings.rateLimit.windowMs, 'verdicts');
  const agents = new WeakMap<FastifyRequest, string | null>();
  const authRequired: Record<number, string> = {
    401: 'missing or wrong credential (an agent token, a named operator token, or the sign-in proxy identity header)',
    403: 'no agents configured, or the shared admin token (which names nobody)',
  };

  ctx.docs.add({
    method: 'POST',
    path: '/v1/feedback',
    summary:
      'Mark an escalation as right (correct: true) or a false alarm (correct: false); one verdict per escalation and agent, a repeat replaces it. Needs an agent credential unless serving.feedback.auth is open',
    tag: 'feedback',
    admin: !open,
    body: feedbackBodySchema,
    responses: {
      201: { description: 'stored', schema: z.object({ feedbackId: z.string(), escalationId: z.string(), replaced: z.boolean() }) },
      400: 'invalid body (names the field)',
      ...(open ? {} : authRequired),
      404: 'unknown escalationId (never issued, or older than the last serving.feedback.recentEscalations escalations)',
      413: 'body larger than serving.feedback.maxBodyBytes',
      429: 'more than serving.feedback.rateLimit.maxVerdicts from this agent (or address) within its window, or too many failed authentications; see Retry-After',
      503: 'the shared feedback store is unavailable; see Retry-After',
    },
  });
  ctx.docs.add({
    method: 'GET',
    path: '/v1/feedback/escalations',
    summary: "This replica's latest escalations with their message text and attributions, and the asking agent's verdict on each (needs an agent's or an operator's credential)",
    tag: 'feedback',
    admin: true,
    query: { limit: `most escalations, newest first (1-${MAX_LISTED}, default 50)` },
    responses: { 200: { description: 'newest first', schema: recentEscalationsSchema }, 400: 'invalid query', 401: 'missing or wrong credential', 403: 'no credentials configured', 429: 'too many failed authentications' },
  });

  const identify = async (request: FastifyRequest) => {
    agents.set(request, open ? null : authenticator.authenticateAgent(request).operator);
  };

  // Operators read the list too (with the shared token, who has no verdicts of their own: agent null).
  app.get('/v1/feedback/escalations', { onRequest: async (request) => void agents.set(request, authenticator.authenticateAnyone(request).operator) }, async (request) => {
    const { limit } = validate(escalationsQuerySchema, request.query, 'query');
    const agent = agents.get(request) ?? null;
    // The agent may have judged through another replica: its verdicts come with the shared store's changes.
    await storeCall(() => ctx.verdicts.refresh());
    return {
      agent,
      escalations: ctx.escalationTexts.latest(limit).map((e) => {
        const verdict = agent === null ? undefined : ctx.verdicts.verdictOf(e.escalationId, agent);
        return { ...e, active: [...e.active], verdict: verdict ? { correct: verdict.correct, note: verdict.note, at: verdict.at } : null };
      }),
    };
  });

  app.post(
    '/v1/feedback',
    {
      bodyLimit: settings.maxBodyBytes,
      onRequest: async (request) => {
        await identify(request);
        const agent = agents.get(request);
        // Counted before the body is read: a flood costs a header check, not a parse.
        if (agent != null) limiter.take(`agent:${agent}`, `agent ${JSON.stringify(agent)}`);
        else limiter.take(`address:${request.socket.remoteAddress ?? 'unknown'}`, 'this address');
      },
      preParsing: async (request) => {
        const length = Number(request.headers['content-length']);
        if (length > settings.maxBodyBytes) {
          throw new HttpError(413, 'BODY_TOO_LARGE', `body: ${length} bytes; a feedback body may hold at most ${settings.maxBodyBytes} (serving.feedback.maxBodyBytes)`);
        }
      },
    },
    async (request, reply) => {
      const body = validate(feedbackBodySchema, request.body, 'body');
      const signedIn = agents.get(request) ?? null;
      if (signedIn !== null && body.agent !== undefined && body.agent !== signedIn) {
        const message = `you are signed in as ${JSON.stringify(signedIn)}: leave agent out or send that name`;
        throw new HttpError(400, 'INVALID_REQUEST', `invalid request body: body.agent: ${message}`, [{ path: 'body.agent', message }]);
      }
      const agent = signedIn ?? body.agent ?? null;
      const escalation = await storeCall(() => ctx.escalations.get(body.escalationId));
      if (!escalation) {
        throw new HttpError(
          404,
          'UNKNOWN_ESCALATION',
          'no recent escalation has this escalationId (it was never issued or is too old to be remembered)',
        );
      }
      // As this replica knows it: another replica's verdict not yet read back makes this say false, and still replaces it.
      const replaced = ctx.verdicts.verdictOf(body.escalationId, agent) !== undefined;
      const feedbackId = randomUUID();
      await storeCall(() =>
        ctx.verdicts.record({
          feedbackId,
          at: new Date().toISOString(),
          correct: body.correct,
          agent,
          note: body.note ?? null,
          escalation,
        }),
      );
      request.log.info({ escalationId: body.escalationId, correct: body.correct, agent, replaced }, 'feedback stored');
      return reply.code(201).send({ feedbackId, escalationId: body.escalationId, replaced });
    },
  );
}

/** A shared feedback store that is down answers 503 naming feedback, not the thresholds. */
async function storeCall<T>(body: () => T | Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (isMangaAssistError(error, 'STORE_UNAVAILABLE')) {
      throw new HttpError(503, 'STORE_UNAVAILABLE', 'the feedback store is unavailable; retry later', undefined, { 'retry-after': '1' });
    }
    throw error;
  }
}
