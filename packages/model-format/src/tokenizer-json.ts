/** The special tokens of BERT vocabularies. */
export const BERT_SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/**
 * The `tokenizer.json` that Hugging Face's `BertWordPieceTokenizer` builds from a vocabulary (token `i` has id `i`;
 * a repeated token keeps its first id): BERT normaliser with clean-up, Chinese-character splitting and lower-casing
 * (accents stripped when lower-casing), BERT pre-tokeniser, WordPiece with `##` continuation and 100-character
 * words, [CLS] … [SEP] post-processing. Throws a `RangeError` when [UNK], [CLS], [SEP] or [PAD] is missing.
 *
 * @example
 * ```ts
 * const json = bertTokenizerJson(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'where', 'is', 'my', 'order']);
 * ```
 */
export function bertTokenizerJson(tokens: readonly string[], lowercase = true): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  tokens.forEach((token, id) => {
    if (!(token in vocab)) vocab[token] = id;
  });
  for (const required of ['[UNK]', '[CLS]', '[SEP]', '[PAD]']) {
    if (!(required in vocab)) throw new RangeError(`vocabulary has no ${required} token`);
  }
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: BERT_SPECIAL_TOKENS.filter((t) => t in vocab)
      .map((content) => ({
        id: vocab[content]!,
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      }))
      .sort((a, b) => a.id - b.id),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', vocab['[SEP]']], cls: ['[CLS]', vocab['[CLS]']] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

/**
 * {@link bertTokenizerJson} of a `vocab.txt` (one token a line, a final newline allowed).
 *
 * @example
 * ```ts
 * const json = bertTokenizerJsonFromVocab(readFileSync('vocab.txt', 'utf8'));
 * ```
 */
export function bertTokenizerJsonFromVocab(vocabText: string, lowercase = true): Record<string, unknown> {
  const lines = vocabText.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return bertTokenizerJson(lines, lowercase);
}

/**
 * A vocabulary of `size` entries: the BERT special tokens, then `w5`, `w6`, … (one token per word), for
 * benchmarks that need a tokenizer of the right size but no real text.
 *
 * @example
 * ```ts
 * syntheticVocab(30522).length; // 30522
 * ```
 */
export function syntheticVocab(size: number): string[] {
  if (!Number.isInteger(size) || size < BERT_SPECIAL_TOKENS.length) throw new RangeError(`size must be an integer >= 5, got ${size}`);
  return [...BERT_SPECIAL_TOKENS, ...Array.from({ length: size - BERT_SPECIAL_TOKENS.length }, (_, i) => `w${i + BERT_SPECIAL_TOKENS.length}`)];
}

/** A WordPiece vocabulary's reserved slot, such as BERT's `[unused0]`…`[unused993]`. */
const UNUSED_SLOT = /^\[unused(\d+)\]$/;

/** What {@link withTokensInUnusedSlots} did. */
export interface PlacedTokens {
  /** The `tokenizer.json` content with the new tokens in the vocabulary (the input is not changed). */
  readonly json: Record<string, unknown>;
  /** The tokens given new ids, each with the id of the slot it took, in the order given. */
  readonly placed: readonly { readonly token: string; readonly id: number }[];
  /** Tokens already in the vocabulary, kept at their ids. */
  readonly present: readonly string[];
  /** Tokens that found no free slot, in the order given. */
  readonly leftOut: readonly string[];
}

/**
 * Puts `tokens` into a WordPiece `tokenizer.json`'s reserved `[unusedN]` slots, lowest N first, so the vocabulary
 * gains them without changing its size: the checkpoint's embedding matrix keeps its shape and every tool that reads
 * `tokenizer.json` (Hugging Face tokenizers, transformers.js) splits the text the same way. BERT's vocabulary keeps
 * 994 such slots for exactly this. A token already in the vocabulary keeps its id; tokens past the last free slot are
 * left out, in order, so put the ones that matter most first. Continuation tokens are given whole (`##😭`, with the
 * vocabulary's `model.continuing_subword_prefix`).
 *
 * @throws RangeError when `json` is not a WordPiece tokenizer (`model.type` and `model.vocab`)
 *
 * @example
 * ```ts
 * const { json, placed } = withTokensInUnusedSlots(tokenizerJson, ['😭', '##😭']);
 * placed; // [{ token: '😭', id: 1 }, { token: '##😭', id: 2 }]: [unused0] and [unused1] of bert-base-uncased
 * ```
 */
export function withTokensInUnusedSlots(json: Readonly<Record<string, unknown>>, tokens: readonly string[]): PlacedTokens {
  const model = json.model as { type?: unknown; vocab?: unknown } | undefined;
  if (model?.type !== 'WordPiece' || typeof model.vocab !== 'object' || model.vocab === null) {
    throw new RangeError(`tokenizer.json has no WordPiece vocabulary (model.type is ${JSON.stringify(model?.type)})`);
  }
  const vocab: Record<string, number> = { ...(model.vocab as Record<string, number>) };
  const slots = Object.keys(vocab)
    .map((token) => ({ token, n: UNUSED_SLOT.exec(token)?.[1] }))
    .filter((slot): slot is { token: string; n: string } => slot.n !== undefined)
    .sort((a, b) => Number(a.n) - Number(b.n));
  const placed: { token: string; id: number }[] = [];
  const present: string[] = [];
  const leftOut: string[] = [];
  let nextSlot = 0;
  for (const token of new Set(tokens)) {
    if (Object.hasOwn(vocab, token)) {
      present.push(token);
      continue;
    }
    const slot = slots[nextSlot++];
    if (!slot) {
      leftOut.push(token);
      continue;
    }
    const id = vocab[slot.token] as number;
    delete vocab[slot.token];
    vocab[token] = id;
    placed.push({ token, id });
  }
  return { json: { ...json, model: { ...model, vocab } }, placed, present, leftOut };
}

/** A literal text replacement for a tokenizer's normaliser: every `pattern` in the input becomes `content`. */
export interface TextReplacement {
  readonly pattern: string;
  readonly content: string;
}

/** What {@link withTextReplacements} did. */
export interface ReplacedText {
  /** The `tokenizer.json` content with the replacements in its normaliser (the input is not changed). */
  readonly json: Record<string, unknown>;
  /** Replacements added. */
  readonly added: number;
  /** Patterns the normaliser already replaced (a model fine-tuned with them before), left as they were. */
  readonly present: number;
}

/**
 * Puts literal text replacements at the front of a `tokenizer.json`'s normaliser, as Hugging Face tokenizers'
 * `Replace` normalisers in a `Sequence` before the existing one, so that every tool that reads the file (Hugging Face
 * tokenizers, transformers.js) rewrites the text the same way before splitting it: the model reads, say, an emoji's
 * name instead of an `[UNK]`, without any code beside the model directory. A pattern the normaliser already replaces
 * keeps its replacement, so a model fine-tuned again is not rewritten twice.
 *
 * @throws RangeError when a pattern is empty (it would match between every two characters)
 *
 * @example
 * ```ts
 * const { json } = withTextReplacements(tokenizerJson, [{ pattern: '👍', content: ' thumbs up ' }]);
 * new WordPieceTokenizer(json).encode('thanks 👍').tokens; // ['[CLS]', 'thanks', 'thumbs', 'up', '[SEP]']
 * ```
 */
export function withTextReplacements(json: Readonly<Record<string, unknown>>, replacements: readonly TextReplacement[]): ReplacedText {
  const empty = replacements.findIndex((r) => r.pattern.length === 0);
  if (empty >= 0) throw new RangeError(`replacement ${empty} has an empty pattern`);
  const existing = normalizerList(json);
  const replaced = new Set(existing.map(replacedPattern).filter((p): p is string => p !== undefined));
  // The first replacement of a repeated pattern wins, as the first Replace in the sequence would.
  const distinct: TextReplacement[] = [];
  const patterns = new Set<string>();
  for (const replacement of replacements) {
    if (patterns.has(replacement.pattern)) continue;
    patterns.add(replacement.pattern);
    distinct.push(replacement);
  }
  const added = distinct.filter((r) => !replaced.has(r.pattern)).map((r) => ({ type: 'Replace', pattern: { String: r.pattern }, content: r.content }));
  const present = distinct.length - added.length;
  if (added.length === 0) return { json: { ...json }, added: 0, present };
  return { json: { ...json, normalizer: { type: 'Sequence', normalizers: [...added, ...existing] } }, added: added.length, present };
}

/** A `tokenizer.json`'s normalisers in the order they run: a `Sequence`'s members, a lone normaliser, or none. */
function normalizerList(json: Readonly<Record<string, unknown>>): unknown[] {
  const normalizer = json.normalizer as { type?: unknown; normalizers?: unknown } | null | undefined;
  if (normalizer?.type === 'Sequence' && Array.isArray(normalizer.normalizers)) return normalizer.normalizers;
  return normalizer ? [normalizer] : [];
}

/** The literal pattern of a `Replace` normaliser, else undefined. */
function replacedPattern(normalizer: unknown): string | undefined {
  const n = normalizer as { type?: unknown; pattern?: { String?: unknown } } | null;
  return n?.type === 'Replace' && typeof n.pattern?.String === 'string' ? n.pattern.String : undefined;
}

/** What {@link foldedReplacements} returns: one pass for the leading `Replace` normalisers, and the rest of the file. */
export interface FoldedReplacements {
  /** Applies the folded replacements to a text in one pass. */
  readonly rewrite: (text: string) => string;
  /** The `tokenizer.json` content without the folded normalisers. */
  readonly rest: Record<string, unknown>;
}

/**
 * Folds the leading literal `Replace` normalisers of a `tokenizer.json` (as {@link withTextReplacements} writes them)
 * into one pass over the text, when that gives exactly what the sequence gives: each pattern is one code point and no
 * replacement contains a pattern, so every occurrence is replaced once, whatever the order. Why: a `Sequence` of
 * 1,396 `Replace` normalisers (emoji names) is 1,396 regular-expression passes over each message, a third of a
 * millisecond a message when served; the folded rewrite is one. The file keeps its `Replace` list, which other readers
 * (transformers.js) apply one by one. Undefined when there is nothing to fold.
 *
 * @example
 * ```ts
 * const folded = foldedReplacements(json);
 * folded?.rewrite('thanks 👍'); // 'thanks  thumbs up '
 * ```
 */
export function foldedReplacements(json: Readonly<Record<string, unknown>>): FoldedReplacements | undefined {
  const normalizers = normalizerList(json);
  const map = new Map<string, string>();
  let folded = 0;
  for (const candidate of normalizers) {
    const pattern = replacedPattern(candidate);
    if (pattern === undefined || [...pattern].length !== 1) break;
    const content = (candidate as { content?: unknown }).content;
    if (typeof content !== 'string') break;
    // The first Replace of a pattern leaves none for a later one.
    if (!map.has(pattern)) map.set(pattern, content);
    folded += 1;
  }
  if (folded === 0) return undefined;
  for (const content of map.values()) if ([...content].some((ch) => map.has(ch))) return undefined;
  const anyPattern = new RegExp(`[${[...map.keys()].map((p) => `\\u{${p.codePointAt(0)!.toString(16)}}`).join('')}]`, 'gu');
  return {
    rewrite: (text) => text.replace(anyPattern, (match) => map.get(match)!),
    rest: { ...json, normalizer: { type: 'Sequence', normalizers: normalizers.slice(folded) } },
  };
}
