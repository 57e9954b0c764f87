import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AppContext } from './app-context';
import { installErrorHandlers } from './http-errors';
import { registerAdminRoutes } from './routes/admin';
import { registerClassifyRoute } from './routes/classify';
import { registerDashboardRoutes } from './routes/dashboard';
import { registerFeedbackRoute } from './routes/feedback';
import { registerHealthRoutes } from './routes/health';
import { registerMetaRoutes } from './routes/metrics';

/**
 * Builds the fastify app from its parts (routes, error handling, metrics hooks). Listening is the caller's job
 * (`startServer`), so tests can drive the app with `app.inject()` without a socket.
 *
 * HTTP settings come from `ctx.serving`: the body limit, and `clientTimeoutMs` for slow clients (a request not
 * fully received in time gets 408 from Node's HTTP server; the check runs every quarter of that time).
 *
 * @example
 * ```ts
 * const app = await buildApp(ctx, logger);
 * const res = await app.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'where is my order?' } });
 * ```
 */
export async function buildApp(ctx: AppContext, logger: FastifyBaseLogger): Promise<FastifyInstance> {
  const { serving } = ctx;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: serving.bodyLimitBytes,
    requestTimeout: serving.clientTimeoutMs,
    http: {
      headersTimeout: serving.clientTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(serving.clientTimeoutMs / 4))),
    },
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Request ids let log lines of one request be joined without logging what it carried.
    genReqId: () => randomUUID(),
  });
  // Only JSON bodies are accepted: a text/plain body gets 415 instead of a confusing type error.
  app.removeContentTypeParser(['text/plain']);
  installErrorHandlers(app);
  app.addHook('onRoute', (route) => ctx.docs.served(route.method, route.url));

  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      route: request.routeOptions.url ?? 'unmatched',
      method: request.method,
      status: String(reply.statusCode),
    };
    ctx.metrics.requests.inc(labels);
    ctx.metrics.requestDuration.observe(labels, reply.elapsedTime / 1000);
  });

  registerClassifyRoute(app, ctx);
  registerFeedbackRoute(app, ctx);
  registerHealthRoutes(app, ctx);
  registerMetaRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerDashboardRoutes(app, ctx);
  await app.ready();
  return app;
}
