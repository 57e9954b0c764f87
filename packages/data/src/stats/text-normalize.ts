/**
 * Lower-cased word tokens of a message (letters, digits and inner apostrophes); emoji and punctuation are dropped.
 * The unit of vocabulary size and of duplicate detection.
 *
 * @example
 * ```ts
 * wordTokens("Where's my ORDER?? 😡"); // ["where's", 'my', 'order']
 * ```
 */
export function wordTokens(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu) ?? [];
}

/**
 * The text as duplicate detection sees it: its word tokens joined by single spaces, so case, punctuation, emoji
 * and spacing differences do not hide a duplicate. A text without any word ("🙄", "?") stays as it is, trimmed, so
 * that different emoji-only messages are not counted as repeats of each other.
 *
 * @example
 * ```ts
 * normalizeForDuplicates('Thanks!!  😊') === normalizeForDuplicates('thanks'); // true
 * ```
 */
export function normalizeForDuplicates(text: string): string {
  const words = wordTokens(text);
  return words.length > 0 ? words.join(' ') : text.trim();
}
