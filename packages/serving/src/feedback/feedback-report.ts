import { proposeThresholdsFromFeedback, type FeedbackCalibrationOptions, type FeedbackCalibrationReport } from './feedback-calibration';
import { readFeedbackFile } from './feedback-log';

/** Where {@link feedbackReportFromFile} reads current thresholds (a `ThresholdStore` fits). */
export interface CurrentThresholdSource {
  getEffective(modelId: string): Promise<Readonly<Record<string, number>>>;
}

/**
 * Builds the feedback report of `calibrate --from-feedback`: reads the feedback file, takes each model's current
 * effective thresholds from `store` when given (else the ones recorded with the latest escalations), and proposes
 * changes. Nothing is written anywhere.
 *
 * @example
 * ```ts
 * const report = await feedbackReportFromFile('runs/feedback.jsonl', { store, targetFalsePositiveRate: 0.2 });
 * process.stdout.write(formatFeedbackReport(report));
 * ```
 */
export async function feedbackReportFromFile(
  file: string,
  options: Omit<FeedbackCalibrationOptions, 'current'> & { readonly store?: CurrentThresholdSource } = {},
): Promise<FeedbackCalibrationReport> {
  const { store, ...rest } = options;
  const records = await readFeedbackFile(file);
  let current: Record<string, Readonly<Record<string, number>>> | undefined;
  if (store) {
    const modelIds = [...new Set(records.map((r) => r.escalation.modelId))].filter((id) => rest.modelId === undefined || id === rest.modelId);
    current = Object.fromEntries(await Promise.all(modelIds.map(async (id) => [id, await store.getEffective(id)] as const)));
  }
  return proposeThresholdsFromFeedback(records, { ...rest, ...(current ? { current } : {}) });
}
