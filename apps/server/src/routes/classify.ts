import { randomUUID } from 'node:crypto';
import type { EscalationDecision, EscalationSnapshot } from '@mangaassist/serving';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { HttpError } from '../http-errors';
import { classifyBodySchema, validate } from '../request-schemas';

const signalSchema = z.object({
  label: z.string(),
  probability: z.number(),
  score: z.number().describe('probability, plus the churn boost for churn_risk when a phrase matched'),
  threshold: z.number(),
  thresholdSource: z.enum(['store', 'default']),
  active: z.boolean(),
});

const resultSchema = z.object({
  escalationId: z.string().nullable().describe('id to send feedback on this escalation; null when not escalated'),
  probabilities: z.record(z.string(), z.number()).describe('model probability per label'),
  active: z.array(z.string()),
  escalate: z.boolean(),
  priority: z.enum(['high', 'normal', 'none']),
  rule: z.enum(['none', 'frustration', 'churn_risk', 'churn_phrase', 'frustration+churn_risk', 'frustration+churn_phrase']),
  explanation: z
    .object({
      signals: z.array(signalSchema),
      churnPhrases: z.array(z.object({ phrase: z.string(), matched: z.string() })),
      churnBoost: z.number(),
    })
    .optional()
    .describe('present when explain is true'),
});

const responseSchema = z.object({
  modelId: z.string(),
  degraded: z.boolean().describe('thresholds are last-known-good: the store is unreachable'),
  results: z.array(resultSchema).optional().describe('for { texts }; for { text } the result fields are at the top level'),
});

type ClassifyResult = z.infer<typeof resultSchema>;

/**
 * `POST /v1/classify`: validates, classifies through the micro-batcher, decides escalation and remembers each
 * escalation for feedback.
 */
export function registerClassifyRoute(app: FastifyInstance, ctx: AppContext): void {
  const { serving, service, store, metrics, escalations } = ctx;
  const schema = classifyBodySchema(serving);
  ctx.docs.add({
    method: 'POST',
    path: '/v1/classify',
    summary: 'Classify one text or a batch: label probabilities, active labels, escalation and priority',
    tag: 'classify',
    body: schema,
    responses: {
      200: { description: 'one result per text', schema: responseSchema },
      400: 'invalid body (names the field and the limit)',
      413: 'body larger than serving.bodyLimitBytes',
      415: 'not application/json',
      429: 'queue full; see Retry-After',
      503: 'timed out, shutting down, or thresholds unavailable; see Retry-After',
    },
  });

  app.post('/v1/classify', async (request) => {
    const raw = request.body as { texts?: unknown } | null;
    // Refuse oversized batches before validating every element of them.
    if (raw && typeof raw === 'object' && Array.isArray(raw.texts) && raw.texts.length > serving.maxBatch) {
      throw new HttpError(400, 'BATCH_TOO_LARGE', `body.texts holds ${raw.texts.length} texts; at most ${serving.maxBatch} are allowed`);
    }
    const body = validate(schema, raw, 'body');
    const texts = body.texts ?? [body.text as string];
    const decisions = await service.classify(texts);
    const at = new Date().toISOString();
    const remembered: Promise<void>[] = [];
    const results = decisions.map((decision) => {
      const escalationId = decision.escalate ? randomUUID() : null;
      if (escalationId) {
        remembered.push(Promise.resolve(escalations.remember(snapshotOf(escalationId, at, service.modelId, decision))));
        metrics.escalationsByPriority.inc({ priority: decision.priority });
        for (const label of ['frustration', 'churn_risk']) if (decision.active.includes(label)) metrics.escalations.inc({ label });
      }
      return toResult(escalationId, decision, body.explain);
    });
    // Stored before the answer goes out, so feedback sent at once (to any replica) finds the escalation. A store
    // failure does not fail the classification: the escalation is still remembered by this process.
    for (const outcome of await Promise.allSettled(remembered)) {
      if (outcome.status === 'rejected') request.log.warn({ err: outcome.reason }, 'escalation not stored in the shared store');
    }
    metrics.texts.inc(texts.length);
    request.log.info(
      {
        texts: texts.length,
        escalations: results.filter((r) => r.escalate).length,
        rules: results.map((r) => r.rule),
        ...(serving.logText ? { text: texts } : {}),
      },
      'classified',
    );
    const head = { modelId: service.modelId, degraded: store.status().degraded };
    return body.texts ? { ...head, results } : { ...head, ...results[0] };
  });
}

function toResult(escalationId: string | null, d: EscalationDecision, explain: boolean): ClassifyResult {
  return {
    escalationId,
    probabilities: d.probabilities,
    active: [...d.active],
    escalate: d.escalate,
    priority: d.priority,
    rule: d.rule,
    ...(explain
      ? { explanation: { signals: [...d.explanation.signals], churnPhrases: [...d.explanation.churnPhrases], churnBoost: d.explanation.churnBoost } }
      : {}),
  };
}

function snapshotOf(escalationId: string, at: string, modelId: string, d: EscalationDecision): EscalationSnapshot {
  const signals = d.explanation.signals;
  return {
    escalationId,
    at,
    modelId,
    scores: Object.fromEntries(signals.map((s) => [s.label, s.score])),
    thresholds: Object.fromEntries(signals.map((s) => [s.label, s.threshold])),
    active: [...d.active],
    rule: d.rule,
    priority: d.priority,
  };
}
