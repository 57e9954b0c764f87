import { mapWords, withoutWord, type MappedWord, type WordPieceView } from './words';

/** Words explained per text unless configured: a 24-token message fits, and the run stays one modest batch. */
export const DEFAULT_EXPLAIN_MAX_WORDS = 32;

/** One word's share in a label's probability. */
export interface WordWeight {
  /** The word as written. */
  readonly word: string;
  /** UTF-16 offsets in the text, `end` exclusive. */
  readonly start: number;
  readonly end: number;
  /** The word pieces the model reads for it. */
  readonly tokens: readonly string[];
  /** p(text) − p(text without this word): positive when the word raised the label's probability. */
  readonly weight: number;
}

/** The words behind one label's probability, highest weight first. */
export interface LabelAttribution {
  readonly label: string;
  /** The model's probability for the text in the attribution run (the churn phrase boost is not in it). */
  readonly probability: number;
  readonly words: readonly WordWeight[];
}

/** Word attributions of one text. */
export interface WordAttribution {
  readonly method: 'occlusion';
  /** Words the model reads (words past its token limit, or made only of dropped characters, are not among them). */
  readonly wordsRead: number;
  /** Words given a weight: the first `maxWords` of those read. */
  readonly wordsConsidered: number;
  readonly labels: readonly LabelAttribution[];
}

/** The texts of one occlusion run: the text as read, then the text without each considered word. */
export interface OcclusionPlan {
  /** `texts[0]` is the text as the model reads it; `texts[1 + i]` lacks `words[i]`. */
  readonly texts: readonly string[];
  readonly words: readonly MappedWord[];
  readonly wordsRead: number;
}

/**
 * The texts to score for a word-occlusion explanation of `text`: the text as the model reads it, then one copy
 * without each of its first `maxWords` words (see `mapWords` and `withoutWord`). `maxWords` bounds the run: one
 * inference of at most `maxWords + 1` texts.
 *
 * @example
 * ```ts
 * planOcclusion('so angry today', view, 32).texts; // ['so angry today', ' angry today', 'so  today', 'so angry ']
 * ```
 */
export function planOcclusion(text: string, view: WordPieceView, maxWords: number): OcclusionPlan {
  if (!Number.isInteger(maxWords) || maxWords < 1) throw new RangeError(`maxWords must be a positive integer, got ${maxWords}`);
  const map = mapWords(text, view);
  const words = map.words.slice(0, maxWords);
  return { texts: [map.read, ...words.map((w) => withoutWord(map.read, w))], words, wordsRead: map.words.length };
}

/**
 * Word weights per label from the scores of a plan's texts (`rows[i]` for `plan.texts[i]`, in label order): for
 * each label of `explained`, weight = p(text) − p(text without the word), words sorted by weight, highest first
 * (ties keep text order).
 *
 * Why deletion, and this difference: it asks the model itself what each word changed, with no gradient (the
 * serving graph has none) and no baseline token to choose — removing a word is what "without this word" means to a
 * reader, where a [MASK] or [PAD] token would be an input the classifier never saw in fine-tuning. It costs one
 * text per word, which the word cap bounds and one batched run pays for. The weights need not add up to the
 * probability (words interact through attention and the sigmoid); each is the change its own removal makes.
 *
 * @throws RangeError when `rows` does not hold one row per text of the plan, or a label is unknown
 * @example
 * ```ts
 * const rows = await classifier.predict(plan.texts);
 * attributeWords(plan, classifier.labels, ['frustration'], rows).labels[0].words[0]; // { word: 'angry', weight: 0.41, … }
 * ```
 */
export function attributeWords(plan: OcclusionPlan, labels: readonly string[], explained: readonly string[], rows: readonly Float32Array[]): WordAttribution {
  if (rows.length !== plan.texts.length) throw new RangeError(`expected ${plan.texts.length} score rows (one per text of the plan), got ${rows.length}`);
  const full = rows[0] as Float32Array;
  const out = explained.map((label) => {
    const j = labels.indexOf(label);
    if (j < 0) throw new RangeError(`label ${JSON.stringify(label)} is not one of ${labels.join(', ')}`);
    const p = full[j] as number;
    const words = plan.words
      .map((w, i) => ({ word: w.text, start: w.start, end: w.end, tokens: w.pieces, weight: p - (rows[i + 1]![j] as number), order: i }))
      .sort((a, b) => b.weight - a.weight || a.order - b.order)
      .map(({ order: _order, ...rest }) => rest);
    return { label, probability: p, words };
  });
  return { method: 'occlusion', wordsRead: plan.wordsRead, wordsConsidered: plan.words.length, labels: out };
}
