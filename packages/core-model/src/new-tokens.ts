import { WordPieceTokenizer, withTokensInUnusedSlots } from '@mangaassist/model-format';

/** A token to add to a pretrained vocabulary, with the words its embedding starts from. */
export interface NewToken {
  /** The token as the vocabulary holds it (`😭`, or `##😭` for the continuation of a word). */
  readonly token: string;
  /** Text whose word pieces' embeddings, averaged, initialise the new token's row (`loudly crying face`). */
  readonly initFrom: string;
}

/** What {@link addTokensToVocabulary} placed, for the log. */
export interface NewTokensReport {
  /** Tokens that took a reserved slot and got a fresh embedding row. */
  readonly placed: number;
  /** Tokens the vocabulary already had (a model fine-tuned with them before), left as they were. */
  readonly present: number;
  /** Tokens past the last free slot, left out (the text keeps reading them as `[UNK]`). */
  readonly leftOut: number;
}

/**
 * Adds `tokens` to a pretrained WordPiece vocabulary in its reserved `[unusedN]` slots (`withTokensInUnusedSlots` of
 * `@mangaassist/model-format`) and sets each new token's row of `wordEmbeddings` (row-major, `dim` columns; changed in
 * place) to the mean embedding of the word pieces of its `initFrom`, read with the tokenizer before the change.
 * Why: a slot's row was never an input during pretraining, so it carries no meaning; the mean of words that describe
 * the token (an emoji's Unicode name) starts it where the encoder reads related words, and fine-tuning moves it from
 * there. Word pieces the tokenizer maps to `[UNK]` are not averaged; with none left the row stays as it was.
 *
 * @example
 * ```ts
 * const { tokenizer, report } = addTokensToVocabulary(pretrained.tokenizer, weights.get('embeddings.word_embeddings.weight')!, 256, [
 *   { token: '😭', initFrom: 'loudly crying face' },
 * ]);
 * tokenizer.encode('😭').tokens; // ['[CLS]', '😭', '[SEP]']
 * ```
 */
export function addTokensToVocabulary(
  tokenizer: WordPieceTokenizer,
  wordEmbeddings: Float32Array,
  dim: number,
  tokens: readonly NewToken[],
): { readonly tokenizer: WordPieceTokenizer; readonly report: NewTokensReport } {
  if (!Number.isInteger(dim) || dim < 1 || wordEmbeddings.length % dim !== 0) {
    throw new RangeError(`wordEmbeddings has ${wordEmbeddings.length} values, not a whole number of rows of ${dim}`);
  }
  const { json, placed, present, leftOut } = withTokensInUnusedSlots(tokenizer.json, tokens.map((t) => t.token));
  const unk = tokenizer.tokenToId('[UNK]');
  const initFrom = new Map(tokens.map((t) => [t.token, t.initFrom]));
  for (const { token, id } of placed) {
    const pieces = tokenizer.encode(initFrom.get(token) ?? '').ids.slice(1, -1).filter((piece) => piece !== unk);
    if (pieces.length === 0) continue;
    const row = new Float32Array(dim);
    for (const piece of pieces) {
      for (let d = 0; d < dim; d++) row[d]! += wordEmbeddings[piece * dim + d]! / pieces.length;
    }
    wordEmbeddings.set(row, id * dim);
  }
  return {
    tokenizer: new WordPieceTokenizer(json, tokenizer.config),
    report: { placed: placed.length, present: present.length, leftOut: leftOut.length },
  };
}
