import { normalizeForMatching } from './normalize-text';

/** One phrase that matched, as configured and as found in the normalised text. */
export interface PhraseMatch {
  /** The phrase as configured (e.g. `never again`). */
  readonly phrase: string;
  /** The normalised words of the text that matched it (e.g. `never again`, or `cancelling` for `cancel*`). */
  readonly matched: string;
}

interface CompiledPhrase {
  readonly phrase: string;
  /** Normalised words; a word ending in `*` matches any word starting with the rest. */
  readonly words: readonly { readonly text: string; readonly prefix: boolean }[];
}

/**
 * Finds churn phrases ("cancel", "never again", "done with", …) in customer messages.
 *
 * Matching is on whole words of the normalised text ({@link normalizeForMatching}): `cancel` matches
 * "I want to CANCEL!" and "cancel my account" but not "cancelled" nor "cancellation", because the past tense
 * mostly reports what the store did ("my order was cancelled") rather than what the customer intends.
 * A word ending in `*` is a prefix: `cancel*` matches cancel, cancels, cancelling, cancellation and cancelled.
 * Multi-word phrases match consecutive words: `done with` matches "I'm done with you", not "done, with".
 *
 * @example
 * ```ts
 * const matcher = new ChurnPhraseMatcher(['cancel', 'never again', 'unsubscrib*']);
 * matcher.match('NEVER   again will I order here'); // [{ phrase: 'never again', matched: 'never again' }]
 * ```
 */
export class ChurnPhraseMatcher {
  private readonly compiled: readonly CompiledPhrase[];

  /** @param phrases - the configured phrases; each must contain at least one letter or digit. */
  constructor(phrases: readonly string[]) {
    this.compiled = phrases.map((phrase, index) => {
      const words = phrase
        .split(/\s+/)
        .map((raw) => ({ raw, prefix: raw.endsWith('*') }))
        .flatMap(({ raw, prefix }) => {
          const parts = normalizeForMatching(prefix ? raw.slice(0, -1) : raw).split(' ').filter(Boolean);
          // Only the last word of "foo-bar*" carries the wildcard.
          return parts.map((text, i) => ({ text, prefix: prefix && i === parts.length - 1 }));
        });
      if (words.length === 0) {
        throw new RangeError(`phrases[${index}] (${JSON.stringify(phrase)}) has no letters or digits to match`);
      }
      return { phrase, words };
    });
  }

  /** The configured phrases, in order. */
  get phrases(): string[] {
    return this.compiled.map((c) => c.phrase);
  }

  /** Every configured phrase found in `text` (each at most once, first occurrence), in configuration order. */
  match(text: string): PhraseMatch[] {
    if (this.compiled.length === 0) return [];
    const words = normalizeForMatching(text).split(' ').filter(Boolean);
    const matches: PhraseMatch[] = [];
    for (const { phrase, words: pattern } of this.compiled) {
      for (let start = 0; start + pattern.length <= words.length; start++) {
        if (pattern.every((p, k) => wordMatches(words[start + k] as string, p))) {
          matches.push({ phrase, matched: words.slice(start, start + pattern.length).join(' ') });
          break;
        }
      }
    }
    return matches;
  }
}

function wordMatches(word: string, pattern: { text: string; prefix: boolean }): boolean {
  return pattern.prefix ? word.startsWith(pattern.text) : word === pattern.text;
}
