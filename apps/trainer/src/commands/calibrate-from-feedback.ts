import { MangaAssistError } from '@mangaassist/common';
import { feedbackReportFromFile, type FeedbackCalibrationReport } from '@mangaassist/serving';
import { createThresholdStoreRegistry, parseStoreSpec, type ThresholdStoreRegistry } from '@mangaassist/thresholds';

/** The options of `calibrate --from-feedback` (report only: operations decide whether to apply a proposal). */
export interface FeedbackCalibrateOptions {
  readonly fromFeedback: string;
  readonly targetFpRate?: string;
  readonly minSamples?: string;
  readonly modelId?: string;
  readonly store?: string;
}

/**
 * Proposes threshold changes from agents' verdicts on escalations: labels whose observed false-positive rate is above
 * the target get a higher proposed threshold. Current thresholds are read from `--store` when given, opened from
 * `stores` (default: the built-ins).
 *
 * @example
 * ```ts
 * const report = await runFeedbackCalibration({ fromFeedback: 'runs/feedback.jsonl', store: 'sqlite:runs/thresholds.db' });
 * ```
 */
export async function runFeedbackCalibration(
  options: FeedbackCalibrateOptions,
  stores: ThresholdStoreRegistry = createThresholdStoreRegistry(),
): Promise<FeedbackCalibrationReport> {
  const targetFalsePositiveRate = Number(options.targetFpRate ?? 0.2);
  if (!(targetFalsePositiveRate > 0 && targetFalsePositiveRate < 1)) {
    throw new MangaAssistError('INVALID_ARGUMENT', `--target-fp-rate must be in (0, 1), got ${options.targetFpRate}`);
  }
  const minSamples = Number(options.minSamples ?? 20);
  if (!Number.isInteger(minSamples) || minSamples < 1) {
    throw new MangaAssistError('INVALID_ARGUMENT', `--min-samples must be a positive integer, got ${options.minSamples}`);
  }
  const selection = options.store ? parseStoreSpec(options.store) : undefined;
  const store = selection ? stores.create(selection.id, selection.options, {}) : undefined;
  try {
    return await feedbackReportFromFile(options.fromFeedback, {
      targetFalsePositiveRate,
      minSamples,
      ...(options.modelId ? { modelId: options.modelId } : {}),
      ...(store ? { store } : {}),
    });
  } finally {
    await store?.close();
  }
}
