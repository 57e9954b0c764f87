import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context';

const readinessSchema = z.object({
  status: z.enum(['ready', 'degraded', 'not_ready']),
  model: z.object({ id: z.string(), loaded: z.boolean() }),
  store: z.object({
    reachable: z.boolean(),
    degraded: z.boolean(),
    lastRefreshAt: z.string().nullable(),
  }),
  thresholds: z
    .array(z.object({ label: z.string(), threshold: z.number(), source: z.enum(['store', 'model', 'default']) }))
    .nullable()
    .describe(
      "each label's threshold and its source: store (the threshold store), model (the model's thresholds.json) or " +
        'default (serving.defaultThreshold); null while no thresholds could be read',
    ),
  shuttingDown: z.boolean(),
});

/**
 * Readiness of the service:
 * - `ready` (200): model loaded, store reachable;
 * - `degraded` (200): the store is unreachable but thresholds were read before: decisions use those
 *   last-known-good thresholds, so traffic can keep flowing while operations fix the store;
 * - `not_ready` (503): shutting down, no inference worker running (one crashed and is restarting), or the store
 *   was never reachable (no thresholds to decide with).
 *
 * Each label's threshold is listed with where it comes from (`store`, `model`, `default`), so that a probe shows
 * when a label runs on the configured default rather than on a calibrated value.
 *
 * The store is pinged at most once per `thresholds.healthCheckIntervalMs` however often this is probed, and its
 * error text stays out of this public answer (it is logged, and the admin API shows it).
 */
export async function readiness(ctx: AppContext): Promise<z.infer<typeof readinessSchema>> {
  const { store, service } = ctx;
  let { reachable } = await store.checkHealth();
  if (reachable && store.status().degraded) {
    // A failed refresh leaves the cache degraded until a read succeeds: read now rather than wait for traffic.
    try {
      await store.getEffective(service.modelId);
    } catch {
      reachable = false;
    }
  }
  const status = store.status();
  const degraded = !reachable || status.degraded;
  const everRead = status.lastRefreshAt !== null;
  const shuttingDown = ctx.lifecycle.draining || ctx.lifecycle.shuttingDown || service.draining;
  const loaded = service.modelAvailable;
  // What the cache holds (last-known-good while degraded): a probe never adds a read of its own.
  const stored = store.peekEffective(service.modelId);
  return {
    status: shuttingDown || !loaded || (degraded && !everRead) ? 'not_ready' : degraded ? 'degraded' : 'ready',
    model: { id: service.modelId, loaded },
    store: {
      reachable,
      degraded,
      lastRefreshAt: status.lastRefreshAt,
    },
    thresholds: stored ? service.thresholdsInUse(stored) : null,
    shuttingDown,
  };
}

/** `GET /healthz` (the process answers) and `GET /readyz` (it can classify). */
export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  ctx.docs.add({
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness: the process answers',
    tag: 'health',
    responses: { 200: { description: 'alive', schema: z.object({ status: z.literal('ok') }) } },
  });
  ctx.docs.add({
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness: model loaded and thresholds available (degraded: last-known-good thresholds)',
    tag: 'health',
    responses: {
      200: { description: 'ready or degraded', schema: readinessSchema },
      503: { description: 'not ready', schema: readinessSchema },
    },
  });

  app.get('/healthz', async () => ({ status: 'ok' as const }));
  app.get('/readyz', async (_request, reply) => {
    const state = await readiness(ctx);
    ctx.metrics.storeDegraded.set(state.store.degraded ? 1 : 0);
    return reply.code(state.status === 'not_ready' ? 503 : 200).send(state);
  });
}
