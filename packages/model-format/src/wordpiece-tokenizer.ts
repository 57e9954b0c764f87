import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';
import { bertTokenizerJsonFromVocab, foldedReplacements } from './tokenizer-json';

// The package ships a CommonJS build but declares itself an ES module, so TypeScript's CommonJS output cannot
// `import` it; the types are taken in import mode and the CommonJS build is required.
type TokenizersModule = typeof import('@huggingface/tokenizers', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Tokenizer } = require('@huggingface/tokenizers') as TokenizersModule;
type HfTokenizer = InstanceType<TokenizersModule['Tokenizer']>;

/** The tokenizer file of a model directory (Hugging Face's fast-tokenizer format). */
export const TOKENIZER_FILE = 'tokenizer.json';
/** The tokenizer's settings beside {@link TOKENIZER_FILE} (optional). */
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';
/** The plain WordPiece vocabulary, one token a line: enough to build the tokenizer when `tokenizer.json` is absent. */
export const VOCAB_FILE = 'vocab.txt';
/** Hugging Face's map of special tokens, kept beside the tokenizer when a checkpoint has it. */
export const SPECIAL_TOKENS_MAP_FILE = 'special_tokens_map.json';
/** Every tokenizer file a model directory may hold: what a save copies from its source directory. */
export const TOKENIZER_FILES = [TOKENIZER_FILE, TOKENIZER_CONFIG_FILE, VOCAB_FILE, SPECIAL_TOKENS_MAP_FILE] as const;

/**
 * The special tokens and casing a BERT `tokenizer_config.json` names, as Hugging Face's `BertTokenizer` writes them:
 * written under a saved tokenizer's own settings, and under an exported one's so that transformers.js finds them.
 *
 * @example
 * ```ts
 * const config = { ...BERT_TOKENIZER_CONFIG_DEFAULTS, ...source };
 * ```
 */
export const BERT_TOKENIZER_CONFIG_DEFAULTS: Readonly<Record<string, unknown>> = {
  do_lower_case: true,
  cls_token: '[CLS]',
  sep_token: '[SEP]',
  pad_token: '[PAD]',
  unk_token: '[UNK]',
  mask_token: '[MASK]',
};

/** One encoded text. */
export interface Encoded {
  readonly ids: number[];
  readonly tokens: string[];
}

/** A padded batch, ready for `tf.tensor2d(…, 'int32')`. */
export interface BatchEncoding {
  /** `[batch][length]` token ids, padded with the `[PAD]` id. */
  readonly inputIds: number[][];
  /** `[batch][length]`, 1 for real tokens and 0 for padding. */
  readonly attentionMask: number[][];
  /** The padded length. */
  readonly length: number;
}

/** A padded batch as ONNX Runtime takes it: row-major `[batch, length]` int64 ids and mask. */
export interface PaddedBatch {
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly batch: number;
  readonly length: number;
}

/** Options of {@link WordPieceTokenizer.encode}. */
export interface EncodeOptions {
  /** Truncate to this many tokens including [CLS] and [SEP] (the final [SEP] is kept). */
  readonly maxLength?: number;
}

/** Options of {@link WordPieceTokenizer.encodeBatch}. */
export interface EncodeBatchOptions extends EncodeOptions {
  /** `longest` pads to the longest text of the batch (default); `max_length` pads to `maxLength`. */
  readonly padding?: 'longest' | 'max_length';
}

/**
 * Throws a RangeError unless `maxLength` leaves room for [CLS] and [SEP]; a server checks its limit once at load
 * instead of on the first request.
 *
 * @example
 * ```ts
 * checkMaxLength(options.maxLength ?? 512);
 * ```
 */
export function checkMaxLength(maxLength: number): void {
  if (!Number.isInteger(maxLength) || maxLength < 2) {
    throw new RangeError(`maxLength must be an integer >= 2 (room for [CLS] and [SEP]), got ${maxLength}`);
  }
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new MangaAssistError('CHECKPOINT_INVALID', `${file}: not readable as JSON (${(error as Error).message})`, {
      file,
    });
  }
}

/**
 * BERT WordPiece tokenizer (uncased) on top of `@huggingface/tokenizers`, with the truncation, padding and
 * attention masks the encoder needs: `number[]` rows for TensorFlow.js and `BigInt64Array` batches for ONNX Runtime,
 * from the same token ids, so training and serving cut and pad a text alike. Reproduces Hugging Face's
 * `BertWordPieceTokenizer` exactly on the reference cases (accents, CJK, emoji, control characters, long words).
 *
 * @example
 * ```ts
 * const tokenizer = WordPieceTokenizer.fromDirectory('../shared/models/mini-distilbert-mlm');
 * tokenizer.encode('Never buying from here again').ids; // [101, 2196, 9343, 2013, 2182, 2153, 102]
 * const batch = tokenizer.encodeBatch(['hi', 'where is my order?'], { maxLength: 64 });
 * const feeds = tokenizer.encodeInt64(['hi', 'where is my order?'], { maxLength: 64 });
 * ```
 */
export class WordPieceTokenizer {
  private readonly tokenizer: HfTokenizer;
  /** The file's leading literal replacements folded into one pass (`foldedReplacements`), applied before `tokenizer`. */
  private readonly rewrite: ((text: string) => string) | undefined;
  /** Id of `[PAD]`, `[CLS]`, `[SEP]`. */
  readonly padId: number;
  readonly clsId: number;
  readonly sepId: number;

  constructor(
    /** The `tokenizer.json` content (kept to save the tokenizer unchanged). */
    readonly json: Record<string, unknown>,
    /** The `tokenizer_config.json` content. */
    readonly config: Record<string, unknown> = {},
  ) {
    const folded = foldedReplacements(json);
    this.rewrite = folded?.rewrite;
    this.tokenizer = new Tokenizer(folded?.rest ?? json, config);
    const id = (token: string) => {
      const value = this.tokenizer.token_to_id(token);
      if (value === undefined) throw new RangeError(`tokenizer vocabulary has no ${token} token`);
      return value;
    };
    this.padId = id('[PAD]');
    this.clsId = id('[CLS]');
    this.sepId = id('[SEP]');
  }

  /**
   * Loads `tokenizer.json` (+ `tokenizer_config.json` when present) from `dir`, or builds the equivalent from
   * `vocab.txt` when only that exists.
   *
   * @throws MangaAssistError `NOT_FOUND` naming the directory when it has neither file
   */
  static fromDirectory(dir: string): WordPieceTokenizer {
    const json = join(dir, TOKENIZER_FILE);
    const configFile = join(dir, TOKENIZER_CONFIG_FILE);
    const config = existsSync(configFile) ? readJson(configFile) : {};
    if (existsSync(json)) return new WordPieceTokenizer(readJson(json), config);
    const vocab = join(dir, VOCAB_FILE);
    if (existsSync(vocab)) {
      const lowercase = config.do_lower_case !== false;
      return new WordPieceTokenizer(bertTokenizerJsonFromVocab(readFileSync(vocab, 'utf8'), lowercase), {
        do_lower_case: lowercase,
        ...config,
      });
    }
    throw new MangaAssistError('NOT_FOUND', `${dir}: no tokenizer.json or vocab.txt`, { dir });
  }

  /** Number of tokens in the vocabulary. */
  get vocabSize(): number {
    return this.tokenizer.get_vocab(true).size;
  }

  /**
   * The vocabulary's tokens in id order (`vocabulary()[id]` is the token of `id`).
   *
   * @example
   * ```ts
   * tokenizer.vocabulary().slice(101, 103); // ['[CLS]', '[SEP]'] for bert-base-uncased
   * ```
   */
  vocabulary(): string[] {
    const tokens = new Array<string>(this.vocabSize);
    for (const [token, id] of this.tokenizer.get_vocab(true)) tokens[id] = token;
    return tokens;
  }

  /** The id of `token`, or undefined when it is not in the vocabulary. */
  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  /**
   * Encodes one text as `[CLS] … [SEP]`, truncated to `maxLength` tokens with the final [SEP] kept.
   *
   * @throws TypeError when `text` is not a string; RangeError when `maxLength` < 2
   */
  encode(text: string, options: EncodeOptions = {}): Encoded {
    if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${typeof text}`);
    const { maxLength } = options;
    if (maxLength !== undefined) checkMaxLength(maxLength);
    const body = this.tokenizer.encode(this.rewrite ? this.rewrite(text) : text, { add_special_tokens: false });
    const keep = maxLength === undefined ? body.ids.length : Math.min(body.ids.length, maxLength - 2);
    return {
      ids: [this.clsId, ...body.ids.slice(0, keep), this.sepId],
      tokens: ['[CLS]', ...body.tokens.slice(0, keep), '[SEP]'],
    };
  }

  private encodeAll(texts: readonly string[], options: EncodeOptions): number[][] {
    return texts.map((text, i) => {
      if (typeof text !== 'string') throw new TypeError(`texts[${i}] must be a string, got ${typeof text}`);
      return this.encode(text, options).ids;
    });
  }

  /**
   * Encodes a batch with padding and attention masks, as `number[][]` (TensorFlow.js).
   *
   * @throws TypeError when `texts` is not an array of strings; RangeError when `padding` is `max_length` without
   *   `maxLength`
   */
  encodeBatch(texts: readonly string[], options: EncodeBatchOptions = {}): BatchEncoding {
    if (!Array.isArray(texts)) throw new TypeError('texts must be an array of strings');
    const padding = options.padding ?? 'longest';
    if (padding === 'max_length' && options.maxLength === undefined) {
      throw new RangeError('padding "max_length" needs maxLength');
    }
    const encoded = this.encodeAll(texts, options);
    const length = padding === 'max_length' ? options.maxLength! : Math.max(0, ...encoded.map((ids) => ids.length));
    return {
      inputIds: encoded.map((ids) => [...ids, ...new Array<number>(length - ids.length).fill(this.padId)]),
      attentionMask: encoded.map((ids) => [...new Array<number>(ids.length).fill(1), ...new Array<number>(length - ids.length).fill(0)]),
      length,
    };
  }

  /**
   * Encodes a batch (at least one text) right-padded to its longest text, as row-major int64 arrays (ONNX
   * Runtime's `input_ids` / `attention_mask`): a short batch costs only its own length. Same ids as
   * {@link encodeBatch} with padding `longest`.
   *
   * @throws RangeError when `texts` is empty or not an array; TypeError naming the index of a text that is not a
   *   string
   */
  encodeInt64(texts: readonly string[], options: EncodeOptions = {}): PaddedBatch {
    if (!Array.isArray(texts) || texts.length === 0) throw new RangeError('texts must be a non-empty array of strings');
    const rows = this.encodeAll(texts, options);
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

  /** Decodes ids back to text (special tokens skipped). */
  decode(ids: readonly number[]): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: true });
  }

  /** Writes `tokenizer.json` and `tokenizer_config.json` into `dir` (which must exist). */
  save(dir: string): void {
    writeFileSync(join(dir, TOKENIZER_FILE), JSON.stringify(this.json));
    const config = { tokenizer_class: 'BertTokenizer', ...BERT_TOKENIZER_CONFIG_DEFAULTS, ...this.config };
    writeFileSync(join(dir, TOKENIZER_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  }
}
