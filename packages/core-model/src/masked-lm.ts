import * as tf from '@tensorflow/tfjs-core';
import { DISTILBERT_PREFIX, type WordPieceTokenizer } from '@mangaassist/model-format';
import type { CheckpointReport } from './distilbert-checkpoint';
import type { ApplyOptions, DistilBertEncoder } from './distilbert-encoder';
import { MaskedLmHead, maskedLmCrossEntropy } from './masked-lm-head';
import { saveMaskedLm } from './masked-lm-save';
import { BERT_MASKING, type MlmMaskingOptions } from './mlm-masking';

/** A masked batch as tensors (see `maskSequence` for how targets are chosen). */
export interface MaskedLmInputs {
  /** `[batch, length]` corrupted token ids (int32). */
  readonly inputIds: tf.Tensor2D;
  /** `[batch, length]`, 1 for real tokens and 0 for padding. */
  readonly attentionMask: tf.Tensor2D;
  /** `[n]` int32 flat positions of the targets, `row · length + column`. */
  readonly positions: tf.Tensor1D;
  /** `[n]` int32 original ids at those positions. */
  readonly labels: tf.Tensor1D;
}

/** What loading a masked-LM checkpoint found: the encoder's report, and whether the head was loaded or new. */
export interface MaskedLmReport extends CheckpointReport {
  /** `loaded` from the file, or `initialized` because the checkpoint had no MLM head (a bare encoder, a classifier). */
  readonly head: 'loaded' | 'initialized';
}

/** Everything {@link DistilBertMaskedLm}'s constructor needs (see `loadMaskedLm`). */
export interface DistilBertMaskedLmParts {
  readonly encoder: DistilBertEncoder;
  readonly tokenizer: WordPieceTokenizer;
  /** The head's own tensors by Hugging Face name (`maskedLmHeadSpecs`). */
  readonly headWeights: ReadonlyMap<string, Float32Array>;
  /** The directory the model came from: its tokenizer files are copied on save. */
  readonly sourceDir?: string;
  readonly report?: MaskedLmReport;
}

/**
 * DistilBERT with its masked-LM head (Hugging Face's `DistilBertForMaskedLM`): the encoder, then the head on the
 * hidden states of the masked positions only, the projector tied to the word embeddings. Owns the encoder, the head
 * and the tokenizer; `dispose()` releases every variable.
 *
 * @example
 * ```ts
 * const model = await loadMaskedLm('../shared/models/mini-distilbert-mlm');
 * const loss = model.loss(inputs, { training: true, seed: 7 }); // inside tf.variableGrads
 * await model.save('runs/dapt/model');
 * model.dispose();
 * ```
 */
export class DistilBertMaskedLm {
  readonly encoder: DistilBertEncoder;
  readonly tokenizer: WordPieceTokenizer;
  readonly head: MaskedLmHead;
  readonly sourceDir: string | undefined;
  readonly report: MaskedLmReport | undefined;
  private disposed = false;

  constructor(parts: DistilBertMaskedLmParts) {
    this.encoder = parts.encoder;
    this.tokenizer = parts.tokenizer;
    this.head = new MaskedLmHead(parts.encoder.config, parts.headWeights, parts.encoder.variables.get('embeddings.word_embeddings.weight')!);
    this.sourceDir = parts.sourceDir;
    this.report = parts.report;
  }

  /**
   * Vocabulary logits `[n, vocab_size]` at the flat `positions` (`row · length + column`). Dropout only when
   * `training`; the pass's masks derive from `options.seed` when given.
   */
  logits(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, positions: tf.Tensor1D, options: ApplyOptions = {}): tf.Tensor2D {
    if (this.disposed) throw new Error('DistilBertMaskedLm.logits: the model has been disposed');
    const [batch, length] = inputIds.shape;
    return tf.tidy(() => {
      const hidden = this.encoder.apply(inputIds, attentionMask, options);
      const rows = tf.reshape(hidden, [batch * length, this.encoder.config.dim]) as tf.Tensor2D;
      return this.head.apply(tf.gather(rows, tf.cast(positions, 'int32')));
    });
  }

  /** Mean cross-entropy over the targets of `inputs` (a scalar), as `DistilBertForMaskedLM`'s `loss`. */
  loss(inputs: MaskedLmInputs, options: ApplyOptions = {}): tf.Scalar {
    return tf.tidy(() => maskedLmCrossEntropy(this.logits(inputs.inputIds, inputs.attentionMask, inputs.positions, options), inputs.labels));
  }

  /**
   * The masking options for this model's vocabulary (BERT's rates unless overridden): `[MASK]` from the tokenizer,
   * `[PAD]`, `[UNK]`, `[CLS]`, `[SEP]`, `[MASK]` special.
   */
  maskingOptions(rates: Partial<Pick<MlmMaskingOptions, 'probability' | 'maskFraction' | 'randomFraction'>> = {}): MlmMaskingOptions {
    const id = (token: string) => {
      const value = this.tokenizer.tokenToId(token);
      if (value === undefined) throw new RangeError(`the tokenizer has no ${token} token, which masked-LM training needs`);
      return value;
    };
    const maskId = id('[MASK]');
    return {
      ...BERT_MASKING,
      ...rates,
      maskId,
      vocabSize: this.encoder.config.vocab_size,
      specialIds: new Set([id('[PAD]'), id('[UNK]'), id('[CLS]'), id('[SEP]'), maskId]),
    };
  }

  /** Every trainable variable: the encoder's (the word embeddings, once, also serve as the projector) and the head's. */
  trainableVariables(): tf.Variable[] {
    const { embeddings, layers } = this.encoder.trainableVariablesByLayer();
    return [...embeddings, ...layers.flat(), ...this.head.variables.values()];
  }

  /** Every variable by its name in a saved `model.safetensors`: `distilbert.*`, then the head's (no tied projector). */
  namedVariables(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [name, v] of this.encoder.variables) out.set(`${DISTILBERT_PREFIX}${name}`, v);
    for (const [name, v] of this.head.variables) out.set(name, v);
    return out;
  }

  /** Writes a Hugging Face `DistilBertForMaskedLM` directory (see `saveMaskedLm`). */
  save(dir: string): Promise<void> {
    return saveMaskedLm(this, dir);
  }

  /** Releases the encoder's and the head's variables. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.head.dispose();
    this.encoder.dispose();
  }
}
