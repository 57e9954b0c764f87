import { randomUUID } from 'node:crypto';
import type { ClassificationService, EscalationSnapshot, PolicyDecision, WordAttribution } from '@mangaassist/serving';
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
  thresholdSource: z.enum(['store', 'model', 'default']).describe('threshold store, the model\'s thresholds.json, or serving.defaultThreshold'),
  active: z.boolean(),
});

const wordWeightSchema = z.object({
  word: z.string().describe('the word as written (a run without white space; punctuation and emoji attached to it included)'),
  start: z.number().int().describe('offset of the word in the text, UTF-16 code units'),
  end: z.number().int().describe('offset just past the word'),
  tokens: z.array(z.string()).describe('the word pieces the model reads for it'),
  weight: z.number().describe("p(text) − p(text without this word): positive when the word raised the label's probability"),
});

const attributionSchema = z
  .object({
    method: z.literal('occlusion'),
    wordsRead: z.number().int().describe('words the model reads (past its token limit it reads none)'),
    wordsConsidered: z.number().int().describe('words given a weight: the first serving.explain.maxWords of those read'),
    labels: z.array(
      z.object({
        label: z.string(),
        probability: z.number().describe('model probability of the text in the attribution run; the churn phrase boost is not attributed'),
        words: z.array(wordWeightSchema).describe('sorted by weight, highest first'),
      }),
    ),
  })
  .describe(
    'why the text escalated, for each active label: each word deleted in turn, all variants scored in one inference run; present when explain is true and the text escalated',
  );

/** One text's result in a classify response (exported so tests check responses against the OpenAPI document). */
export const classifyResultSchema = z.object({
  escalationId: z.string().nullable().describe('id to send feedback on this escalation; null when not escalated'),
  probabilities: z.record(z.string(), z.number()).describe('model probability per label'),
  active: z.array(z.string()),
  escalate: z.boolean(),
  priority: z.enum(['high', 'normal', 'none']),
  rule: z.enum(['none', 'frustration', 'churn_risk', 'churn_phrase', 'frustration+churn_risk', 'frustration+churn_phrase', 'weighted', 'conversation']),
  decisionSource: z
    .enum(['message', 'conversation'])
    .describe('message: this text alone decided; conversation: its earlier turns made it escalate (conversation-aware policy)'),
  reasons: z.array(z.string()).describe('why it escalated, one line per signal (empty when it did not)'),
  sla: z
    .object({ tier: z.string(), responseMinutes: z.number(), queue: z.string() })
    .optional()
    .describe('response-time target of the escalation, from policies with priority tiers (priority-weighted)'),
  explanation: z
    .object({
      signals: z.array(signalSchema),
      churnPhrases: z.array(z.object({ phrase: z.string(), matched: z.string() })),
      churnBoost: z.number(),
      attribution: attributionSchema.optional(),
    })
    .optional()
    .describe('present when explain is true'),
});

/** The body `POST /v1/classify` answers with (exported so tests check responses against what the OpenAPI document says). */
export const classifyResponseSchema = z.object({
  modelId: z.string(),
  degraded: z.boolean().describe('thresholds are last-known-good: the store is unreachable'),
  results: z.array(classifyResultSchema).optional().describe('for { texts }; for { text } the result fields are at the top level'),
});

type ClassifyResult = z.infer<typeof classifyResultSchema>;

/**
 * `POST /v1/classify`: validates, classifies through the micro-batcher, decides escalation and remembers each
 * escalation for feedback.
 */
export function registerClassifyRoute(app: FastifyInstance, ctx: AppContext): void {
  const { serving, service, store, metrics, escalations } = ctx;
  const schema = classifyBodySchema({ maxChars: serving.maxChars, maxBatch: serving.maxBatch, maxHistory: serving.escalation.conversations.maxTurns });
  ctx.docs.add({
    method: 'POST',
    path: '/v1/classify',
    summary: 'Classify one text or a batch (optionally the next messages of a conversation): label probabilities, active labels, escalation, priority, why, and the response-time target',
    tag: 'classify',
    body: schema,
    responses: {
      200: { description: 'one result per text', schema: classifyResponseSchema },
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
    const together = texts.length + (body.history?.length ?? 0);
    // History is classified in the same batch: more than the queue holds could never be admitted (a 429 forever).
    if (together > serving.batching.queueLimit) {
      throw new HttpError(400, 'BATCH_TOO_LARGE', `body.texts and body.history hold ${together} texts together; at most ${serving.batching.queueLimit} (serving.batching.queueLimit) are allowed`);
    }
    const decisions = await service.classify(texts, {
      ...(body.conversationId !== undefined ? { conversationId: body.conversationId } : {}),
      ...(body.history !== undefined ? { history: body.history } : {}),
    });
    // Word attributions only where a text escalated, for its active labels: the words behind the decision.
    const attributions = body.explain ? await attributeEscalated(service, texts, decisions) : [];
    const at = new Date().toISOString();
    const remembered: Promise<void>[] = [];
    const results = decisions.map((decision, i) => {
      const escalationId = decision.escalate ? randomUUID() : null;
      if (escalationId) {
        remembered.push(Promise.resolve(escalations.remember(snapshotOf(escalationId, at, service.modelId, decision))));
        // The text stays in this process's memory only, for the console's verdicts panel.
        ctx.escalationTexts.remember({
          escalationId,
          at,
          text: texts[i] as string,
          priority: decision.priority,
          rule: decision.rule,
          active: [...decision.active],
          attribution: attributions[i] ? toAttribution(attributions[i]) : null,
        });
        metrics.recordEscalation(
          ['frustration', 'churn_risk'].filter((label) => decision.active.includes(label)),
          decision.priority,
        );
      }
      return toResult(escalationId, decision, body.explain, attributions[i]);
    });
    // Stored before the answer goes out, so feedback sent at once (to any replica) finds the escalation. A store
    // failure does not fail the classification: the escalation is still remembered by this process.
    for (const outcome of await Promise.allSettled(remembered)) {
      if (outcome.status === 'rejected') request.log.warn({ err: outcome.reason }, 'escalation not stored in the shared store');
    }
    metrics.recordClassified(decisions.map((decision) => decision.active));
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

function toResult(escalationId: string | null, d: PolicyDecision, explain: boolean, attribution: WordAttribution | undefined): ClassifyResult {
  return {
    escalationId,
    probabilities: d.probabilities,
    active: [...d.active],
    escalate: d.escalate,
    priority: d.priority,
    rule: d.rule,
    decisionSource: d.decisionSource,
    reasons: [...d.reasons],
    ...(d.sla ? { sla: { ...d.sla } } : {}),
    ...(explain
      ? {
          explanation: {
            signals: [...d.explanation.signals],
            churnPhrases: [...d.explanation.churnPhrases],
            churnBoost: d.explanation.churnBoost,
            ...(attribution ? { attribution: toAttribution(attribution) } : {}),
          },
        }
      : {}),
  };
}

/**
 * Attributions running at once for one request: one scored while the next waits its turn, so the worker never idles
 * between them, and a batch request of many escalated texts (each a whole submission of up to `maxWords + 1` texts)
 * cannot fill the inference queue and be refused with 429.
 */
const ATTRIBUTIONS_IN_FLIGHT = 2;

async function attributeEscalated(
  service: ClassificationService,
  texts: readonly string[],
  decisions: readonly PolicyDecision[],
): Promise<(WordAttribution | undefined)[]> {
  const out: (WordAttribution | undefined)[] = new Array(texts.length).fill(undefined);
  const todo = decisions.flatMap((d, i) => (d.escalate ? [i] : []));
  const lane = async () => {
    for (let i = todo.shift(); i !== undefined; i = todo.shift()) out[i] = await service.attribute(texts[i] as string, decisions[i]!.active);
  };
  await Promise.all(Array.from({ length: ATTRIBUTIONS_IN_FLIGHT }, lane));
  return out;
}

function toAttribution(a: WordAttribution): z.infer<typeof attributionSchema> {
  return {
    method: a.method,
    wordsRead: a.wordsRead,
    wordsConsidered: a.wordsConsidered,
    labels: a.labels.map((l) => ({ label: l.label, probability: l.probability, words: l.words.map((w) => ({ ...w, tokens: [...w.tokens] })) })),
  };
}

function snapshotOf(escalationId: string, at: string, modelId: string, d: PolicyDecision): EscalationSnapshot {
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
