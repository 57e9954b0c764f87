import { proposeThresholdsFromFeedback } from '@mangaassist/serving';
import type { LabelThreshold } from '@mangaassist/thresholds';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { adminTokenCheck } from '../admin-auth';
import type { AppContext } from '../app-context';
import { HttpError } from '../http-errors';
import { OVERRIDE_RANGE, overrideBodySchema, validate } from '../request-schemas';

const labelRowSchema = z.object({
  label: z.string(),
  recommended: z.number().nullable(),
  override: z.number().nullable(),
  overrideAuthor: z.string().nullable(),
  overrideReason: z.string().nullable(),
  effective: z.number().nullable().describe('override ?? recommended; null: the default threshold applies'),
  updatedAt: z.string().nullable(),
});

const thresholdsSchema = z.object({
  modelId: z.string(),
  defaultThreshold: z.number(),
  labels: z.array(labelRowSchema),
  store: z.object({ degraded: z.boolean(), lastRefreshAt: z.string().nullable(), lastError: z.string().optional() }),
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
  const check = adminTokenCheck(ctx.serving.adminToken);
  const auth = async (request: { headers: { authorization?: string } }) => check(request.headers.authorization);
  const unauthorized = { 401: 'missing or wrong admin token', 403: 'admin API disabled (no serving.adminToken)' };

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
    summary: `Set (value in [${OVERRIDE_RANGE.min}, ${OVERRIDE_RANGE.max}]) or clear (value null) the override of one label, with author and reason`,
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
    summary: 'Every feedback record as JSON Lines, the file `calibrate --from-feedback` reads (also when feedback is kept in a shared store)',
    tag: 'admin',
    admin: true,
    responses: { 200: 'application/x-ndjson, one record per line', ...unauthorized, 503: 'store unavailable' },
  });

  const rows = async (): Promise<z.infer<typeof labelRowSchema>[]> => {
    const stored = new Map((await store.list(service.modelId)).map((row) => [row.label, row]));
    return service.labels.map((label) => toRow(label, stored.get(label)));
  };

  app.get('/admin/api/thresholds', { onRequest: auth }, async () => {
    const labels = await rows();
    const status = store.status();
    return {
      modelId: service.modelId,
      defaultThreshold: ctx.serving.defaultThreshold,
      labels,
      store: { degraded: status.degraded, lastRefreshAt: status.lastRefreshAt, ...(status.lastError ? { lastError: status.lastError } : {}) },
    };
  });

  app.put('/admin/api/thresholds/:label/override', { onRequest: auth }, async (request) => {
    const { label } = request.params as { label: string };
    if (!service.labels.includes(label)) {
      throw new HttpError(404, 'UNKNOWN_LABEL', `"${label}" is not a label of model ${service.modelId}; labels: ${service.labels.join(', ')}`);
    }
    const body = validate(overrideBodySchema, request.body, 'body');
    try {
      await store.setOverride(service.modelId, label, body.value, { author: body.author, reason: body.reason });
    } catch (error) {
      // The store validates too (label format, range, author and reason); its TypeError/RangeError is our 400.
      if (error instanceof TypeError || error instanceof RangeError) throw new HttpError(400, 'INVALID_REQUEST', error.message);
      throw error;
    }
    request.log.info({ label, value: body.value, author: body.author }, body.value === null ? 'override cleared' : 'override set');
    return (await rows()).find((row) => row.label === label);
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
    return proposeThresholdsFromFeedback(await ctx.feedback.readAll(), {
      ...options,
      modelId: service.modelId,
      ...(current ? { current: { [service.modelId]: current } } : {}),
    });
  });
}

function toRow(label: string, row: LabelThreshold | undefined): z.infer<typeof labelRowSchema> {
  return {
    label,
    recommended: row?.recommended ?? null,
    override: row?.override ?? null,
    overrideAuthor: row?.overrideAuthor ?? null,
    overrideReason: row?.overrideReason ?? null,
    effective: row?.effective ?? null,
    updatedAt: row?.updatedAt ?? null,
  };
}
