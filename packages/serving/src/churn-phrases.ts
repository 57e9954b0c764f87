import { matchingWords, type MatchingWord } from './normalize-text';

/** One phrase that matched, as configured and as found in the normalised text. */
export interface PhraseMatch {
  /** The phrase as configured (e.g. `never again`). */
  readonly phrase: string;
  /**
   * The normalised words of the text that matched it (e.g. `never again`, `cancelling` for `cancel*`, `c a n c e l`
   * for a spelled-out word; look-alike letters from other scripts are shown as written).
   */
  readonly matched: string;
}

interface PatternWord {
  /** The word's comparison key (see `matchingWords`). */
  readonly key: string;
  /** Ends in `*` in the configuration: matches any word whose key starts with `key`. */
  readonly prefix: boolean;
}

interface CompiledPhrase {
  readonly phrase: string;
  readonly words: readonly PatternWord[];
}

/** One word of the normalised text: as written (for the report) and its comparison key. */
interface TextWord extends MatchingWord {
  /** A single letter or digit: part of a spelled-out word when it has neighbours like it ("c a n c e l"). */
  readonly single: boolean;
}

/**
 * A word is recognised spelled out letter by letter only when it has at least this many letters: a run of one- or
 * two-letter tokens ("a b", "i a") is ordinary text far more often than an evasion, and carving short words out of
 * it would match by chance.
 */
const MIN_SPELLED_LENGTH = 3;

/**
 * Finds churn phrases ("cancel", "never again", "done with", …) in customer messages, reading the text as a person
 * sees it rather than as its code points spell it.
 *
 * Matching is on whole words of the normalised text (`normalizeForMatching`: NFKC, invisible characters
 * such as soft hyphens, zero-width characters and bidi controls removed, lower case, no accents), compared with
 * look-alike letters folded (`foldConfusables`: Cyrillic "саncel" is "cancel"). `cancel` matches
 * "I want to CANCEL!" and "cancel my account" but not "cancelled" nor "cancellation", because the past tense
 * mostly reports what the store did ("my order was cancelled") rather than what the customer intends.
 * A word ending in `*` is a prefix: `cancel*` matches cancel, cancels, cancelling, cancellation and cancelled.
 * Multi-word phrases match consecutive words: `done with` matches "I'm done with you", not "done, with".
 *
 * A word spelled out one character at a time ("c a n c e l", "c.a.n.c.e.l", "c-a-n-c-e-l", "d o n e w i t h")
 * matches too: consecutive single-character words are read together when they spell a phrase word of at least
 * three letters exactly (or start with it, for a prefix word). Single letters never join the whole words around
 * them, so "a n d" in a sentence, initials ("J. R. R. Tolkien") or lists ("grades a, b, c") match only a phrase
 * they spell out exactly. As with whole words, a spelled phrase must end where its last word ends: "c a n c e l l e d"
 * is not `cancel` (it is `cancel*`), and neither is "c a n c e l i t" (the run goes on).
 *
 * @example
 * ```ts
 * const matcher = new ChurnPhraseMatcher(['cancel', 'never again', 'unsubscrib*']);
 * matcher.match('NEVER   again will I order here'); // [{ phrase: 'never again', matched: 'never again' }]
 * matcher.match('I will c.a.n.c.e.l'); // [{ phrase: 'cancel', matched: 'c a n c e l' }]
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
          const parts = matchingWords(prefix ? raw.slice(0, -1) : raw).map((w) => w.key);
          // Only the last word of "foo-bar*" carries the wildcard.
          return parts.map((key, i) => ({ key, prefix: prefix && i === parts.length - 1 }));
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
    const words: TextWord[] = matchingWords(text).map((word) => ({ ...word, single: [...word.text].length === 1 }));
    const matches: PhraseMatch[] = [];
    for (const { phrase, words: pattern } of this.compiled) {
      for (let start = 0; start < words.length; start++) {
        const end = matchFrom(words, start, pattern, 0);
        if (end !== undefined) {
          matches.push({ phrase, matched: words.slice(start, end).map((w) => w.text).join(' ') });
          break;
        }
      }
    }
    return matches;
  }
}

/**
 * Matches `pattern[p…]` against the text from word `at`; returns the index after the last word consumed, or
 * `undefined`. Each pattern word takes either one whole word or a run of single-character words spelling it.
 */
function matchFrom(words: readonly TextWord[], at: number, pattern: readonly PatternWord[], p: number): number | undefined {
  if (p === pattern.length) return at;
  const want = pattern[p] as PatternWord;
  const word = words[at];
  if (word === undefined) return undefined;
  if (want.prefix ? word.key.startsWith(want.key) : word.key === want.key) {
    const end = matchFrom(words, at + 1, pattern, p + 1);
    if (end !== undefined) return end;
  }
  if (!word.single || want.key.length < MIN_SPELLED_LENGTH) return undefined;
  // Spelled out: join single-character words until they cover the pattern word.
  let spelled = '';
  let next = at;
  while (spelled.length < want.key.length && words[next]?.single) spelled += (words[next++] as TextWord).key;
  if (next - at < 2 || !spelled.startsWith(want.key)) return undefined;
  if (spelled.length > want.key.length && !want.prefix) return undefined;
  // The phrase's last word must end the run, as a whole word must: "c a n c e l l e d" is not `cancel`.
  if (!want.prefix && p === pattern.length - 1 && words[next]?.single) return undefined;
  // A prefix word takes the rest of the spelled run ("u n s u b s c r i b e" is one word).
  if (want.prefix) while (words[next]?.single) next++;
  return matchFrom(words, next, pattern, p + 1);
}

/** Bounds of an operator-edited churn phrase list (see {@link normalizeChurnPhrases}). */
export const CHURN_PHRASE_LIMITS = { maxPhrases: 200, maxLength: 100 } as const;

/**
 * Normalises one churn phrase the way the matcher reads text (`normalizeForMatching` per word: NFKC, invisible
 * characters removed, lower case, no accents or punctuation), keeping a trailing `*` (prefix) on the last word:
 * `"  Never   AGAIN!"` → `never again`, `"Unsubscrib*"` → `unsubscrib*`. Returns an empty string when nothing
 * matchable is left.
 *
 * @example
 * ```ts
 * normalizeChurnPhrase('Done-With*'); // "done with*"
 * ```
 */
export function normalizeChurnPhrase(phrase: string): string {
  const words = phrase
    .trim()
    .split(/\s+/)
    .flatMap((raw) => {
      const prefix = raw.endsWith('*');
      const parts = matchingWords(prefix ? raw.replace(/\*+$/, '') : raw).map((w) => w.text);
      if (prefix && parts.length > 0) parts[parts.length - 1] += '*';
      return parts;
    });
  return words.join(' ');
}

/**
 * Validates and normalises an operator's churn phrase list: 1 to {@link CHURN_PHRASE_LIMITS}.maxPhrases phrases,
 * each at most `maxLength` UTF-16 code units as sent, each with a letter or digit to match; every phrase is
 * normalised with {@link normalizeChurnPhrase}, and phrases that normalise alike are kept once (first wins).
 *
 * @throws RangeError naming the first phrase refused (`phrases[3] …`) and the limit
 * @example
 * ```ts
 * normalizeChurnPhrases(['Cancel', 'CANCEL!', 'never again']); // ['cancel', 'never again']
 * ```
 */
export function normalizeChurnPhrases(phrases: readonly string[]): string[] {
  const { maxPhrases, maxLength } = CHURN_PHRASE_LIMITS;
  if (phrases.length === 0) throw new RangeError('phrases must hold at least one phrase');
  if (phrases.length > maxPhrases) throw new RangeError(`phrases must hold at most ${maxPhrases} phrases, got ${phrases.length}`);
  const seen = new Set<string>();
  phrases.forEach((phrase, i) => {
    if (phrase.length > maxLength) throw new RangeError(`phrases[${i}] must be at most ${maxLength} UTF-16 code units, got ${phrase.length}`);
    const normalized = normalizeChurnPhrase(phrase);
    if (!normalized || normalized === '*') {
      throw new RangeError(`phrases[${i}] (${JSON.stringify(phrase)}) has no letters or digits to match`);
    }
    seen.add(normalized);
  });
  return [...seen];
}
