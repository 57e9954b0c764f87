import { MangaAssistError, type ErrorCode } from '@mangaassist/common';
import type { OnnxTextClassifierOptions } from './onnx-text-classifier';

/** What an inference worker is started with. */
export interface WorkerInit {
  readonly dir: string;
  readonly options: OnnxTextClassifierOptions;
}

/** An error as it crosses the thread boundary (structured clone keeps no class). */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly details?: Record<string, unknown>;
}

/** Messages from the main thread to a worker. */
export type ToWorker =
  | { readonly type: 'predict'; readonly id: number; readonly texts: readonly string[] }
  | { readonly type: 'dispose' };

/** Messages from a worker to the main thread. */
export type FromWorker =
  | {
      readonly type: 'ready';
      readonly labels: readonly string[];
      readonly modelId: string;
      /** The thresholds shipped with the model (`thresholds.json`), label → threshold. */
      readonly modelThresholds: Readonly<Record<string, number>>;
      readonly modelFile: string;
      /** Size and modification time of the ONNX file, so a restarted worker can tell that the file was replaced. */
      readonly modelFingerprint: string;
      readonly providerMessage: string;
    }
  | { readonly type: 'load-failed'; readonly error: SerializedError }
  | { readonly type: 'result'; readonly id: number; readonly probabilities: Float32Array; readonly width: number }
  | { readonly type: 'failed'; readonly id: number; readonly error: SerializedError }
  | { readonly type: 'disposed' };

/**
 * An error in a form that survives `postMessage`, keeping a `MangaAssistError`'s code and details.
 *
 * @example
 * ```ts
 * port.postMessage({ type: 'failed', id, error: serializeError(error) });
 * ```
 */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof MangaAssistError) return { name: error.name, message: error.message, code: error.code, ...(error.details ? { details: error.details } : {}) };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/**
 * Rebuilds an error received from a worker: a `MangaAssistError` with its code when it had one (so callers can
 * still tell a corrupt model from a bad argument), otherwise a plain `Error` of the same name and message.
 *
 * @example
 * ```ts
 * reject(deserializeError(message.error));
 * ```
 */
export function deserializeError(error: SerializedError): Error {
  if (error.code) return new MangaAssistError(error.code as ErrorCode, error.message, error.details);
  const rebuilt = error.name === 'RangeError' ? new RangeError(error.message) : error.name === 'TypeError' ? new TypeError(error.message) : new Error(error.message);
  if (rebuilt.name !== error.name) rebuilt.name = error.name;
  return rebuilt;
}
