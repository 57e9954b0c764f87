import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';
import { createOrtSession, type OrtProviderName } from '@mangaassist/runtime-onnx';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { TextClassifier } from '../text-classifier';
import { checkMaxLength, CONFIG_FILE, MODEL_ID_CONFIG_KEY, modelIdFromConfig, readJsonFile, type WordPieceTokenizer } from '@mangaassist/model-format';
import type { WordPieceView } from '../attribution/words';
import { ONNX_MODEL_FILES, readExportDir, wordPieceView, type OnnxPrecision } from './export-dir';

type OrtModule = typeof import('onnxruntime-node');

/** Options of {@link OnnxTextClassifier.load}. */
export interface OnnxTextClassifierOptions {
  /** `fp32` reads `onnx/model.onnx`, `int8` reads `onnx/model_quantized.onnx`. Default `fp32`. */
  readonly precision?: OnnxPrecision;
  /**
   * Threshold-store id; default the id in the model's metadata (`config.json` → `mangaassist_model_id`), else
   * {@link UNNAMED_MODEL_ID} (never the directory's name; a server resolves the id with {@link servedModelId}).
   */
  readonly modelId?: string;
  /** Threads of one inference; default every core (`os.availableParallelism()`). */
  readonly intraOpNumThreads?: number;
  /** Execution providers, in order; default `['cpu']`. */
  readonly providers?: readonly OrtProviderName[];
  /** Longest token sequence; default the model's `max_position_embeddings`. */
  readonly maxLength?: number;
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0]!;
}

/**
 * The id of a classifier whose `config.json` records none and that was given none: fine for offline tools
 * (evaluation, benchmarks), which key nothing by it; never a valid threshold-store id (the parentheses), so a server
 * handed such a classifier refuses to start. A server resolves its id with {@link servedModelId} first.
 */
export const UNNAMED_MODEL_ID = '(unnamed)';

/**
 * The id a server serves the model in `dir` under, which keys its thresholds in the threshold store: `configured`
 * (`serving.modelId`) when given, else the id in the model's metadata (`config.json` → `mangaassist_model_id`).
 * Never the directory's name: a copy or a rename would silently switch the thresholds that apply.
 *
 * @throws MangaAssistError `CONFIG_INVALID` naming `config.json`, its field and `serving.modelId` when neither has
 *   an id; `NOT_FOUND` / `CHECKPOINT_INVALID` naming `config.json` when it is missing or unreadable
 *
 * @example
 * ```ts
 * const modelId = servedModelId('runs/quickstart/onnx', config.serving.modelId); // e.g. 'manga-v3'
 * ```
 */
export function servedModelId(dir: string, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  const file = join(dir, CONFIG_FILE);
  const recorded = modelIdFromConfig(readJsonFile(file), file);
  if (recorded !== undefined) return recorded;
  throw new MangaAssistError(
    'CONFIG_INVALID',
    `${file} records no "${MODEL_ID_CONFIG_KEY}" and no model id was configured (serving.modelId): ` +
      'the threshold store keys thresholds by this id, so name the model in one of the two',
    { file, field: MODEL_ID_CONFIG_KEY },
  );
}

/**
 * The serving classifier: an exported model directory (see `@mangaassist/export`) run by ONNX Runtime, with the
 * `tokenizer.json` tokenised in JavaScript: no TensorFlow.js anywhere. A batch is padded to its longest text;
 * the result is the sigmoid of the logits, one `Float32Array` per text in label order.
 *
 * The session is tuned for latency on a small CPU: all graph optimisations, one inference spread over every core
 * (`intraOpNumThreads`), operators run sequentially (the graph is a chain, inter-op parallelism only adds
 * hand-offs). Concurrent `predict` calls are safe; put a `MicroBatcher` in front to merge them into one run.
 *
 * @example
 * ```ts
 * const classifier = await OnnxTextClassifier.load('runs/quickstart/onnx', { precision: 'int8' });
 * const [probs] = await classifier.predict(['Where is my order?! Third time asking.']);
 * classifier.labels.forEach((label, i) => console.log(label, probs[i]));
 * await classifier.dispose();
 * ```
 */
export class OnnxTextClassifier implements TextClassifier {
  private disposed = false;

  private constructor(
    private readonly session: InferenceSession,
    private readonly ort: OrtModule,
    private readonly tokenizer: WordPieceTokenizer,
    /** Longest sequence fed to the graph, [CLS] and [SEP] included. */
    private readonly maxLength: number,
    readonly labels: readonly string[],
    readonly modelId: string,
    readonly modelThresholds: Readonly<Record<string, number>>,
    /** The ONNX file in use. */
    readonly modelFile: string,
    /** How the execution provider was chosen (for logs). */
    readonly providerMessage: string,
  ) {
    this.wordPieces = wordPieceView(tokenizer, maxLength);
  }

  /** The word pieces this classifier reads (its tokenizer and token limit). */
  readonly wordPieces: WordPieceView;

  /**
   * Loads an exported directory. Throws `NOT_FOUND` naming a missing file, `CHECKPOINT_INVALID` naming the file
   * when the ONNX graph is corrupt or lacks the `input_ids` / `attention_mask` → `logits` signature.
   */
  static async load(dir: string, options: OnnxTextClassifierOptions = {}): Promise<OnnxTextClassifier> {
    const precision = options.precision ?? 'fp32';
    if (!Object.prototype.hasOwnProperty.call(ONNX_MODEL_FILES, precision)) {
      throw new RangeError(`precision must be one of ${Object.keys(ONNX_MODEL_FILES).join(', ')}; got ${JSON.stringify(precision)}`);
    }
    const threads = options.intraOpNumThreads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`intraOpNumThreads must be a positive integer, got ${threads}`);
    const info = readExportDir(dir);
    const modelId = options.modelId ?? info.modelId ?? UNNAMED_MODEL_ID;
    const maxLength = options.maxLength ?? info.maxLength;
    checkMaxLength(maxLength);
    const file = join(dir, ONNX_MODEL_FILES[precision]);
    if (!existsSync(file)) throw new MangaAssistError('NOT_FOUND', `${file} does not exist`, { file });
    let handle;
    try {
      handle = await createOrtSession(file, {
        providers: options.providers ?? ['cpu'],
        sessionOptions: {
          graphOptimizationLevel: 'all',
          executionMode: 'sequential',
          intraOpNumThreads: threads,
          interOpNumThreads: 1,
        },
      });
    } catch (error) {
      const failures = (error as { details?: { failures?: { reason: string }[] } }).details?.failures;
      const reason = failures?.map((f) => f.reason).join('; ') ?? firstLine(error);
      throw new MangaAssistError('CHECKPOINT_INVALID', `${file}: ONNX Runtime cannot load this model (${reason})`, { file }, { cause: error });
    }
    const { session } = handle;
    const missing = [
      ...['input_ids', 'attention_mask'].filter((n) => !session.inputNames.includes(n)),
      ...(session.outputNames.includes('logits') ? [] : ['logits']),
    ];
    if (missing.length > 0) {
      await session.release();
      throw new MangaAssistError(
        'CHECKPOINT_INVALID',
        `${file}: the graph lacks ${missing.join(', ')} (inputs: ${session.inputNames.join(', ')}; outputs: ${session.outputNames.join(', ')})`,
        { file },
      );
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ort = require('onnxruntime-node') as OrtModule;
    return new OnnxTextClassifier(session, ort, info.tokenizer, maxLength, info.labels, modelId, info.thresholds, file, handle.message);
  }

  async predict(texts: readonly string[]): Promise<Float32Array[]> {
    if (this.disposed) throw new Error(`classifier ${this.modelId} was disposed`);
    if (!Array.isArray(texts)) throw new TypeError('texts must be an array of strings');
    if (texts.length === 0) return [];
    const { inputIds, attentionMask, batch, length } = this.tokenizer.encodeInt64(texts, { maxLength: this.maxLength });
    const feeds: Record<string, Tensor> = {
      input_ids: new this.ort.Tensor('int64', inputIds, [batch, length]),
      attention_mask: new this.ort.Tensor('int64', attentionMask, [batch, length]),
    };
    const { logits } = await this.session.run(feeds, ['logits']);
    const values = logits!.data as Float32Array;
    const width = this.labels.length;
    if (logits!.dims.length !== 2 || logits!.dims[0] !== batch || logits!.dims[1] !== width) {
      throw new MangaAssistError(
        'CHECKPOINT_INVALID',
        `${this.modelFile}: logits have shape [${logits!.dims.join(', ')}], expected [${batch}, ${width}] (one column per label of config.json)`,
        { file: this.modelFile },
      );
    }
    return Array.from({ length: batch }, (_, b) => {
      const probs = new Float32Array(width);
      for (let j = 0; j < width; j++) probs[j] = 1 / (1 + Math.exp(-values[b * width + j]!));
      return probs;
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }
}
