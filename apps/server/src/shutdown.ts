import type { FastifyBaseLogger } from 'fastify';

/** The bits of `process` that shutdown handling uses (tests pass a fake). */
export interface SignalSource {
  once(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  exit(code?: number): never | void;
}

/**
 * On SIGTERM or SIGINT: close the server gracefully (stop accepting, drain, dispose) and exit with 0, or with 1
 * when closing failed. A second signal while draining exits at once with 1.
 *
 * SIGTERM is what orchestrators and load balancers' hosts send: the server first fails readiness and keeps serving
 * for `graceMs` (so they stop routing to it), then closes. SIGINT (Ctrl-C at a terminal) closes at once.
 *
 * @example
 * ```ts
 * installShutdownHandlers(server, process, logger, config.serving.shutdownGraceMs);
 * ```
 */
export function installShutdownHandlers(
  server: { close(options?: { graceMs?: number }): Promise<void> },
  proc: SignalSource,
  logger: FastifyBaseLogger,
  graceMs = 0,
): void {
  let stopping = false;
  const onSignal = (signal: 'SIGTERM' | 'SIGINT') => () => {
    if (stopping) {
      logger.warn({ signal }, 'second signal while draining: exiting now');
      proc.exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal }, 'signal received');
    // Re-arm so that a second signal is seen while draining.
    proc.once(signal, onSignal(signal));
    server.close(signal === 'SIGTERM' ? { graceMs } : {}).then(
      () => proc.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        proc.exit(1);
      },
    );
  };
  proc.once('SIGTERM', onSignal('SIGTERM'));
  proc.once('SIGINT', onSignal('SIGINT'));
}
