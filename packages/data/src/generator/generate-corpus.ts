import { DEFAULT_LABELS } from '@mangaassist/common';
import type { Dataset, Example } from '../types';
import { createRng } from '@mangaassist/common';
import { canonicalLabels } from '../label-schema';
import { normalizeForDuplicates } from '../stats/text-normalize';
import { combinationQuotas } from './label-mix';
import { composeBody } from './compose';
import { pickRegister, styleMessage } from './style';

/**
 * Options of {@link generateCorpus}.
 *
 * @example
 * ```ts
 * const options: GenerateCorpusOptions = { n: 5000, seed: 7 };
 * ```
 */
export interface GenerateCorpusOptions {
  /** Number of messages. */
  readonly n: number;
  /** Seed: the same seed and n give the same corpus, message for message. */
  readonly seed: number;
}

/** Attempts at drawing a message whose body and text are both new (after normalisation) before accepting a repeat. */
const MAX_ATTEMPTS = 40;

/**
 * Generates a labelled corpus of MangaAssist customer messages. Label combinations are allotted by quota
 * ({@link combinationQuotas}), so the label shares (neutral 45%, frustration 18%, satisfaction 15%, urgency 12%,
 * confusion 7%, churn_risk 3% of assignments) and the 23% multi-label share hold by construction, up to rounding.
 * Each message draws a register (casual, standard, formal, texting, non-native English), is composed from topic
 * facts (orders, shipping, pre-orders, editions, damage, restocks, subscriptions, refunds, recommendations,
 * merchandise, gift cards, the account) and label stances (sarcasm, polite anger, complaints carried by facts alone,
 * praise in negative words, one-word reactions, rambling backstory, …), then restyled (slang, non-native grammar,
 * words of other languages, typos, emoji, punctuation); a message whose body or text repeats an earlier one (after
 * normalisation) is redrawn.
 *
 * @example
 * ```ts
 * const corpus = generateCorpus({ n: 5000, seed: 7 });
 * writeJsonl('data/generated.jsonl', corpus.examples);
 * ```
 */
export function generateCorpus(options: GenerateCorpusOptions): Dataset {
  const { n, seed } = options;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const rng = createRng(seed);
  const plan: (readonly string[])[] = [];
  for (const { labels, count } of combinationQuotas(n)) for (let i = 0; i < count; i++) plan.push(labels);
  const order = rng.shuffle(plan);

  // Two levels of repeat control: the composed body (before greeting, slang and emoji) and the final text. Bodies
  // that differ only in framing would otherwise be near-duplicates.
  const seenBodies = new Set<string>();
  const seenTexts = new Set<string>();
  const width = String(n - 1).length;
  const examples: Example[] = order.map((labels, index) => {
    let text = '';
    let body = '';
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const register = pickRegister(rng);
      body = composeBody(labels, rng, register);
      text = styleMessage(body, labels, rng, register);
      if (!seenBodies.has(normalizeForDuplicates(body)) && !seenTexts.has(normalizeForDuplicates(text))) break;
    }
    seenBodies.add(normalizeForDuplicates(body));
    seenTexts.add(normalizeForDuplicates(text));
    return { id: `gen-${seed}-${String(index).padStart(width, '0')}`, text, labels: canonicalLabels(labels, DEFAULT_LABELS) };
  });
  return {
    examples,
    labelSchema: DEFAULT_LABELS,
    coveredLabels: DEFAULT_LABELS,
    source: { kind: 'generated', generator: 'mangaassist-corpus', seed, n },
  };
}
