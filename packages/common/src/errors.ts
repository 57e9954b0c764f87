/**
 * Stable error codes. Callers branch on `code`, never on message text.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_READ_FAILED'
  | 'PLUGIN_DUPLICATE'
  | 'PLUGIN_UNKNOWN'
  | 'PLUGIN_OPTIONS_INVALID'
  | 'PLUGIN_LOAD_FAILED'
  | 'CHECKPOINT_INVALID'
  | 'DATA_INVALID'
  | 'BACKEND_UNAVAILABLE'
  | 'STORE_UNAVAILABLE'
  | 'NOT_FOUND'
  | 'QUEUE_FULL'
  | 'TIMEOUT'
  | 'SHUTTING_DOWN'
  | 'MODEL_UNAVAILABLE'
  | 'INVALID_ARGUMENT';

/**
 * The one base error of the project: every thrown error that a user may see is a `MangaAssistError` with a
 * stable {@link ErrorCode} and, where useful, structured `details`.
 *
 * @example
 * ```ts
 * throw new MangaAssistError('DATA_INVALID', 'train.jsonl line 3: "labels" must be an array');
 * ```
 */
export class MangaAssistError extends Error {
  /** Machine-readable error code. */
  readonly code: ErrorCode;
  /** Optional structured context (file, field, allowed values…). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MangaAssistError';
    this.code = code;
    this.details = details;
  }
}

/**
 * True when `error` is a {@link MangaAssistError}, optionally with the given code.
 *
 * @example
 * ```ts
 * if (isMangaAssistError(err, 'PLUGIN_UNKNOWN')) console.error(err.message);
 * ```
 */
export function isMangaAssistError(error: unknown, code?: ErrorCode): error is MangaAssistError {
  return error instanceof MangaAssistError && (code === undefined || error.code === code);
}
