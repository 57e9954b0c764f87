import { isMangaAssistError } from '@mangaassist/common';
import { ServingError } from '@mangaassist/serving';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

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

// Errors of Node's HTTP parser and of the connection (Node's `clientError` event), answered on the raw socket
// because no request object exists yet. Fixed texts: nothing the client sent is echoed.
const CLIENT_ERRORS: Readonly<Record<string, { status: number; reason: string; code: string; message: string }>> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', code: 'REQUEST_TIMEOUT', message: 'the request was not received in time' },
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', code: 'HEADERS_TOO_LARGE', message: 'the request line and headers are larger than allowed' },
};
const MALFORMED_HTTP = { status: 400, reason: 'Bad Request', code: 'MALFORMED_HTTP', message: 'the request is not valid HTTP/1.1' };

// Fastify's router errors (before any route runs): a bad percent-escape, an over-long path parameter.
const FRAMEWORK_ERRORS: Readonly<Record<string, { status: number; code: string; message: string }>> = {
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_URL', message: 'the request URL has an invalid percent-escape' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'URL_TOO_LONG', message: 'a path parameter of the request URL is longer than allowed' },
};

/** Longest part of an unmatched path a 404 message repeats (the rest is cut, so a long URL is not echoed back). */
const NOT_FOUND_PATH_CHARS = 100;

/**
 * Fastify's `clientErrorHandler`: answers errors of the HTTP parser and the connection (408 slow client, 431 headers
 * too large, 400 bytes that are not HTTP) with the documented `{ error: { code, message } }` body, then closes the
 * connection. Fastify's default writes a body of another shape.
 *
 * @example
 * ```ts
 * Fastify({ clientErrorHandler: answerClientError });
 * ```
 */
export function answerClientError(this: { log?: { debug(obj: object, msg: string): void } } | undefined, error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection cannot be answered; a response already started must not get a second status line.
  const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable || started) {
    socket.destroy();
    return;
  }
  const known = (error.code ? CLIENT_ERRORS[error.code] : undefined) ?? MALFORMED_HTTP;
  this?.log?.debug({ code: error.code, status: known.status }, 'client error');
  const body = JSON.stringify({ error: { code: known.code, message: known.message } } satisfies ErrorBody);
  socket.end(
    `HTTP/1.1 ${known.status} ${known.reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Fastify's `frameworkErrors`: the router's own errors (bad URL escape, over-long parameter) with the documented body
 * and no echo of the URL (Fastify's default repeats it).
 *
 * @example
 * ```ts
 * Fastify({ frameworkErrors: answerFrameworkError });
 * ```
 */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const known = FRAMEWORK_ERRORS[error.code] ?? { status: 400, code: 'BAD_REQUEST', message: 'the request cannot be routed' };
  void send(reply, known.status, { error: { code: known.code, message: known.message } });
}

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
    const path = request.url.split('?')[0] ?? '';
    const shown = path.length > NOT_FOUND_PATH_CHARS ? `${path.slice(0, NOT_FOUND_PATH_CHARS)}…` : path;
    void send(reply, 404, { error: { code: 'NOT_FOUND', message: `no route ${request.method} ${shown}` } });
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
