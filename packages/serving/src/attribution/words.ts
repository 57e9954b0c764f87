/**
 * What the model sees of a text, as word pieces: the tokenizer without [CLS]/[SEP] and without truncation, and how
 * many pieces fit in one sequence. `OnnxTextClassifier` and `OnnxWorkerPool` provide it from the exported
 * directory's `tokenizer.json`.
 */
export interface WordPieceView {
  /** The word pieces of `text`, in order, without special tokens and without truncation. */
  pieces(text: string): readonly string[];
  /** Most word pieces of one text the model reads (its token limit less [CLS] and [SEP]); the rest is cut. */
  readonly maxPieces: number;
}

/** A word as the customer sees it, with where it lies in the text and the word pieces the model reads for it. */
export interface MappedWord {
  /** The word as written (a whitespace-delimited run: punctuation and emoji attached to it stay part of it). */
  readonly text: string;
  /** Offsets in the text, UTF-16 code units, `end` exclusive: `text.slice(start, end)` is the word. */
  readonly start: number;
  readonly end: number;
  /** The word pieces the model reads for this word (fewer than the word has when the text is cut inside it). */
  readonly pieces: readonly string[];
  /** Position of its first piece among the text's pieces (0 is the first piece after [CLS]). */
  readonly firstPiece: number;
}

/**
 * The word splitting of the tokenizer's normaliser (BERT's): white space that is not a control character. Rust's
 * `char::is_whitespace` is the Unicode White_Space property; the normaliser first drops control characters (NEL,
 * U+0085, is both, and is dropped — it joins its neighbours), then maps the remaining white space to a space. Tab,
 * line feed and carriage return are kept as white space.
 */
const MODEL_WHITESPACE = /[\t\n\r]|[^\P{White_Space}\p{Cc}]/u;

/**
 * Splits `text` into the words the customer sees: maximal runs without white space, with their offsets.
 *
 * @example
 * ```ts
 * splitWords('where is it?!'); // [{ text: 'where', start: 0, end: 5 }, { text: 'is', … }, { text: 'it?!', start: 9, end: 13 }]
 * ```
 */
export function splitWords(text: string): { text: string; start: number; end: number }[] {
  const words: { text: string; start: number; end: number }[] = [];
  let start = -1;
  // Iterate by code point so a surrogate pair is never cut in two.
  let i = 0;
  for (const ch of text) {
    const space = MODEL_WHITESPACE.test(ch);
    if (space && start >= 0) {
      words.push({ text: text.slice(start, i), start, end: i });
      start = -1;
    } else if (!space && start < 0) {
      start = i;
    }
    i += ch.length;
  }
  if (start >= 0) words.push({ text: text.slice(start), start, end: text.length });
  return words;
}

/**
 * Without a tokenizer (a test's fake classifier), each word is one piece and nothing is cut.
 */
export const WHOLE_WORD_PIECES: WordPieceView = { pieces: (text) => splitWords(text).map((w) => w.text), maxPieces: Number.POSITIVE_INFINITY };

/** The words of a text the model reads, and whether the token limit cut the text. */
export interface WordMap {
  readonly words: readonly MappedWord[];
  /**
   * The text as far as the model reads it: the whole text, or when the limit cuts it, up to the end of the last
   * word read (so that deleting a word does not bring unread words into the window).
   */
  readonly read: string;
  /** True when the token limit cut the text. */
  readonly cut: boolean;
}

/**
 * Maps the words of `text` to the word pieces the model reads. The tokenizer splits at white space before anything
 * else, so the pieces of the whole text are the pieces of its words, one word after the other: tokenising each word
 * on its own gives them, and their running count gives where each starts. Words the model never reads are left out:
 * those with no piece (only characters the normaliser drops, such as a zero-width space) and those past the token
 * limit. A word the limit cuts keeps the pieces the model reads.
 *
 * @example
 * ```ts
 * mapWords('never buying again', view).words;
 * // [{ text: 'never', pieces: ['never'], firstPiece: 0, … }, { text: 'buying', pieces: ['buying'], firstPiece: 1, … }, …]
 * ```
 */
export function mapWords(text: string, view: WordPieceView): WordMap {
  const words: MappedWord[] = [];
  let position = 0;
  let cut = false;
  for (const word of splitWords(text)) {
    const pieces = view.pieces(word.text);
    if (pieces.length === 0) continue;
    if (position >= view.maxPieces) {
      cut = true;
      break;
    }
    if (position + pieces.length > view.maxPieces) cut = true;
    words.push({ ...word, pieces: pieces.slice(0, view.maxPieces - position), firstPiece: position });
    position += pieces.length;
  }
  const last = words[words.length - 1];
  return { words, cut, read: cut && last ? text.slice(0, last.end) : text };
}

/**
 * `text` without `word`: the word's characters are removed and nothing else, so its neighbours stay separated by
 * the white space around it and every other word keeps its pieces — the model reads the text's pieces less this
 * word's.
 *
 * @example
 * ```ts
 * withoutWord('so angry today', { start: 3, end: 8 }); // 'so  today'
 * ```
 */
export function withoutWord(text: string, word: { readonly start: number; readonly end: number }): string {
  return text.slice(0, word.start) + text.slice(word.end);
}
