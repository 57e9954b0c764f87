import { CHURN_PHRASE_LIMITS, normalizeChurnPhrases } from '@mangaassist/serving';
import type { LabelThreshold } from '@mangaassist/thresholds';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { adminAuthenticatorFor, type AdminIdentity } from '../admin-auth';
import type { AppContext } from '../app-context';
import { HttpError } from '../http-errors';
import { churnPhrasesBodySchema, OVERRIDE_EXPIRY, OVERRIDE_RANGE, overrideBodySchema, validate } from '../request-schemas';

const labelRowSchema = z.object({
  label: z.string(),
  recommended: z.number().nullable(),
  override: z.number().nullable(),
  overrideAuthor: z.string().nullable(),
  overrideReason: z.string().nullable(),
  overrideExpiresAt: z.string().nullable().describe('when a temporary override reverts by itself (ISO time); null: until cleared, or none'),
  effective: z.number().nullable().describe('override ?? recommended; null: the default threshold applies'),
  updatedAt: z.string().nullable(),
});

const thresholdsSchema = z.object({
  modelId: z.string(),
  defaultThreshold: z.number(),
  labels: z.array(labelRowSchema),
  store: z.object({ degraded: z.boolean(), lastRefreshAt: z.string().nullable(), lastError: z.string().optional() }),
  operator: z
    .object({ name: z.string().nullable(), via: z.enum(['shared-token', 'operator-token', 'proxy']) })
    .describe('who this request authenticated as; name null with the shared admin token'),
});

const churnPhrasesSchema = z.object({
  modelId: z.string(),
  enabled: z.boolean().describe('serving.churnRule.enabled: when false no phrase applies'),
  source: z.enum(['store', 'config']).describe('store: the list operators set; config: serving.churnRule.phrases (none stored yet)'),
  phrases: z.array(z.string()).describe('the list in force, normalised'),
  configured: z.array(z.string()),
  updated: z.object({ author: z.string(), reason: z.string(), at: z.string() }).nullable(),
  limits: z.object({ maxPhrases: z.number(), maxLength: z.number() }),
  history: z.array(
    z.object({
      id: z.number(),
      oldPhrases: z.array(z.string()).nullable(),
      newPhrases: z.array(z.string()),
      author: z.string(),
      reason: z.string(),
      at: z.string(),
    }),
  ),
});

const auditQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict();
const reportQuerySchema = z
  .object({
    targetFalsePositiveRate: z.coerce.number().min(0).lt(1).default(0.2),
    minSamples: z.coerce.number().int().min(1).default(20),
  })
  .strict();

/**
 * The admin API under `/admin/api`, every route behind the admin token: effective thresholds with their
 * recommended and override layers, setting or clearing an override with a reason, the audit trail, and the
 * feedback-based threshold report.
 */
export function registerAdminRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { store, service } = ctx;
  const authenticator = adminAuthenticatorFor(ctx.serving);
  const identities = new WeakMap<FastifyRequest, AdminIdentity>();
  const auth = async (request: FastifyRequest) => {
    identities.set(request, authenticator.authenticate(request));
  };
  const authorOf = (request: FastifyRequest, author: string | undefined) => auditAuthor(identities.get(request), author);
  const unauthorized = {
    401: 'missing or wrong admin token',
    403: 'admin API disabled (no serving.adminToken, serving.admin.operators or identity header)',
    429: 'too many failed authentications from this address (Retry-After says when to retry)',
  };

  ctx.docs.add({
    method: 'GET',
    path: '/admin/api/thresholds',
    summary: 'Effective thresholds with their recommended and override layers',
    tag: 'admin',
    admin: true,
    responses: { 200: { description: 'one row per model label', schema: thresholdsSchema }, ...unauthorized, 503: 'store unavailable' },
  });
  ctx.docs.add({
    method: 'PUT',
    path: '/admin/api/thresholds/:label/override',
    summary: `Set (value in [${OVERRIDE_RANGE.min}, ${OVERRIDE_RANGE.max}]) or clear (value null) the override of one label, with a reason; expiresInMinutes or expiresAt make it temporary (it reverts by itself, audited)`,
    tag: 'admin',
    admin: true,
    body: overrideBodySchema,
    responses: { 200: { description: 'the label after the change', schema: labelRowSchema }, 400: 'invalid body', ...unauthorized, 404: 'not a label of the model', 503: 'store unavailable' },
  });
  ctx.docs.add({
    method: 'GET',
    path: '/admin/api/audit',
    summary: 'Audit trail of threshold changes, newest first',
    tag: 'admin',
    admin: true,
    query: { limit: 'most entries (1-1000, default 100)' },
    responses: { 200: 'audit entries', 400: 'invalid query', ...unauthorized, 503: 'store unavailable' },
  });
  ctx.docs.add({
    method: 'GET',
    path: '/admin/api/feedback-report',
    summary: 'Threshold proposals from agents’ feedback (report only)',
    tag: 'admin',
    admin: true,
    query: { targetFalsePositiveRate: 'default 0.2', minSamples: 'default 20' },
    responses: { 200: 'one proposal per escalation label', 400: 'invalid query', ...unauthorized },
  });
  ctx.docs.add({
    method: 'GET',
    path: '/admin/api/feedback.jsonl',
    summary: 'The verdicts in force (one per escalation and agent) as JSON Lines, the file `calibrate --from-feedback` reads (also when feedback is kept in a shared store)',
    tag: 'admin',
    admin: true,
    responses: { 200: 'application/x-ndjson, one record per line', ...unauthorized, 503: 'store unavailable' },
  });

  ctx.docs.add({
    method: 'GET',
    path: '/admin/api/churn-phrases',
    summary: 'The churn phrase list in force (stored by operators, else the configured one) and its change history',
    tag: 'admin',
    admin: true,
    responses: { 200: { description: 'the list and its history, newest first', schema: churnPhrasesSchema }, ...unauthorized, 503: 'store unavailable' },
  });
  ctx.docs.add({
    method: 'PUT',
    path: '/admin/api/churn-phrases',
    summary: 'Replace the churn phrase list (normalised as the rule reads text; shared by every replica, used from the next message), with a reason',
    tag: 'admin',
    admin: true,
    body: churnPhrasesBodySchema,
    responses: { 200: { description: 'the list after the change', schema: churnPhrasesSchema }, 400: 'invalid body', ...unauthorized, 503: 'store unavailable' },
  });

  const rows = async (): Promise<z.infer<typeof labelRowSchema>[]> => {
    const stored = new Map((await store.list(service.modelId)).map((row) => [row.label, row]));
    return service.labels.map((label) => toRow(label, stored.get(label)));
  };

  app.get('/admin/api/thresholds', { onRequest: auth }, async (request) => {
    const labels = await rows();
    const status = store.status();
    return {
      modelId: service.modelId,
      defaultThreshold: ctx.serving.defaultThreshold,
      labels,
      store: { degraded: status.degraded, lastRefreshAt: status.lastRefreshAt, ...(status.lastError ? { lastError: status.lastError } : {}) },
      operator: { name: identities.get(request)?.operator ?? null, via: identities.get(request)?.via ?? 'shared-token' },
    };
  });

  app.put('/admin/api/thresholds/:label/override', { onRequest: auth }, async (request) => {
    const { label } = request.params as { label: string };
    if (!service.labels.includes(label)) {
      throw new HttpError(404, 'UNKNOWN_LABEL', `"${label}" is not a label of model ${service.modelId}; labels: ${service.labels.join(', ')}`);
    }
    const body = validate(overrideBodySchema, request.body, 'body');
    const author = authorOf(request, body.author);
    const expiresAt = overrideExpiry(body);
    try {
      await store.setOverride(service.modelId, label, body.value, { author, reason: body.reason }, expiresAt ? { expiresAt } : undefined);
    } catch (error) {
      // The store validates too (label format, range, author and reason); its TypeError/RangeError is our 400.
      if (error instanceof TypeError || error instanceof RangeError) throw new HttpError(400, 'INVALID_REQUEST', error.message);
      throw error;
    }
    request.log.info(
      { label, value: body.value, author, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) },
      body.value === null ? 'override cleared' : 'override set',
    );
    return (await rows()).find((row) => row.label === label);
  });

  const phrasesView = async (): Promise<z.infer<typeof churnPhrasesSchema>> => {
    const [stored, history] = await Promise.all([
      store.getChurnPhrases(service.modelId),
      store.churnPhraseAudit(service.modelId, { limit: 50 }),
    ]);
    return {
      modelId: service.modelId,
      enabled: ctx.serving.churnRule.enabled,
      source: stored ? 'store' : 'config',
      phrases: [...(stored?.phrases ?? ctx.serving.churnRule.phrases)],
      configured: [...ctx.serving.churnRule.phrases],
      updated: stored ? { author: stored.author, reason: stored.reason, at: stored.updatedAt } : null,
      limits: { ...CHURN_PHRASE_LIMITS },
      history: history.map((h) => ({
        id: h.id,
        oldPhrases: h.oldPhrases === null ? null : [...h.oldPhrases],
        newPhrases: [...h.newPhrases],
        author: h.author,
        reason: h.reason,
        at: h.at,
      })),
    };
  };

  app.get('/admin/api/churn-phrases', { onRequest: auth }, async () => phrasesView());

  app.put('/admin/api/churn-phrases', { onRequest: auth }, async (request) => {
    const body = validate(churnPhrasesBodySchema, request.body, 'body');
    const author = authorOf(request, body.author);
    let phrases: string[];
    try {
      phrases = normalizeChurnPhrases(body.phrases);
    } catch (error) {
      const message = (error as Error).message;
      // The same path form as the schema's problems (body.phrases.3).
      const index = /^phrases\[(\d+)\]/.exec(message)?.[1];
      const path = index === undefined ? 'body.phrases' : `body.phrases.${index}`;
      throw new HttpError(400, 'INVALID_REQUEST', `invalid request body: ${path}: ${message}`, [{ path, message }]);
    }
    try {
      await store.setChurnPhrases(service.modelId, phrases, { author, reason: body.reason });
    } catch (error) {
      if (error instanceof TypeError || error instanceof RangeError) throw new HttpError(400, 'INVALID_REQUEST', error.message);
      throw error;
    }
    request.log.info({ phrases: phrases.length, author }, 'churn phrases replaced');
    return phrasesView();
  });

  app.get('/admin/api/audit', { onRequest: auth }, async (request) => {
    const { limit } = validate(auditQuerySchema, request.query, 'query');
    return { modelId: service.modelId, entries: await store.audit(service.modelId, { limit }) };
  });

  app.get('/admin/api/feedback.jsonl', { onRequest: auth }, async (_request, reply) => {
    const records = await ctx.feedback.readAll();
    return reply.type('application/x-ndjson').send(records.map((record) => `${JSON.stringify(record)}\n`).join(''));
  });

  app.get('/admin/api/feedback-report', { onRequest: auth }, async (request) => {
    const options = validate(reportQuerySchema, request.query, 'query');
    let current: Record<string, number> | undefined;
    try {
      current = { ...(await store.getEffective(service.modelId)) };
    } catch {
      current = undefined; // the report falls back on the thresholds recorded with each escalation
    }
    // The running report: no log is read here (a shared store is asked only for changes since the last report).
    return ctx.verdicts.report({
      ...options,
      modelId: service.modelId,
      ...(current ? { current: { [service.modelId]: current } } : {}),
    });
  });
}

/**
 * The audit trail's author of a change: a named operator's name (a different `author` in the body is refused, so
 * nobody signs for someone else), or with the shared token the body's `author`, which is then required.
 */
function auditAuthor(identity: AdminIdentity | undefined, author: string | undefined): string {
  const operator = identity?.operator ?? null;
  if (operator !== null) {
    if (author !== undefined && author !== operator) {
      const message = `you are signed in as ${JSON.stringify(operator)}: leave author out or send that name`;
      throw new HttpError(400, 'INVALID_REQUEST', `invalid request body: body.author: ${message}`, [{ path: 'body.author', message }]);
    }
    return operator;
  }
  if (author === undefined) {
    const message = 'required with the shared admin token (it names who made the change in the audit trail)';
    throw new HttpError(400, 'INVALID_REQUEST', `invalid request body: body.author: ${message}`, [{ path: 'body.author', message }]);
  }
  return author;
}

/** The expiry a validated override body asks for, checked against now; undefined for a permanent one. */
function overrideExpiry(body: { expiresInMinutes?: number | undefined; expiresAt?: string | undefined }): Date | undefined {
  const now = Date.now();
  if (body.expiresInMinutes !== undefined) return new Date(now + body.expiresInMinutes * 60_000);
  if (body.expiresAt === undefined) return undefined;
  const at = Date.parse(body.expiresAt);
  const min = now + OVERRIDE_EXPIRY.minMinutes * 60_000;
  const max = now + OVERRIDE_EXPIRY.maxMinutes * 60_000;
  if (!(at >= min && at <= max)) {
    const message = `must be between one second and seven days from now (${new Date(min).toISOString()} .. ${new Date(max).toISOString()})`;
    throw new HttpError(400, 'INVALID_REQUEST', `invalid request body: body.expiresAt: ${message}`, [{ path: 'body.expiresAt', message }]);
  }
  return new Date(at);
}

function toRow(label: string, row: LabelThreshold | undefined): z.infer<typeof labelRowSchema> {
  return {
    label,
    recommended: row?.recommended ?? null,
    override: row?.override ?? null,
    overrideAuthor: row?.overrideAuthor ?? null,
    overrideReason: row?.overrideReason ?? null,
    overrideExpiresAt: row?.overrideExpiresAt ?? null,
    effective: row?.effective ?? null,
    updatedAt: row?.updatedAt ?? null,
  };
}
