import { ESCALATION_LABELS } from '../escalation';
import { proposeFromCounts, type FeedbackCalibrationOptions, type FeedbackCalibrationReport, type LabelFeedbackProposal, type ScoreCount } from './feedback-calibration';
import { verdictKey } from './feedback-log';
import type { FeedbackRecord } from './feedback-record';

/** Verdicts of one score of one label: how many agents marked right and how many wrong. */
interface Bucket {
  right: number;
  wrong: number;
}

/**
 * The feedback report kept up to date one verdict at a time, so that asking for it reads no log: the verdicts in
 * force (one per escalation and agent) and, per model and label, running counts of right and wrong verdicts per
 * score. A verdict that replaces an earlier one (same escalation and agent, `at` not older) takes the earlier one's
 * counts away; an older one is ignored, so applying records in any order, or twice, ends in the same state.
 * {@link report} equals `proposeThresholdsFromFeedback` on the same records; it costs a sort of the distinct
 * scores of each label, in memory, whatever the number of verdicts.
 *
 * @example
 * ```ts
 * const state = new FeedbackReportState();
 * await log.scan?.((record) => state.apply(record)); // once, on startup
 * state.apply(newVerdict); // after each stored verdict
 * const report = state.report({ modelId: 'manga-v1', minSamples: 20 });
 * ```
 */
export class FeedbackReportState {
  private readonly verdicts = new Map<string, FeedbackRecord>();
  /** model id → label → score → counts. */
  private readonly counts = new Map<string, Map<string, Map<number, Bucket>>>();
  private readonly perModel = new Map<string, number>();

  /** Verdicts in force. */
  get size(): number {
    return this.verdicts.size;
  }

  /** The verdict in force of `agent` (null: without an agent) on an escalation, if any. */
  verdictOf(escalationId: string, agent: string | null): FeedbackRecord | undefined {
    return this.verdicts.get(JSON.stringify([escalationId, agent]));
  }

  /**
   * Counts `record`, replacing the earlier verdict of the same escalation and agent. Returns false (and changes
   * nothing) when the verdict in force is newer.
   */
  apply(record: FeedbackRecord): boolean {
    const key = verdictKey(record);
    const previous = this.verdicts.get(key);
    if (previous && record.at < previous.at) return false;
    if (previous) this.count(previous, -1);
    // `set` on an existing key keeps its place, as the from-scratch reading keeps the first occurrence's.
    this.verdicts.set(key, record);
    this.count(record, 1);
    return true;
  }

  /** The report of `proposeThresholdsFromFeedback` over the verdicts in force. */
  report(options: FeedbackCalibrationOptions = {}): FeedbackCalibrationReport {
    const target = options.targetFalsePositiveRate ?? 0.2;
    const minSamples = options.minSamples ?? 20;
    if (!(target >= 0 && target < 1)) throw new RangeError(`targetFalsePositiveRate must be in [0, 1), got ${target}`);
    if (!Number.isInteger(minSamples) || minSamples < 1) throw new RangeError(`minSamples must be a positive integer, got ${minSamples}`);
    const labels = options.labels ?? [ESCALATION_LABELS.frustration, ESCALATION_LABELS.churn];
    const modelIds = [...this.perModel.keys()].filter((id) => options.modelId === undefined || id === options.modelId).sort();
    const proposals: LabelFeedbackProposal[] = [];
    let verdicts = 0;
    for (const modelId of modelIds) {
      verdicts += this.perModel.get(modelId) ?? 0;
      for (const label of labels) {
        const current = options.current?.[modelId]?.[label] ?? this.lastSeenThreshold(modelId, label);
        const byScore = this.counts.get(modelId)?.get(label) ?? new Map<number, Bucket>();
        const counts: ScoreCount[] = [];
        for (const score of [...byScore.keys()].sort((a, b) => a - b)) {
          if (current !== null && score < current) continue;
          const bucket = byScore.get(score) as Bucket;
          counts.push({ score, right: bucket.right, wrong: bucket.wrong });
        }
        proposals.push(proposeFromCounts(modelId, label, current, counts, target, minSamples));
      }
    }
    return { targetFalsePositiveRate: target, minSamples, verdicts, proposals };
  }

  private count(record: FeedbackRecord, delta: 1 | -1): void {
    const { modelId, active, scores } = record.escalation;
    const total = (this.perModel.get(modelId) ?? 0) + delta;
    if (total === 0) this.perModel.delete(modelId);
    else this.perModel.set(modelId, total);
    let byLabel = this.counts.get(modelId);
    if (!byLabel) this.counts.set(modelId, (byLabel = new Map()));
    for (const label of new Set(active)) {
      const score = scores[label];
      if (score === undefined) continue;
      let byScore = byLabel.get(label);
      if (!byScore) byLabel.set(label, (byScore = new Map()));
      const bucket = byScore.get(score) ?? { right: 0, wrong: 0 };
      if (record.correct) bucket.right += delta;
      else bucket.wrong += delta;
      if (bucket.right === 0 && bucket.wrong === 0) byScore.delete(score);
      else byScore.set(score, bucket);
    }
  }

  /**
   * Without a current threshold from the store: the one recorded with the latest verdict (by `at`) on an
   * escalation where the label was active, as the from-scratch report does. Only then are the verdicts walked.
   */
  private lastSeenThreshold(modelId: string, label: string): number | null {
    let latest: FeedbackRecord | undefined;
    for (const record of this.verdicts.values()) {
      const e = record.escalation;
      if (e.modelId !== modelId || !e.active.includes(label) || e.scores[label] === undefined || e.thresholds[label] === undefined) continue;
      if (!latest || record.at >= latest.at) latest = record;
    }
    return latest?.escalation.thresholds[label] ?? null;
  }
}
