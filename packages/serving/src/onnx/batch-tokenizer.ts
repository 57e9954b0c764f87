// The package ships a CommonJS build but declares itself an ES module, so TypeScript's CommonJS output cannot
// `import` it; the types are taken in import mode and the CommonJS build is required.
type TokenizersModule = typeof import('@huggingface/tokenizers', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Tokenizer } = require('@huggingface/tokenizers') as TokenizersModule;

/** A padded batch as ONNX Runtime takes it: row-major `[batch, length]` int64 ids and mask. */
export interface PaddedBatch {
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly batch: number;
  readonly length: number;
}

/**
 * Turns texts into a padded int64 batch with a Hugging Face `tokenizer.json` (WordPiece for DistilBERT): each text
 * becomes `[CLS] … [SEP]`, truncated to `maxLength` tokens keeping the final `[SEP]` (as in training), and the batch
 * is right-padded with `[PAD]` to its longest text, so a short batch costs only its own length.
 *
 * @example
 * ```ts
 * const tokenizer = new BatchTokenizer(tokenizerJson, tokenizerConfig, 512);
 * const { inputIds, attentionMask, batch, length } = tokenizer.encode(['where is my order?', 'thanks!']);
 * ```
 */
export class BatchTokenizer {
  private readonly tokenizer: InstanceType<TokenizersModule['Tokenizer']>;
  private readonly clsId: number;
  private readonly sepId: number;
  private readonly padId: number;

  constructor(
    tokenizerJson: Record<string, unknown>,
    tokenizerConfig: Record<string, unknown>,
    /** Longest sequence, special tokens included. */
    readonly maxLength: number,
  ) {
    if (!Number.isInteger(maxLength) || maxLength < 2) {
      throw new RangeError(`maxLength must be an integer >= 2 (room for [CLS] and [SEP]), got ${maxLength}`);
    }
    this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    const id = (token: string) => {
      const value = this.tokenizer.token_to_id(token);
      if (value === undefined) throw new RangeError(`tokenizer vocabulary has no ${token} token`);
      return value;
    };
    this.clsId = id('[CLS]');
    this.sepId = id('[SEP]');
    this.padId = id('[PAD]');
  }

  /** Token ids of one text, `[CLS]` and `[SEP]` included, truncated to `maxLength`. */
  ids(text: string): number[] {
    if (typeof text !== 'string') throw new TypeError(`each text must be a string, got ${typeof text}`);
    const body = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
    return [this.clsId, ...body.slice(0, this.maxLength - 2), this.sepId];
  }

  /** Encodes and right-pads a batch (at least one text). */
  encode(texts: readonly string[]): PaddedBatch {
    if (!Array.isArray(texts) || texts.length === 0) throw new RangeError('texts must be a non-empty array of strings');
    const rows = texts.map((t) => this.ids(t));
    const length = Math.max(...rows.map((r) => r.length));
    const inputIds = new BigInt64Array(rows.length * length).fill(BigInt(this.padId));
    const attentionMask = new BigInt64Array(rows.length * length);
    rows.forEach((row, b) => {
      for (let i = 0; i < row.length; i++) {
        inputIds[b * length + i] = BigInt(row[i]!);
        attentionMask[b * length + i] = 1n;
      }
    });
    return { inputIds, attentionMask, batch: rows.length, length };
  }
}
