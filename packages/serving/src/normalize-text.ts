/**
 * Normalises text for phrase matching, so that "I'm DONE with   this!!", "i'm done with this" and
 * "Ｉ'm ｄｏｎｅ ｗｉｔｈ this" all read `im done with this`:
 *
 * 1. NFKC (full-width and compatibility forms become their plain letters),
 * 2. lower case,
 * 3. accents removed (NFD, then combining marks dropped: "annulé" → "annule"),
 * 4. apostrophes dropped inside words ("don't" → "dont", so a phrase written with or without one matches),
 * 5. every other run of non-letters/non-digits becomes one space, trimmed.
 *
 * The result is a sequence of words separated by single spaces; phrases are normalised the same way.
 *
 * @example
 * ```ts
 * normalizeForMatching("I'm DONE with   Café-Manga!!"); // "im done with cafe manga"
 * ```
 */
export function normalizeForMatching(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/(?<=[\p{L}\p{N}])['’‘`´](?=[\p{L}\p{N}])/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
