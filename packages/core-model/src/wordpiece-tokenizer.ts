import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bertTokenizerJson, MangaAssistError } from '@mangaassist/common';

// The package ships a CommonJS build but declares itself an ES module, so TypeScript's CommonJS output cannot
// `import` it; the types are taken in import mode and the CommonJS build is required.
type TokenizersModule = typeof import('@huggingface/tokenizers', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Tokenizer } = require('@huggingface/tokenizers') as TokenizersModule;
type HfTokenizer = InstanceType<TokenizersModule['Tokenizer']>;


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
 * The `tokenizer.json` that Hugging Face's `BertWordPieceTokenizer` builds from a `vocab.txt` (BERT normaliser with
 * clean-up, Chinese-character splitting and lower-casing, accents stripped when lower-casing, BERT
 * pre-tokeniser, WordPiece with `##` continuation and 100-character words, [CLS] … [SEP] post-processing).
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
 * attention masks the encoder needs. Reproduces Hugging Face's `BertWordPieceTokenizer` exactly on the reference
 * cases (accents, CJK, emoji, control characters, long words).
 *
 * @example
 * ```ts
 * const tokenizer = WordPieceTokenizer.fromDirectory('../shared/models/mini-distilbert-mlm');
 * tokenizer.encode('Never buying from here again').ids; // [101, 2196, 9343, 2013, 2182, 2153, 102]
 * const batch = tokenizer.encodeBatch(['hi', 'where is my order?'], { maxLength: 64 });
 * ```
 */
export class WordPieceTokenizer {
  private readonly tokenizer: HfTokenizer;
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
    this.tokenizer = new Tokenizer(json, config);
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
    const json = join(dir, 'tokenizer.json');
    const configFile = join(dir, 'tokenizer_config.json');
    const config = existsSync(configFile) ? readJson(configFile) : {};
    if (existsSync(json)) return new WordPieceTokenizer(readJson(json), config);
    const vocab = join(dir, 'vocab.txt');
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
    if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 2)) {
      throw new RangeError(`maxLength must be an integer >= 2 (room for [CLS] and [SEP]), got ${maxLength}`);
    }
    const body = this.tokenizer.encode(text, { add_special_tokens: false });
    const keep = maxLength === undefined ? body.ids.length : Math.min(body.ids.length, maxLength - 2);
    return {
      ids: [this.clsId, ...body.ids.slice(0, keep), this.sepId],
      tokens: ['[CLS]', ...body.tokens.slice(0, keep), '[SEP]'],
    };
  }

  /**
   * Encodes a batch with padding and attention masks.
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
    const encoded = texts.map((text, i) => {
      if (typeof text !== 'string') throw new TypeError(`texts[${i}] must be a string, got ${typeof text}`);
      return this.encode(text, options).ids;
    });
    const length = padding === 'max_length' ? options.maxLength! : Math.max(0, ...encoded.map((ids) => ids.length));
    return {
      inputIds: encoded.map((ids) => [...ids, ...new Array<number>(length - ids.length).fill(this.padId)]),
      attentionMask: encoded.map((ids) => [...new Array<number>(ids.length).fill(1), ...new Array<number>(length - ids.length).fill(0)]),
      length,
    };
  }

  /** Decodes ids back to text (special tokens skipped). */
  decode(ids: readonly number[]): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: true });
  }

  /** Writes `tokenizer.json` and `tokenizer_config.json` into `dir` (which must exist). */
  save(dir: string): void {
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(this.json));
    const config = {
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
      ...this.config,
    };
    writeFileSync(join(dir, 'tokenizer_config.json'), `${JSON.stringify(config, null, 2)}\n`);
  }
}
