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
