import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context';

/** `GET /metrics` (Prometheus text format) and `GET /openapi.json`. */
export function registerMetaRoutes(app: FastifyInstance, ctx: AppContext): void {
  ctx.docs.add({
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics',
    tag: 'operations',
    produces: 'text/plain',
    responses: { 200: 'Prometheus text exposition format' },
  });
  ctx.docs.add({ method: 'GET', path: '/openapi.json', summary: 'This OpenAPI document', tag: 'operations', responses: { 200: 'OpenAPI 3.1' } });

  app.get('/metrics', async (_request, reply) => {
    ctx.metrics.recordQueueDepth(ctx.service.queueDepth);
    ctx.metrics.storeDegraded.set(ctx.store.status().degraded ? 1 : 0);
    ctx.metrics.modelAvailable.set(ctx.service.modelAvailable ? 1 : 0);
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
  app.get('/openapi.json', async () => ctx.docs.document());
}
