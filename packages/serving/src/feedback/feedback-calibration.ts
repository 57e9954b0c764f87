import { ESCALATION_LABELS } from '../escalation';
import { latestVerdicts } from './feedback-log';
import type { FeedbackRecord } from './feedback-record';

/** Options of {@link proposeThresholdsFromFeedback}. */
export interface FeedbackCalibrationOptions {
  /** Highest acceptable share of escalations that agents mark false (default 0.2). */
  readonly targetFalsePositiveRate?: number;
  /** Fewer verdicts than this for a label and model: no proposal (default 20). */
  readonly minSamples?: number;
  /** Labels to examine (default: frustration and churn_risk, the escalation labels). */
  readonly labels?: readonly string[];
  /** Current effective thresholds per model id (e.g. from the store); else the latest seen in the feedback. */
  readonly current?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Only this model id (default: every model id in the feedback, each on its own). */
  readonly modelId?: string;
}

/** What a proposed threshold would have done on the same feedback. */
export interface ProjectedOutcome {
  readonly escalations: number;
  readonly falsePositives: number;
  readonly falsePositiveRate: number;
  /** Escalations that agents marked right and that would no longer fire. */
  readonly truePositivesLost: number;
}

/** The finding for one label of one model. */
export interface LabelFeedbackProposal {
  readonly modelId: string;
  readonly label: string;
  readonly currentThreshold: number | null;
  /** Verdicts on escalations where this label was active and would still be at the current threshold. */
  readonly samples: number;
  readonly falsePositives: number;
  readonly falsePositiveRate: number;
  /**
   * `keep`: the observed rate is within target; `raise`: a higher threshold meets it; `insufficient-data`: fewer
   * than `minSamples` verdicts; `unreachable`: no threshold meets it (even the highest scores are false alarms).
   */
  readonly status: 'keep' | 'raise' | 'insufficient-data' | 'unreachable';
  readonly proposedThreshold: number | null;
  readonly projected: ProjectedOutcome | null;
  readonly reason: string;
}

/** The report: one proposal per model and label, nothing applied. */
export interface FeedbackCalibrationReport {
  readonly targetFalsePositiveRate: number;
  readonly minSamples: number;
  /** Verdicts used (one per escalation and agent: the latest). */
  readonly verdicts: number;
  readonly proposals: readonly LabelFeedbackProposal[];
}

/** One verdict as the proposal reads it: the label's score and whether escalating was right. */
export interface Sample {
  readonly score: number;
  readonly correct: boolean;
}

/**
 * Proposes threshold changes from agents' verdicts on escalations (a report for operations, which apply it as an
 * override; nothing is changed here).
 *
 * Feedback only covers conversations that were escalated, so it measures false positives, not misses: the report
 * can only propose raising a threshold, never lowering one. For each model and label it takes the escalations
 * where the label was active (an escalation marked false counts as a false positive of every label active in it),
 * keeps those whose score still reaches the current threshold, and computes the false-positive rate. Above target,
 * it proposes the lowest threshold at which the escalations that would remain meet the target — halfway between
 * the last excluded score and the first kept one — and says how many right escalations that would lose.
 *
 * @example
 * ```ts
 * const report = proposeThresholdsFromFeedback(await readFeedbackFile('runs/feedback.jsonl'), { targetFalsePositiveRate: 0.2 });
 * for (const p of report.proposals) console.log(p.label, p.status, p.proposedThreshold);
 * ```
 */
export function proposeThresholdsFromFeedback(
  records: readonly FeedbackRecord[],
  options: FeedbackCalibrationOptions = {},
): FeedbackCalibrationReport {
  const target = options.targetFalsePositiveRate ?? 0.2;
  const minSamples = options.minSamples ?? 20;
  if (!(target >= 0 && target < 1)) throw new RangeError(`targetFalsePositiveRate must be in [0, 1), got ${target}`);
  if (!Number.isInteger(minSamples) || minSamples < 1) throw new RangeError(`minSamples must be a positive integer, got ${minSamples}`);
  const labels = options.labels ?? [ESCALATION_LABELS.frustration, ESCALATION_LABELS.churn];
  const verdicts = latestVerdicts(records).filter((r) => options.modelId === undefined || r.escalation.modelId === options.modelId);
  const modelIds = [...new Set(verdicts.map((r) => r.escalation.modelId))].sort();
  const proposals: LabelFeedbackProposal[] = [];
  for (const modelId of modelIds) {
    const ofModel = verdicts.filter((r) => r.escalation.modelId === modelId).sort((a, b) => a.at.localeCompare(b.at));
    for (const label of labels) {
      const seen = ofModel.filter((r) => r.escalation.active.includes(label) && r.escalation.scores[label] !== undefined);
      const lastSeen = [...seen].reverse().find((r) => r.escalation.thresholds[label] !== undefined);
      const current = options.current?.[modelId]?.[label] ?? lastSeen?.escalation.thresholds[label] ?? null;
      const samples = seen
        .map((r) => ({ score: r.escalation.scores[label] as number, correct: r.correct }))
        .filter((s) => current === null || s.score >= current)
        .sort((a, b) => a.score - b.score);
      proposals.push(proposeForLabel(modelId, label, current, samples, target, minSamples));
    }
  }
  return { targetFalsePositiveRate: target, minSamples, verdicts: verdicts.length, proposals };
}

/**
 * The proposal for one label of one model from its samples sorted by score (those reaching `current`).
 *
 * @example
 * ```ts
 * proposeForLabel('m1', 'frustration', 0.5, [{ score: 0.6, correct: false }], 0.2, 1).status; // 'unreachable'
 * ```
 */
export function proposeForLabel(
  modelId: string,
  label: string,
  current: number | null,
  samples: readonly Sample[],
  target: number,
  minSamples: number,
): LabelFeedbackProposal {
  const counts: ScoreCount[] = [];
  for (const s of samples) {
    const last = counts[counts.length - 1];
    const bucket = last && last.score === s.score ? last : (counts.push({ score: s.score, right: 0, wrong: 0 }), counts[counts.length - 1] as ScoreCount);
    if (s.correct) bucket.right += 1;
    else bucket.wrong += 1;
  }
  return proposeFromCounts(modelId, label, current, counts, target, minSamples);
}

/** How many verdicts on escalations with one score were right and how many wrong. */
export interface ScoreCount {
  readonly score: number;
  right: number;
  wrong: number;
}

/**
 * {@link proposeForLabel} from counts per distinct score, sorted by score ascending (those reaching `current`): only
 * a boundary between two scores can separate kept from excluded escalations, so the cost is the number of distinct
 * scores, not of verdicts. Shared by {@link proposeThresholdsFromFeedback} and the running report
 * (`FeedbackReportState`).
 *
 * @example
 * ```ts
 * proposeFromCounts('m1', 'frustration', 0.5, [{ score: 0.6, right: 0, wrong: 1 }], 0.2, 1).status; // 'unreachable'
 * ```
 */
export function proposeFromCounts(
  modelId: string,
  label: string,
  current: number | null,
  counts: readonly ScoreCount[],
  target: number,
  minSamples: number,
): LabelFeedbackProposal {
  let n = 0;
  let falsePositives = 0;
  for (const c of counts) {
    n += c.right + c.wrong;
    falsePositives += c.wrong;
  }
  const rate = n === 0 ? 0 : falsePositives / n;
  const base = { modelId, label, currentThreshold: current, samples: n, falsePositives, falsePositiveRate: rate };
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  if (n < minSamples) {
    return {
      ...base,
      status: 'insufficient-data',
      proposedThreshold: null,
      projected: null,
      reason: `${n} verdicts, fewer than the ${minSamples} required`,
    };
  }
  if (rate <= target) {
    return {
      ...base,
      status: 'keep',
      proposedThreshold: null,
      projected: null,
      reason: `false-positive rate ${pct(rate)} is within the target ${pct(target)}`,
    };
  }
  // Walking up the scores: below the boundary after counts[j] are k verdicts, of which excludedFp false alarms.
  let k = 0;
  let excludedFp = 0;
  for (let j = 0; j + 1 < counts.length; j++) {
    const here = counts[j] as ScoreCount;
    k += here.right + here.wrong;
    excludedFp += here.wrong;
    const below = here.score;
    const above = (counts[j + 1] as ScoreCount).score;
    const kept = n - k;
    const keptFp = falsePositives - excludedFp;
    if (keptFp / kept > target) continue;
    const proposed = Math.min(above, Math.ceil(((below + above) / 2) * 1000) / 1000);
    const truePositivesLost = k - excludedFp;
    return {
      ...base,
      status: 'raise',
      proposedThreshold: proposed,
      projected: { escalations: kept, falsePositives: keptFp, falsePositiveRate: keptFp / kept, truePositivesLost },
      reason:
        `false-positive rate ${pct(rate)} is above the target ${pct(target)}; at ${proposed} it would be ` +
        `${pct(keptFp / kept)}, losing ${truePositivesLost} right escalation${truePositivesLost === 1 ? '' : 's'} of ${n - falsePositives}`,
    };
  }
  return {
    ...base,
    status: 'unreachable',
    proposedThreshold: null,
    projected: null,
    reason: `false-positive rate ${pct(rate)} is above the target ${pct(target)} and no threshold meets it: the highest-scored escalations are false alarms too`,
  };
}

/**
 * Renders a report as a plain-text table for the terminal.
 *
 * @example
 * ```ts
 * process.stdout.write(formatFeedbackReport(report));
 * ```
 */
export function formatFeedbackReport(report: FeedbackCalibrationReport): string {
  const header = ['model', 'label', 'verdicts', 'false+', 'fp rate', 'current', 'proposed', 'status'];
  const fmt = (x: number | null, digits = 3) => (x === null ? '-' : x.toFixed(digits));
  const rows = report.proposals.map((p) => [
    p.modelId,
    p.label,
    String(p.samples),
    String(p.falsePositives),
    `${(100 * p.falsePositiveRate).toFixed(1)}%`,
    fmt(p.currentThreshold),
    fmt(p.proposedThreshold),
    p.status,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  const lines = [
    `Threshold proposals from ${report.verdicts} agent verdicts (target false-positive rate ` +
      `${(100 * report.targetFalsePositiveRate).toFixed(1)}%, at least ${report.minSamples} verdicts per label).`,
    'Report only: apply a proposal as an override from the dashboard or the admin API.',
    'Feedback covers escalated conversations only, so it can show false alarms but not misses: thresholds are never lowered here.',
    '',
    line(header),
    ...rows.map(line),
    '',
    ...report.proposals.map((p) => `${p.modelId} ${p.label}: ${p.reason}`),
  ];
  if (report.proposals.length === 0) lines.push('No feedback yet.');
  return `${lines.join('\n')}\n`;
}
