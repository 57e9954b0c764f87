import type { ServerConfig } from '@mangaassist/common';
import { PostgresFeedbackStore } from './postgres-feedback';
import { RedisFeedbackStore } from './redis-feedback';
import type { SharedFeedbackStore } from './shared-feedback-store';

/**
 * The shared feedback store for this configuration: in the threshold store's PostgreSQL schema or under its Redis
 * key prefix when `thresholds.store` is `postgres` or `redis` and `serving.feedback.shared` is on; undefined
 * otherwise (one machine: feedback goes to the JSON Lines file, escalations stay in memory).
 *
 * @example
 * ```ts
 * const shared = openSharedFeedback(config); // PostgresFeedbackStore for thresholds.store.id postgres
 * ```
 */
export function openSharedFeedback(config: ServerConfig): SharedFeedbackStore | undefined {
  if (!config.serving.feedback.shared) return undefined;
  const { id, options } = config.thresholds.store;
  const recentEscalations = config.serving.feedback.recentEscalations;
  // The threshold store has validated these options when it was opened (startServer opens it first).
  const settings = options as { url?: unknown; schema?: unknown; keyPrefix?: unknown };
  if (id === 'postgres' && typeof settings.url === 'string') {
    return new PostgresFeedbackStore({
      url: settings.url,
      schema: typeof settings.schema === 'string' ? settings.schema : 'public',
      recentEscalations,
    });
  }
  if (id === 'redis' && typeof settings.url === 'string') {
    return new RedisFeedbackStore({
      url: settings.url,
      keyPrefix: typeof settings.keyPrefix === 'string' ? settings.keyPrefix : 'mangaassist:thresholds:',
      recentEscalations,
    });
  }
  return undefined;
}
