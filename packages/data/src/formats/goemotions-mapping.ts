/**
 * The 28 GoEmotions classes in the order of its `labels.txt`: a row's `label` cell holds indices into this list.
 *
 * @example
 * ```ts
 * GOEMOTIONS_EMOTIONS[27]; // 'neutral'
 * ```
 */
export const GOEMOTIONS_EMOTIONS = [
  'admiration', 'amusement', 'anger', 'annoyance', 'approval', 'caring', 'confusion', 'curiosity', 'desire',
  'disappointment', 'disapproval', 'disgust', 'embarrassment', 'excitement', 'fear', 'gratitude', 'grief', 'joy',
  'love', 'nervousness', 'optimism', 'pride', 'realization', 'relief', 'remorse', 'sadness', 'surprise', 'neutral',
] as const;

/**
 * Which GoEmotions classes turn each MangaAssist label on (the table in `shared/data/goemotions/README.md`).
 * `neutral` is handled apart: it is on only when no other mapped label is.
 *
 * @example
 * ```ts
 * GOEMOTIONS_TO_MANGAASSIST.frustration; // ['anger', 'annoyance', 'disappointment', 'disapproval', 'disgust']
 * ```
 */
export const GOEMOTIONS_TO_MANGAASSIST = {
  frustration: ['anger', 'annoyance', 'disappointment', 'disapproval', 'disgust'],
  satisfaction: ['admiration', 'amusement', 'approval', 'excitement', 'gratitude', 'joy', 'love', 'optimism', 'pride', 'relief'],
  confusion: ['confusion'],
} as const satisfies Record<string, ReadonlyArray<(typeof GOEMOTIONS_EMOTIONS)[number]>>;

/**
 * The MangaAssist labels that GoEmotions annotates; `urgency` and `churn_risk` never occur in it and must be left
 * out of its metrics.
 *
 * @example
 * ```ts
 * GOEMOTIONS_COVERED_LABELS.includes('urgency'); // false
 * ```
 */
export const GOEMOTIONS_COVERED_LABELS = ['frustration', 'satisfaction', 'confusion', 'neutral'] as const;

/**
 * Maps one row's GoEmotions class indices to MangaAssist labels (schema order). Returns `undefined` when none of
 * the row's classes is in the mapping (only sadness or curiosity, say): such rows are dropped, not labelled neutral.
 * Throws `RangeError` for an index outside 0..27.
 *
 * @example
 * ```ts
 * mapGoEmotions([2, 27]); // ['frustration']  (anger wins over neutral)
 * mapGoEmotions([25]);    // undefined         (sadness alone is not mapped)
 * ```
 */
export function mapGoEmotions(indices: readonly number[]): string[] | undefined {
  const emotions = new Set<string>();
  for (const index of indices) {
    const emotion = GOEMOTIONS_EMOTIONS[index];
    if (!Number.isInteger(index) || emotion === undefined) {
      throw new RangeError(`GoEmotions class index must be an integer in 0..${GOEMOTIONS_EMOTIONS.length - 1}, got ${index}`);
    }
    emotions.add(emotion);
  }
  const labels = Object.entries(GOEMOTIONS_TO_MANGAASSIST)
    .filter(([, sources]) => sources.some((emotion) => emotions.has(emotion)))
    .map(([label]) => label);
  if (labels.length > 0) return labels;
  return emotions.has('neutral') ? ['neutral'] : undefined;
}
