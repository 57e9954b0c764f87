import type { FastifyBaseLogger } from 'fastify';
import type { ServerThresholdStore } from './app-context';

/**
 * Reverts the model's temporary overrides once they expire: every `intervalMs` it asks the store to clear the
 * expired ones. Readers already ignore an expired override; this writes the revert to the audit trail, once across
 * every replica (the store's clear is conditional), and the store's change notice brings it to the other replicas'
 * caches. A failing store is logged and tried again at the next tick. Returns a function that stops it.
 *
 * @example
 * ```ts
 * const stop = startOverrideExpiry(ctx.store, ctx.service.modelId, 1000, logger);
 * app.addHook('onClose', async () => stop());
 * ```
 */
export function startOverrideExpiry(
  store: ServerThresholdStore,
  modelId: string,
  intervalMs: number,
  logger: FastifyBaseLogger,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    // A slow store must not pile up sweeps.
    if (running) return;
    running = true;
    store
      .expireOverrides(modelId)
      .then((reverted) => {
        for (const entry of reverted) {
          logger.info({ label: entry.label, oldValue: entry.oldValue, auditId: entry.id }, 'temporary override expired: reverted');
        }
      })
      .catch((err: unknown) => logger.warn({ err }, 'could not revert expired overrides; retrying at the next check'))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
