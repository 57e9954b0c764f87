import pino, { type Logger } from 'pino';

/**
 * The service's structured logger: JSON lines on stdout, level from `LOG_LEVEL` (default `info`). Request logs
 * carry method, URL, status and timing, never bodies; the classify route adds the message text only when
 * `serving.logText` is on. Authorization headers are redacted should anything log them.
 *
 * @example
 * ```ts
 * const logger = createLogger();
 * logger.info({ port: 8080 }, 'listening');
 * ```
 */
export function createLogger(destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: process.env.LOG_LEVEL ?? 'info',
    base: { service: 'mangaassist-server' },
    redact: ['req.headers.authorization', 'headers.authorization'],
  };
  return destination ? pino(options, destination) : pino(options);
}
