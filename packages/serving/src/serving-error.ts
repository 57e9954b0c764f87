import { MangaAssistError } from '@mangaassist/common';

/**
 * Why the serving path refused or abandoned work. The HTTP layer maps each code to a status: `QUEUE_FULL` → 429,
 * `TIMEOUT` → 503, `SHUTTING_DOWN` → 503, `MODEL_UNAVAILABLE` (an inference worker died and is restarting) → 503
 * (all with `Retry-After`).
 */
export type ServingErrorCode = 'QUEUE_FULL' | 'TIMEOUT' | 'SHUTTING_DOWN' | 'MODEL_UNAVAILABLE';

/**
 * A refusal of the inference path that is not a bug: overload, a request past its deadline, or a server draining
 * for shutdown. `retryAfterSeconds` is the wait the server suggests to the client.
 *
 * @example
 * ```ts
 * try {
 *   await batcher.submit(['hello']);
 * } catch (error) {
 *   if (error instanceof ServingError && error.code === 'QUEUE_FULL') reply.header('retry-after', error.retryAfterSeconds);
 * }
 * ```
 */
export class ServingError extends MangaAssistError {
  declare readonly code: ServingErrorCode;
  readonly retryAfterSeconds: number;

  constructor(code: ServingErrorCode, message: string, retryAfterSeconds = 1) {
    super(code, message, { retryAfterSeconds });
    this.name = 'ServingError';
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}
