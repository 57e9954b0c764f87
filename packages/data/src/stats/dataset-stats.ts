import type { Example } from '../types';
import { findNearDuplicates } from './near-duplicates';
import { normalizeForDuplicates, wordTokens } from './text-normalize';

/**
 * One label's frequency: how many messages carry it, their share of all messages, and its share of all label
 * assignments (a message with two labels counts once for each).
 *
 * @example
 * ```ts
 * const row: LabelFrequency = { label: 'urgency', count: 740, messageShare: 0.148, assignmentShare: 0.12 };
 * ```
 */
export interface LabelFrequency {
  readonly label: string;
  readonly count: number;
  readonly messageShare: number;
  readonly assignmentShare: number;
}

/**
 * Summary of a distribution: min, max, mean and the 10/25/50/75/90th percentiles (nearest rank).
 *
 * @example
 * ```ts
 * const words: Distribution = { min: 1, p10: 4, p25: 8, p50: 14, p75: 22, p90: 33, max: 120, mean: 16.2 };
 * ```
 */
export interface Distribution {
  readonly min: number;
  readonly p10: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p90: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * Everything `data stats` prints. Duplicate rates are shares of messages that repeat an earlier one: `exact` after
 * normalisation (lower case, punctuation and emoji removed), `near` by Jaccard ≥ 0.8 of word 3-shingles.
 *
 * @example
 * ```ts
 * const stats: DatasetStats = datasetStats(examples);
 * console.log(stats.multiLabelShare, stats.duplicates.nearRate);
 * ```
 */
export interface DatasetStats {
  readonly messages: number;
  readonly labels: readonly LabelFrequency[];
  readonly multiLabelShare: number;
  readonly meanLabelsPerMessage: number;
  /** Label combinations (joined with `+`) by decreasing count. */
  readonly combinations: ReadonlyArray<{ readonly labels: string; readonly count: number }>;
  readonly lengthChars: Distribution;
  readonly lengthWords: Distribution;
  readonly duplicates: {
    readonly exactCount: number;
    readonly exactRate: number;
    readonly nearCount: number;
    readonly nearRate: number;
    readonly method: string;
  };
  readonly vocabularySize: number;
}

/**
 * Describes a set of examples: label frequencies (per message and per assignment), multi-label share, label
 * combinations, length distributions in characters and words, exact and near-duplicate rates, vocabulary size.
 * Labels are listed in `labels` order (default: order of first appearance).
 *
 * @example
 * ```ts
 * const stats = datasetStats(readDataset('data/generated.jsonl').dataset.examples, { labels: DEFAULT_LABELS });
 * ```
 */
export function datasetStats(examples: readonly Example[], options: { labels?: readonly string[]; nearThreshold?: number } = {}): DatasetStats {
  const n = examples.length;
  const counts = new Map<string, number>((options.labels ?? []).map((label) => [label, 0]));
  const combos = new Map<string, number>();
  let assignments = 0;
  let multi = 0;
  for (const { labels } of examples) {
    const unique = [...new Set(labels)];
    for (const label of unique) counts.set(label, (counts.get(label) ?? 0) + 1);
    assignments += unique.length;
    if (unique.length > 1) multi++;
    const key = unique.length === 0 ? '(none)' : unique.join('+');
    combos.set(key, (combos.get(key) ?? 0) + 1);
  }
  const share = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

  const normalized = examples.map((example) => normalizeForDuplicates(example.text));
  const seen = new Set<string>();
  let exactCount = 0;
  for (const text of normalized) {
    if (seen.has(text)) exactCount++;
    else seen.add(text);
  }
  const threshold = options.nearThreshold ?? 0.8;
  const near = findNearDuplicates(
    examples.map((example) => example.text),
    { threshold },
  );
  const vocabulary = new Set<string>();
  const words: number[] = [];
  for (const example of examples) {
    const tokens = wordTokens(example.text);
    tokens.forEach((token) => vocabulary.add(token));
    words.push(tokens.length);
  }
  return {
    messages: n,
    labels: [...counts].map(([label, count]) => ({
      label,
      count,
      messageShare: share(count, n),
      assignmentShare: share(count, assignments),
    })),
    multiLabelShare: share(multi, n),
    meanLabelsPerMessage: share(assignments, n),
    combinations: [...combos].map(([labels, count]) => ({ labels, count })).sort((a, b) => b.count - a.count || a.labels.localeCompare(b.labels)),
    lengthChars: distribution(examples.map((example) => [...example.text].length)),
    lengthWords: distribution(words),
    duplicates: {
      exactCount,
      exactRate: share(exactCount, n),
      nearCount: near.count,
      nearRate: share(near.count, n),
      method: `near: Jaccard >= ${threshold} of word 3-shingle sets (MinHash 64 hashes, LSH 16x4, candidates verified exactly); exact: same text after lower-casing and removing punctuation/emoji`,
    },
    vocabularySize: vocabulary.size,
  };
}

/**
 * Nearest-rank percentiles, min, max and mean of a list of numbers (all zero for an empty list).
 *
 * @example
 * ```ts
 * distribution([1, 2, 3, 4]).p50; // 2
 * ```
 */
export function distribution(values: readonly number[]): Distribution {
  if (values.length === 0) return { min: 0, p10: 0, p25: 0, p50: 0, p75: 0, p90: 0, max: 0, mean: 0 };
  const sorted = values.slice().sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  return {
    min: sorted[0] as number,
    p10: rank(10),
    p25: rank(25),
    p50: rank(50),
    p75: rank(75),
    p90: rank(90),
    max: sorted[sorted.length - 1] as number,
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}
