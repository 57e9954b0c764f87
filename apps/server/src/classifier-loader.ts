import { MangaAssistError, type ServingConfig } from '@mangaassist/common';
import { OnnxTextClassifier, OnnxWorkerPool, servedModelId, type TextClassifier, type WorkerEvent } from '@mangaassist/serving';
import type { FastifyBaseLogger } from 'fastify';

/**
 * Loads the classifier the server runs: the exported model directory `serving.modelDir` through ONNX Runtime,
 * with the configured precision, model id (`serving.modelId`, else the id in the model's `config.json`; with
 * neither, loading fails with `CONFIG_INVALID`: the directory's name is never used as an id) and threads — in
 * `serving.workers` worker threads (the default, one), or on the main thread when `workers` is 0. Workers that die or hang past `serving.inferenceDeadlineMs` are replaced,
 * and each replacement is logged. Fails with `NOT_FOUND` or `CHECKPOINT_INVALID` naming the missing or corrupt
 * file, or a model whose output does not match its labels (one warm-up inference runs before traffic).
 *
 * @example
 * ```ts
 * const classifier = await loadClassifier(config.serving, logger);
 * ```
 */
export async function loadClassifier(serving: ServingConfig, logger?: FastifyBaseLogger): Promise<TextClassifier> {
  const options = {
    precision: serving.precision,
    modelId: servedModelId(serving.modelDir, serving.modelId),
    ...(serving.intraOpNumThreads !== undefined ? { intraOpNumThreads: serving.intraOpNumThreads } : {}),
  };
  if (serving.workers === 0) {
    const classifier = await OnnxTextClassifier.load(serving.modelDir, options);
    try {
      await warmUp(classifier, serving.modelDir);
    } catch (error) {
      await classifier.dispose();
      throw error;
    }
    return classifier;
  }
  return OnnxWorkerPool.load(serving.modelDir, {
    ...options,
    workers: serving.workers,
    batchDeadlineMs: serving.inferenceDeadlineMs,
    onWorkerEvent: (event) => logWorkerEvent(logger, event),
  });
}

/** One inference before traffic, so that a model whose output does not fit its labels fails at startup. */
async function warmUp(classifier: TextClassifier, dir: string): Promise<void> {
  const [row] = await classifier.predict(['warm-up']);
  if (row?.length !== classifier.labels.length) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `the model in ${dir} outputs ${row?.length ?? 0} scores per text but names ${classifier.labels.length} labels`, {
      file: dir,
    });
  }
}

function logWorkerEvent(logger: FastifyBaseLogger | undefined, event: WorkerEvent): void {
  if (event.type === 'lost') logger?.error({ worker: event.worker, reason: event.reason }, 'inference worker lost; starting a replacement');
  else if (event.type === 'restarted') logger?.warn({ worker: event.worker }, 'inference worker replaced');
  else logger?.error({ worker: event.worker, err: event.error, retryInMs: event.retryInMs }, 'inference worker failed to start; retrying');
}
