import { isMangaAssistError } from '@mangaassist/common';
import { ServingError } from '@mangaassist/serving';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';

/** The body of every error response: a stable code and a message (never the request's text). */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly problems?: readonly { readonly path: string; readonly message: string }[];
  };
}

/**
 * An error meant for the client, with its status. Route handlers throw it; the error handler renders it.
 *
 * @example
 * ```ts
 * throw new HttpError(404, 'UNKNOWN_LABEL', 'label "anger" is not one of: frustration, churn_risk');
 * ```
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly problems?: readonly { path: string; message: string }[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

// Fastify's own client errors, rewritten so that no message can echo a piece of the body (JSON.parse quotes it).
const FASTIFY_CLIENT_ERRORS: Readonly<Record<string, { status: number; code: string; message: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'the request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'the request body is empty; send a JSON object' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'BODY_TOO_LARGE', message: 'the request body is larger than allowed' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'INVALID_CONTENT_LENGTH', message: 'Content-Length does not match the body' },
  FST_ERR_CTP_INVALID_TYPE: { status: 400, code: 'INVALID_CONTENT_TYPE', message: 'the Content-Type header is invalid' },
};

const SERVING_STATUS: Readonly<Record<ServingError['code'], number>> = { QUEUE_FULL: 429, TIMEOUT: 503, SHUTTING_DOWN: 503, MODEL_UNAVAILABLE: 503 };

/**
 * Installs the error and not-found handlers: every failure becomes `{ error: { code, message } }` with a 4xx for
 * the client's mistakes, 429/503 with `Retry-After` for overload, timeouts and shutdown, and 500 only for bugs
 * (logged with their stack, the message hidden from the client).
 *
 * @example
 * ```ts
 * installErrorHandlers(app);
 * ```
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void send(reply, 404, { error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpError) {
      reply.headers(error.headers);
      const body = { code: error.code, message: error.message, ...(error.problems ? { problems: error.problems } : {}) };
      return send(reply, error.statusCode, { error: body });
    }
    if (error instanceof ServingError) {
      reply.header('retry-after', String(error.retryAfterSeconds));
      return send(reply, SERVING_STATUS[error.code], { error: { code: error.code, message: error.message } });
    }
    if (isMangaAssistError(error, 'STORE_UNAVAILABLE')) {
      reply.header('retry-after', '5');
      request.log.warn({ code: error.code }, 'threshold store unavailable and no last-known-good thresholds');
      return send(reply, 503, { error: { code: 'STORE_UNAVAILABLE', message: 'thresholds are unavailable; retry later' } });
    }
    const known = error.code ? FASTIFY_CLIENT_ERRORS[error.code] : undefined;
    if (known) return send(reply, known.status, { error: { code: known.code, message: known.message } });
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Other client errors from fastify (e.g. prototype poisoning, bad URL): their messages are fixed texts.
      return send(reply, status, { error: { code: error.code ?? 'BAD_REQUEST', message: error.message } });
    }
    request.log.error({ err: error }, 'request failed');
    return send(reply, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
  });
}

function send(reply: FastifyReply, status: number, body: ErrorBody): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
