import { randomUUID } from 'node:crypto';
import { isMangaAssistError } from '@mangaassist/common';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { HttpError } from '../http-errors';
import { feedbackBodySchema, validate } from '../request-schemas';

/**
 * `POST /v1/feedback`: an agent marks an escalation right or wrong. The verdict is appended to the feedback log
 * with the escalation's scores and thresholds, for `calibrate --from-feedback`.
 */
export function registerFeedbackRoute(app: FastifyInstance, ctx: AppContext): void {
  ctx.docs.add({
    method: 'POST',
    path: '/v1/feedback',
    summary: 'Mark an escalation as right (correct: true) or a false alarm (correct: false)',
    tag: 'feedback',
    body: feedbackBodySchema,
    responses: {
      201: { description: 'stored', schema: z.object({ feedbackId: z.string(), escalationId: z.string() }) },
      400: 'invalid body',
      404: 'unknown escalationId (never issued, or older than the last serving.feedback.recentEscalations escalations)',
      503: 'the shared feedback store is unavailable; see Retry-After',
    },
  });

  app.post('/v1/feedback', async (request, reply) => {
    const body = validate(feedbackBodySchema, request.body, 'body');
    const escalation = await storeCall(() => ctx.escalations.get(body.escalationId));
    if (!escalation) {
      throw new HttpError(
        404,
        'UNKNOWN_ESCALATION',
        'no recent escalation has this escalationId (it was never issued or is too old to be remembered)',
      );
    }
    const feedbackId = randomUUID();
    await storeCall(() =>
      ctx.feedback.append({
        feedbackId,
        at: new Date().toISOString(),
        correct: body.correct,
        agent: body.agent ?? null,
        note: body.note ?? null,
        escalation,
      }),
    );
    request.log.info({ escalationId: body.escalationId, correct: body.correct }, 'feedback stored');
    return reply.code(201).send({ feedbackId, escalationId: body.escalationId });
  });
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
