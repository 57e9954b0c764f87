import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AppContext } from './app-context';
import { answerClientError, answerFrameworkError, HttpError, installErrorHandlers } from './http-errors';
import { registerAdminRoutes } from './routes/admin';
import { registerCalibrationRoutes } from './routes/calibration';
import { registerClassifyRoute } from './routes/classify';
import { registerDashboardRoutes } from './routes/dashboard';
import { registerLiveRoutes } from './routes/live';
import { registerFeedbackRoute } from './routes/feedback';
import { registerHealthRoutes } from './routes/health';
import { registerMetaRoutes } from './routes/metrics';

// Decoding with `fatal` refuses invalid UTF-8 instead of turning it into U+FFFD, which would reach the model as a
// character nobody wrote (inside a word it changes the tokens, and can change the decision).
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Replaces Fastify's JSON body parser with one that first decodes the bytes as strict UTF-8 (400 `INVALID_UTF8`
 * otherwise), then parses with Fastify's own parser, so prototype-poisoning checks and error codes stay as they are.
 */
function installStrictUtf8JsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = UTF8.decode(body as Buffer);
    } catch {
      done(new HttpError(400, 'INVALID_UTF8', 'the request body is not valid UTF-8'), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

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
    // Requests that arrive while draining get the documented 503 body with Retry-After (the hook below), not
    // Fastify's own.
    return503OnClosing: false,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Request ids let log lines of one request be joined without logging what it carried.
    genReqId: () => randomUUID(),
  });
  // Only JSON bodies are accepted: a text/plain body gets 415 instead of a confusing type error.
  app.removeContentTypeParser(['text/plain']);
  installStrictUtf8JsonParser(app);
  installErrorHandlers(app);
  app.addHook('onRequest', async (_request, reply) => {
    if (ctx.lifecycle.shuttingDown) {
      throw new HttpError(503, 'SHUTTING_DOWN', 'the server is shutting down; retry on another instance', undefined, { 'retry-after': '1' });
    }
    // Draining: keep-alive clients are told to reconnect (elsewhere, once readiness has taken this one out), so no
    // idle connection is left for the close to cut while a request is on its way.
    if (ctx.lifecycle.draining) reply.header('connection', 'close');
  });
  app.addHook('onRoute', (route) => ctx.docs.served(route.method, route.url));

  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      route: request.routeOptions.url ?? 'unmatched',
      method: request.method,
      status: String(reply.statusCode),
    };
    ctx.metrics.recordRequest(labels, reply.elapsedTime / 1000);
  });

  registerClassifyRoute(app, ctx);
  registerFeedbackRoute(app, ctx);
  registerHealthRoutes(app, ctx);
  registerMetaRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerCalibrationRoutes(app, ctx);
  registerDashboardRoutes(app, ctx);
  registerLiveRoutes(app, ctx);
  await app.ready();
  return app;
}
