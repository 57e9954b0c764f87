import type { ServingConfig } from '@mangaassist/common';
import { OnnxTextClassifier, OnnxWorkerPool, type TextClassifier } from '@mangaassist/serving';

/**
 * Loads the classifier the server runs: the exported model directory `serving.modelDir` through ONNX Runtime,
 * with the configured precision, model id and threads — in `serving.workers` worker threads (the default, one), or
 * on the main thread when `workers` is 0. Fails with `NOT_FOUND` or `CHECKPOINT_INVALID` naming the missing or
 * corrupt file.
 *
 * @example
 * ```ts
 * const classifier = await loadClassifier(config.serving);
 * ```
 */
export async function loadClassifier(serving: ServingConfig): Promise<TextClassifier> {
  const options = {
    precision: serving.precision,
    ...(serving.modelId !== undefined ? { modelId: serving.modelId } : {}),
    ...(serving.intraOpNumThreads !== undefined ? { intraOpNumThreads: serving.intraOpNumThreads } : {}),
  };
  if (serving.workers === 0) return OnnxTextClassifier.load(serving.modelDir, options);
  return OnnxWorkerPool.load(serving.modelDir, { ...options, workers: serving.workers });
}
