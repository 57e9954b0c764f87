import type { ServingConfig } from '@mangaassist/common';
import { OnnxTextClassifier, type TextClassifier } from '@mangaassist/serving';

/**
 * Loads the classifier the server runs: the exported model directory `serving.modelDir` through ONNX Runtime,
 * with the configured precision, model id and threads. Fails with `NOT_FOUND` or `CHECKPOINT_INVALID` naming the
 * missing or corrupt file.
 *
 * @example
 * ```ts
 * const classifier = await loadClassifier(config.serving);
 * ```
 */
export async function loadClassifier(serving: ServingConfig): Promise<TextClassifier> {
  return OnnxTextClassifier.load(serving.modelDir, {
    precision: serving.precision,
    ...(serving.modelId !== undefined ? { modelId: serving.modelId } : {}),
    ...(serving.intraOpNumThreads !== undefined ? { intraOpNumThreads: serving.intraOpNumThreads } : {}),
  });
}
