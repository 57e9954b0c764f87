import unhomoglyph from 'unhomoglyph';

/**
 * Characters that render as nothing: soft hyphen (U+00AD), zero-width space / non-joiner / joiner (U+200B–U+200D),
 * word joiner (U+2060), byte-order mark (U+FEFF), bidirectional controls (U+200E/U+200F, U+202A–U+202E,
 * U+2066–U+2069), and the rest of Unicode's default-ignorable code points (variation selectors, Hangul fillers,
 * the combining grapheme joiner, …). They are removed, not turned into spaces: "can\u00ADcel" reads "cancel" on
 * screen, so it must read `cancel` here too.
 */
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF\p{Default_Ignorable_Code_Point}]/gu;

/** The words of `text` with case kept: steps 1, 2, 4, 5 and 6 of {@link normalizeForMatching}. */
function wordsOf(text: string): string[] {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/(?<=[\p{L}\p{N}])['’‘`´](?=[\p{L}\p{N}])/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Lower case, accents dropped again (lower-casing "İ" yields "i" plus a combining dot). */
function lowerWord(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/\p{M}+/gu, '');
}

/**
 * Normalises text for phrase matching, so that "I'm DONE with   this!!", "i'm done with this" and
 * "Ｉ'm ｄｏｎｅ ｗｉｔｈ this" all read `im done with this`:
 *
 * 1. NFKC (full-width and compatibility forms become their plain letters),
 * 2. invisible characters removed (soft hyphens, zero-width characters, bidi controls and the other
 *    default-ignorable code points),
 * 3. lower case,
 * 4. accents removed (NFD, then combining marks dropped: "annulé" → "annule"),
 * 5. apostrophes dropped inside words ("don't" → "dont", so a phrase written with or without one matches),
 * 6. every other run of non-letters/non-digits becomes one space, trimmed.
 *
 * The result is a sequence of words separated by single spaces; phrases are normalised the same way. Look-alike
 * letters from other scripts are left as they are here (the words stay readable in a match report); the matcher
 * compares {@link matchingWords}' keys, which fold them.
 *
 * @example
 * ```ts
 * normalizeForMatching("I'm DONE with   Café-Manga!!"); // "im done with cafe manga"
 * normalizeForMatching('can\u00ADcel'); // "cancel"
 * ```
 */
export function normalizeForMatching(text: string): string {
  return wordsOf(text).map(lowerWord).filter(Boolean).join(' ');
}

/** One word of a text as the phrase matcher reads it. */
export interface MatchingWord {
  /** The word as {@link normalizeForMatching} writes it (for reports). */
  readonly text: string;
  /** What it is compared by: {@link foldConfusables} of the word. */
  readonly key: string;
}

/**
 * The words of {@link normalizeForMatching}`(text)`, each with its comparison key. Keys are folded from the
 * words before lower-casing, because some look-alikes only look alike in capitals (Greek "Ε" is Latin "E", but
 * its lower case "ε" is not "e").
 *
 * @example
 * ```ts
 * matchingWords('NΕVΕR'); // [{ text: 'nεvεr', key: 'never' }] (the Ε are Greek)
 * ```
 */
export function matchingWords(text: string): MatchingWord[] {
  return wordsOf(text)
    .map((word) => {
      const lower = lowerWord(word);
      return { text: lower, key: foldConfusables(word) || lower };
    })
    .filter((w) => w.text.length > 0);
}

/**
 * One non-ASCII character's look-alike, case kept. The skeleton of a capital I is "l" (they look the same); a
 * capital that imitates I (Cyrillic "І", "Ӏ") becomes "I", the letter it imitates, so that lower-casing reads "i" as
 * it does for a Latin capital I.
 */
function foldOneCharacter(c: string): string {
  const folded = unhomoglyph(c);
  return folded === 'l' && c !== c.toLowerCase() ? 'I' : folded;
}

/**
 * The comparison key of one word: letters that look alike are folded to one of them with Unicode's confusables
 * table (UTS #39 skeletons, from the `unhomoglyph` package), so that Cyrillic "саnсеl" (с, а, е Cyrillic), Greek
 * "ο" for "o", "ı" for "i" or "ΝΕVΕR" in Greek capitals compare equal to the Latin word. Letters outside ASCII
 * are folded first, case kept (capital look-alikes; see `foldOneCharacter`), then the lower-cased word is folded
 * again (lower-case look-alikes); the result is lower case, without accents, letters and digits only.
 *
 * Keys are for comparing only, never for display: the skeleton folds in both directions of a confusion, so some
 * plain characters change too (`m` → `rn`, `0` → `o`, `1` → `l`). Phrases and texts go through the same function,
 * so that is harmless for matching: "cance1" matching `cancel` is the point.
 *
 * @example
 * ```ts
 * foldConfusables('саnсеl') === foldConfusables('cancel'); // true (first, second and fourth letters Cyrillic)
 * ```
 */
export function foldConfusables(word: string): string {
  const capitalsFolded = word.replace(/[^\x00-\x7F]/gu, foldOneCharacter);
  return unhomoglyph(capitalsFolded.toLowerCase())
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}
