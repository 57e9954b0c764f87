import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { adminAuthenticatorFor } from '../admin-auth';
import type { AppContext } from '../app-context';
import { validate } from '../request-schemas';

const liveQuerySchema = z.object({
  minutes: z.coerce.number().int().min(1).max(180).default(60).describe('minutes back from now, 1-180 (default 60)'),
});

const counts = z.record(z.string(), z.number());
const minuteSchema = z.object({
  at: z.string().describe('start of the minute'),
  escalationsByLabel: counts,
  escalationsByPriority: counts,
  activeLabels: counts.describe('texts with each label active'),
  texts: z.number(),
  requests: z.number(),
  tooManyRequests: z.number().describe('requests refused with 429'),
  p50Ms: z.number().nullable().describe('classify latency, interpolated in histogram buckets'),
  p99Ms: z.number().nullable(),
  maxQueueDepth: z.number(),
});
const liveSchema = z.object({
  modelId: z.string(),
  queueDepth: z.number().describe('texts waiting for inference now'),
  minutes: z.array(minuteSchema).describe('oldest first, the current minute last'),
  totals: z.object({
    escalationsByLabel: counts,
    escalationsByPriority: counts,
    activeLabels: counts,
    texts: z.number(),
    requests: z.number(),
    tooManyRequests: z.number(),
    tooManyRate: z.number(),
    p50Ms: z.number().nullable(),
    p99Ms: z.number().nullable(),
  }),
});

/**
 * `GET /admin/api/live`: this server's per-minute counters (escalations by label and priority, active-label mix,
 * classify latency, queue depth, 429s) for the console's live view. They are the same events `/metrics` counts
 * (both are fed by {@link ServerMetrics}' record methods), kept per replica in a fixed ring of minutes.
 */
export function registerLiveRoutes(app: FastifyInstance, ctx: AppContext): void {
  const authenticator = adminAuthenticatorFor(ctx.serving);
  ctx.docs.add({
    method: 'GET',
    path: '/admin/api/live',
    summary: "This server's escalations, active labels, latency, queue depth and 429s per minute (the console's live view)",
    tag: 'admin',
    admin: true,
    query: { minutes: 'minutes back from now, 1-180 (default 60)' },
    responses: {
      200: { description: 'per-minute counters, oldest first, and totals over them', schema: liveSchema },
      400: 'invalid query',
      401: 'missing or wrong admin token',
      403: 'admin API disabled, or not an operator',
      429: 'too many failed authentications from this address',
    },
  });
  app.get('/admin/api/live', { onRequest: async (request) => void authenticator.authenticate(request) }, async (request) => {
    const { minutes } = validate(liveQuerySchema, request.query, 'query');
    const queueDepth = ctx.service.queueDepth;
    ctx.metrics.recordQueueDepth(queueDepth);
    const body: z.infer<typeof liveSchema> = { modelId: ctx.service.modelId, queueDepth, ...ctx.metrics.live.snapshot(minutes) };
    return body;
  });
}
