import * as tf from '@tensorflow/tfjs-core';
import { saveClassifier } from './classifier-save';
import { DISTILBERT_PREFIX, type WordPieceTokenizer } from '@mangaassist/model-format';
import type { CheckpointReport } from './distilbert-checkpoint';
import { WIDE_BIGRAM_TENSOR, WIDE_UNIGRAM_TENSOR } from '@mangaassist/common';
import type { ApplyOptions, DistilBertEncoder } from './distilbert-encoder';
import { checkPooling, headWeightSpecs, poolHiddenStates, type ClassifierHeadConfig } from './classifier-head';
import { linear } from './layers';
import { EMBEDDINGS_GROUP, HEAD_GROUP, layerGroupName, transformerLayerBlocks } from './layer-groups';
import { SeededRandom } from './prng';
import { makeVariable, newVariableScope } from './variable-scope';
import { checkWideVocabulary, resolveWideHead, wideLogits, wideWeightSpecs } from './wide-head';
import { mixNgramEnsemble, namedNgramEnsembleTensors, ngramEnsembleTensors, type NgramEnsembleTensors, type NgramEnsembleWeights } from './ngram-ensemble';
import type { SavedNgramEnsemble } from '@mangaassist/common';

/** Options of {@link MultiLabelClassifier.predictProbabilities}. */
export interface PredictOptions {
  /** Texts per forward pass (default 32). */
  readonly batchSize?: number;
  /** Token limit including [CLS] and [SEP]; default the classifier's `maxLength`. */
  readonly maxLength?: number;
}

/** Everything {@link MultiLabelClassifier}'s constructor needs (see `createClassifier` / `loadClassifier`). */
export interface MultiLabelClassifierParts {
  readonly encoder: DistilBertEncoder;
  readonly tokenizer: WordPieceTokenizer;
  readonly labels: readonly string[];
  /** The head; `head.wide` (enabled) also needs the wide tables in `headWeights`. */
  readonly head: ClassifierHeadConfig;
  /**
   * Head weights by name (`pre_classifier.weight` …), PyTorch layout; with `head.wide`, also `wide.unigram.weight`
   * `[vocab, labels]` and (with bigrams) `wide.bigram.weight` `[buckets, labels]`.
   */
  readonly headWeights: ReadonlyMap<string, Float32Array>;
  /** Default token limit of predictions (default 128). */
  readonly maxLength?: number;
  /** Seeds the head's dropout masks. */
  readonly seed?: number;
  /** What loading the checkpoint found (tensors loaded and ignored). */
  readonly report?: CheckpointReport;
  /** The n-gram model fitted beside the network, when the directory has one (see `setNgramEnsemble`). */
  readonly ngramEnsemble?: NgramEnsembleWeights;
}

/**
 * DistilBERT + a multi-label head: the pooled vector ([CLS] by default, or the mean of the real tokens with
 * `head.pooling: 'mean'`, see `poolHiddenStates`) goes through Dropout → Linear dim→256 → ReLU → Dropout →
 * Linear 256→labels, giving one logit per label (apply the sigmoid outside; losses work on logits). With
 * `head.wide`, a sparse linear model over the input's unigrams and hashed bigrams is added to those logits
 * (`wideLogits`). Owns the encoder and its tokenizer; `dispose()` releases every variable.
 *
 * @example
 * ```ts
 * const model = await createClassifier('../shared/models/mini-distilbert-mlm', { labels: ['frustration', 'neutral'] });
 * const logits = model.apply(ids, mask, { training: true }); // inside optimizer.minimize(...)
 * const probs = await model.predictProbabilities(['where is my order??'], { batchSize: 16 });
 * await model.save('runs/train/best');
 * model.dispose();
 * ```
 */
export class MultiLabelClassifier {
  readonly encoder: DistilBertEncoder;
  readonly tokenizer: WordPieceTokenizer;
  readonly labels: readonly string[];
  readonly head: ClassifierHeadConfig;
  readonly maxLength: number;
  /** What loading the checkpoint found, when the classifier was loaded from one. */
  readonly report: CheckpointReport | undefined;
  /**
   * Head variables by name (`pre_classifier.weight`, `pre_classifier.bias`, `classifier.weight`, `classifier.bias`,
   * then `wide.unigram.weight` and `wide.bigram.weight` when the head has the wide part).
   */
  readonly headVariables: ReadonlyMap<string, tf.Variable>;
  private readonly rng: SeededRandom;
  private ngram: NgramEnsembleTensors | undefined;
  private disposed = false;

  constructor(parts: MultiLabelClassifierParts) {
    if (parts.labels.length === 0) throw new RangeError('labels must name at least one label');
    checkPooling(parts.head.pooling);
    // Off (absent or enabled: false) leaves no `wide` key, so the head is exactly the deep one. Only the head's own
    // fields are kept: a training configuration's head also has `ngramEnsemble`, which is fitted after training.
    const { wide: wideOptions, hiddenDim, dropout, innerDropout, pooling } = parts.head;
    const deep = { hiddenDim, dropout, innerDropout, pooling };
    const wide = resolveWideHead(wideOptions);
    checkWideVocabulary(parts.encoder.config.vocab_size, wide);
    this.encoder = parts.encoder;
    this.tokenizer = parts.tokenizer;
    this.labels = [...parts.labels];
    this.head = wide ? { ...deep, wide } : deep;
    this.maxLength = parts.maxLength ?? 128;
    this.report = parts.report;
    this.rng = new SeededRandom(parts.seed ?? 0);
    const scope = newVariableScope('head');
    const variables = new Map<string, tf.Variable>();
    const specs = [
      ...headWeightSpecs(this.encoder.config.dim, this.labels.length, this.head),
      ...(wide ? wideWeightSpecs(this.encoder.config.vocab_size, this.labels.length, wide) : []),
    ];
    for (const s of specs) {
      const data = parts.headWeights.get(s.name);
      const size = s.shape.reduce((a, b) => a * b, 1);
      if (!data || data.length !== size) {
        for (const v of variables.values()) v.dispose();
        throw new RangeError(`headWeights "${s.name}" must have ${size} values for [${s.shape}], got ${data?.length}`);
      }
      variables.set(s.name, makeVariable(data, s.shape, true, `${scope}/${s.name}`));
    }
    this.headVariables = variables;
    if (parts.ngramEnsemble) this.setNgramEnsemble(parts.ngramEnsemble);
  }

  /** The n-gram ensemble's share, buckets and features (what `config.json` records), or `undefined` when the model has none. */
  get ngramEnsemble(): SavedNgramEnsemble | undefined {
    return this.ngram ? { weight: this.ngram.weight, buckets: this.ngram.buckets, features: this.ngram.features } : undefined;
  }

  /**
   * Sets (or, with `undefined`, removes) the n-gram model fitted beside the network. From then on, evaluation-mode
   * logits (`apply` without `training`, `predictProbabilities`) are the mixed ones of `mixNgramEnsemble`; training
   * passes stay the network's own, so the ensemble never enters a loss. Its tensors are constants, not variables.
   *
   * @throws RangeError when a table does not match the vocabulary or the labels, or a `words` ensemble's codes or
   *   continuation flags are out of range (see `ngramEnsembleWeightsProblem`)
   */
  setNgramEnsemble(weights: NgramEnsembleWeights | undefined): void {
    const next = weights ? ngramEnsembleTensors(weights, this.encoder.config.vocab_size, this.labels.length) : undefined;
    this.disposeNgramEnsemble();
    this.ngram = next;
  }

  /**
   * The n-gram ensemble's tensors by their `model.safetensors` name (empty without one), for saving: float32, except a
   * `words` ensemble's codes and continuation flags, which are int32. The classifier owns them; do not dispose them.
   */
  ngramEnsembleTensorsByName(): Map<string, tf.Tensor> {
    return this.ngram ? namedNgramEnsembleTensors(this.ngram) : new Map();
  }

  private disposeNgramEnsemble(): void {
    if (!this.ngram) return;
    tf.dispose([...namedNgramEnsembleTensors(this.ngram).values()]);
    this.ngram = undefined;
  }

  /**
   * Logits `[batch, labels]`. Differentiable with respect to every variable (usable in `tf.variableGrads` and
   * `optimizer.minimize`), through either pooling; dropout only when `training` is true. With `mean` pooling the
   * attention mask also decides which positions are averaged, so padding never changes a text's logits. With
   * `head.wide` the wide logits (no dropout) are added; they too ignore padding. With an n-gram ensemble and
   * `training` false, the result is the mixed logits (`mixNgramEnsemble`).
   */
  apply(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, options: ApplyOptions = {}): tf.Tensor2D {
    if (this.disposed) throw new Error('MultiLabelClassifier.apply: the classifier has been disposed');
    const training = options.training ?? false;
    // With a pass seed, the encoder's and the head's masks both derive from it; without, from the model's streams.
    const rng = options.seed === undefined ? this.rng : new SeededRandom(options.seed);
    const encoderSeed = options.seed === undefined ? undefined : rng.nextInt();
    const matrix = (name: string) => this.headVariables.get(name)! as tf.Tensor2D;
    const vector = (name: string) => this.headVariables.get(name)! as tf.Tensor1D;
    return tf.tidy(() => {
      const hidden = this.encoder.apply(inputIds, attentionMask, { training, seed: encoderSeed });
      let x = poolHiddenStates(hidden, attentionMask, this.head.pooling);
      x = this.dropout(x, this.head.dropout, training, rng);
      x = tf.relu(linear(x, matrix('pre_classifier.weight'), vector('pre_classifier.bias')));
      x = this.dropout(x, this.head.innerDropout, training, rng);
      const logits = linear(x, matrix('classifier.weight'), vector('classifier.bias'));
      const wide = this.head.wide;
      const tables = wide ? { unigram: matrix(WIDE_UNIGRAM_TENSOR), ...(wide.bigrams ? { bigram: matrix(WIDE_BIGRAM_TENSOR) } : {}) } : undefined;
      const network: tf.Tensor2D = wide && tables ? tf.add(logits, wideLogits(inputIds, attentionMask, tables, wide)) : logits;
      return !training && this.ngram ? mixNgramEnsemble(network, inputIds, attentionMask, this.ngram) : network;
    });
  }

  /**
   * Learning-rate multipliers by TensorFlow.js variable name, for the trainer (`TrainableClassifier`): the wide
   * tables train at the head group's rate times `head.wide.lrMultiplier`; variables not listed use their group's
   * rate. Empty without the wide part.
   */
  learningRateMultipliers(): ReadonlyMap<string, number> {
    const out = new Map<string, number>();
    const wide = this.head.wide;
    if (!wide) return out;
    for (const name of [WIDE_UNIGRAM_TENSOR, WIDE_BIGRAM_TENSOR]) {
      const variable = this.headVariables.get(name);
      if (variable) out.set(variable.name, wide.lrMultiplier);
    }
    return out;
  }

  private dropout(x: tf.Tensor2D, rate: number, training: boolean, rng: SeededRandom): tf.Tensor2D {
    if (!training || rate === 0) return x;
    return tf.dropout(x, rate, undefined, rng.nextInt()) as tf.Tensor2D;
  }

  /** The layer group names, first to last (see `layerGroupNames`). */
  groupNames(): string[] {
    return Object.keys(this.variablesByGroup());
  }

  /**
   * Trainable variables by layer group, first to last in the record's order: `embeddings`, the transformer blocks
   * (`layer_0_1`, `layer_2_3`, `layer_4_5` for 6 layers; see `transformerLayerBlocks` for other depths), `head` (the
   * wide tables too, so they train from the first epoch). The trainer's schedules count positions in this order (the
   * head last). Freeze by passing only some groups' variables to `optimizer.minimize`.
   */
  variablesByGroup(): Record<string, tf.Variable[]> {
    const { embeddings, layers } = this.encoder.trainableVariablesByLayer();
    const groups: Record<string, tf.Variable[]> = { [EMBEDDINGS_GROUP]: embeddings };
    for (const block of transformerLayerBlocks(this.encoder.config.n_layers)) {
      groups[layerGroupName(block)] = block.flatMap((layer) => layers[layer]!);
    }
    groups[HEAD_GROUP] = [...this.headVariables.values()];
    return groups;
  }

  /** Every trainable variable (all groups). */
  trainableVariables(): tf.Variable[] {
    return Object.values(this.variablesByGroup()).flat();
  }

  /**
   * Every variable by its name in a saved `model.safetensors`: encoder tensors with the `distilbert.` prefix (as
   * in Hugging Face's task models), then the head's. Save/load and the ONNX export use these names.
   */
  namedVariables(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [name, v] of this.encoder.variables) out.set(`${DISTILBERT_PREFIX}${name}`, v);
    for (const [name, v] of this.headVariables) out.set(name, v);
    return out;
  }

  /**
   * Sigmoid probabilities `[texts][labels]` in evaluation mode (no dropout), `batchSize` texts per pass.
   *
   * @throws RangeError when `batchSize` is not a positive integer
   */
  async predictProbabilities(texts: readonly string[], options: PredictOptions = {}): Promise<number[][]> {
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    const maxLength = options.maxLength ?? this.maxLength;
    const out: number[][] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      const batch = this.tokenizer.encodeBatch(texts.slice(start, start + batchSize), { maxLength });
      const probabilities = tf.tidy(() => {
        const ids = tf.tensor2d(batch.inputIds, undefined, 'int32');
        const mask = tf.tensor2d(batch.attentionMask, undefined, 'int32');
        return tf.sigmoid(this.apply(ids, mask));
      });
      try {
        out.push(...((await probabilities.array()) as number[][]));
      } finally {
        probabilities.dispose();
      }
    }
    return out;
  }

  /**
   * Saves a Hugging Face-style directory: `config.json` (encoder config, `id2label`, `label2id`,
   * `problem_type: "multi_label_classification"`, head shape, pooling and wide part), `model.safetensors` (float32,
   * the names of {@link namedVariables}, then the n-gram ensemble's tensors of {@link ngramEnsembleTensorsByName},
   * int32 where they are) and the tokenizer files. `loadClassifier(dir)` restores it exactly.
   */
  save(dir: string): Promise<void> {
    return saveClassifier(this, dir);
  }

  /** Releases every variable (encoder and head). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.encoder.dispose();
    for (const v of this.headVariables.values()) v.dispose();
    this.disposeNgramEnsemble();
  }
}
