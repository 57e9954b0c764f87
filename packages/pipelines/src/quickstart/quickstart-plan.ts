import { join, resolve } from 'node:path';
import { DEFAULT_LABELS, ngramEnsembleSchema, sharedAsset, trainJobConfigSchema, trainingSources, type TrainJobConfig, type TrainingSource } from '@mangaassist/common';
import { handwrittenTrainingPaths } from '@mangaassist/data';

/** Where each stage of the quickstart writes, under one run directory (default `runs/quickstart`). */
export interface QuickstartPaths {
  readonly root: string;
  readonly train: string;
  readonly validation: string;
  readonly trainRun: string;
  /** The final model: HF-style directory + thresholds.json + onnx/. */
  readonly model: string;
  readonly thresholdsDb: string;
  readonly serverConfig: string;
  readonly feedback: string;
  /** The model's and the baseline's scores on the bundled hand-written slices (JSON). */
  readonly handwrittenScores: string;
}

/** The sizes that keep the whole quickstart within 15 minutes on 2 CPU cores. */
export interface QuickstartSizes {
  /** Generated messages, split 80/20 into training and validation. */
  readonly examples: number;
  readonly epochs: number;
  readonly maxLength: number;
  readonly batchSize: number;
}

/** Defaults measured to fit the time budget with the small stand-in encoder (see the README). */
export const QUICKSTART_SIZES: QuickstartSizes = { examples: 5000, epochs: 4, maxLength: 48, batchSize: 32 };

/** The wide tables' learning rate as a multiple of the head's: the best of ×30, ×100, ×300 and ×1000 on the dev slice. */
export const QUICKSTART_WIDE_LR_MULTIPLIER = 300;

/**
 * The loss weight of each hand-written training message relative to a generated one. Hand-written training data is
 * the largest lever measured (docs/results/handwritten-quality.md): 308 messages lifted macro-F1 on the holdout slice
 * from 0.687 to 0.741, 420 more to 0.800. Weight 3 did not win on the holdout protocol (0.749 vs 0.741, under the
 * 0.01 margin fixed beforehand), so each message counts once.
 */
export const QUICKSTART_HANDWRITTEN_WEIGHT = 1;

/**
 * Which epoch's model the quickstart keeps: the last. Its validation split is generated text, and the epoch with the
 * best validation macro-F1 is often an early one that has fitted the generated messages but not yet the hand-written
 * ones: on the holdout slice (two seeds, docs/results/handwritten-quality.md) the epoch picked by validation scored
 * 0.790 and 0.768, the last epoch 0.825 and 0.805.
 */
export const QUICKSTART_MODEL_SELECTION = 'last-epoch' as const;

/**
 * How the quickstart chooses its thresholds: frustration's is the highest threshold that keeps its recall at 0.95 on
 * the generated validation split (`precision-at-recall`), every other label stays at 0.5. Thresholds tuned on generated
 * text fit the generator's phrasing, so only the label whose recall the escalation rule needs is tuned (over six
 * models, tuning every label scored lower on people's messages: docs/results/handwritten-quality.md).
 *
 * The rule before it, the F2 threshold nearest 0.5 within half a bootstrap standard error of the best, read a flat F2
 * curve: over ten networks (five variants of the quickstart's recipe, two seeds each) it chose 0.195 to 0.375, and four
 * of the six that got 0.285 or more missed recall 0.90 on one or two of the hand-written `test2`–`test8` slices (63
 * of 70 network-slice pairs at recall ≥ 0.90 with precision ≥ 0.60). The threshold at a recall target is a quantile of
 * the frustrated messages' scores and moved less (0.199–0.283): 70 of 70 pairs at that bar, at a mean macro-F1 0.0015
 * lower for the six networks with the words ensemble. Confirmed on `test9`, which chose no rule: 10 of 10 networks at
 * the bar against 5, mean macro-F1 0.876 against 0.875.
 */
export const QUICKSTART_THRESHOLDS = {
  strategy: 'precision-at-recall',
  options: { labels: ['frustration'], otherThreshold: 0.5, minRecall: 0.95 },
} as const;

/** The model id under which thresholds are stored and served. */
export const QUICKSTART_MODEL_ID = 'quickstart';

/**
 * Paths of a quickstart run rooted at `root` (resolved against the working directory).
 *
 * @example
 * ```ts
 * quickstartPaths('runs/quickstart').model; // '/abs/runs/quickstart/model'
 * ```
 */
export function quickstartPaths(root: string): QuickstartPaths {
  const dir = resolve(root);
  return {
    root: dir,
    train: join(dir, 'data', 'train.jsonl'),
    validation: join(dir, 'data', 'validation.jsonl'),
    trainRun: join(dir, 'train'),
    model: join(dir, 'model'),
    thresholdsDb: join(dir, 'thresholds.db'),
    serverConfig: join(dir, 'server.json'),
    feedback: join(dir, 'feedback.jsonl'),
    handwrittenScores: join(dir, 'handwritten-scores.json'),
  };
}

/**
 * The encoder to fine-tune: the shared MLM-pretrained stand-in when it is present (no hub here), otherwise the hub
 * id `distilbert-base-uncased`, downloaded once into the cache.
 *
 * @example
 * ```ts
 * const { pretrained, note } = quickstartEncoder(); // note says which encoder, for the run's first lines
 * ```
 */
export function quickstartEncoder(): { readonly pretrained: string; readonly note: string } {
  const standIn = sharedAsset('models/mini-distilbert-mlm/config.json');
  if (standIn) {
    return {
      pretrained: resolve(standIn, '..'),
      note: 'encoder: the small MLM-pretrained stand-in (mini-distilbert-mlm, 4 layers, dim 256), NOT distilbert-base-uncased',
    };
  }
  return { pretrained: 'distilbert-base-uncased', note: 'encoder: distilbert-base-uncased (from the model hub cache)' };
}

/**
 * The quickstart's training files: its generated training split, then the hand-written training slices that ship
 * with `@mangaassist/data` (resolved inside the installed package, so the quickstart runs from the packages alone).
 * The network and the n-gram ensemble learn from all of them: an ensemble fitted on the hand-written slices alone
 * (`inNgramEnsemble: false` on the generated split) raised the mean macro-F1 of the seven earlier evaluation slices
 * with two networks (0.902 → 0.911, 0.904 → 0.912) but lowered it on `test9`, which judged it once (0.864 → 0.857;
 * docs/results/handwritten-quality.md).
 *
 * @example
 * ```ts
 * quickstartTrainingSources(quickstartPaths('runs/quickstart')).map((s) => s.path); // [.../data/train.jsonl, .../handwritten-eval.jsonl, …]
 * ```
 */
export function quickstartTrainingSources(paths: QuickstartPaths): Array<{ path: string; format: 'jsonl'; weight: number }> {
  return [
    { path: paths.train, format: 'jsonl', weight: 1 },
    ...handwrittenTrainingPaths().map((path) => ({ path, format: 'jsonl' as const, weight: QUICKSTART_HANDWRITTEN_WEIGHT })),
  ];
}

/**
 * Whether two training jobs read the same training files with the same weights and fit the n-gram ensemble on the same
 * ones: a model trained on other data (an earlier quickstart's, before the hand-written slices became training data)
 * must not be reused.
 *
 * @example
 * ```ts
 * sameTrainingData(quickstartTrainConfig(paths, sizes, pretrained), recordedConfig); // false after the sources changed
 * ```
 */
export function sameTrainingData(a: Pick<TrainJobConfig, 'data'>, b: Pick<TrainJobConfig, 'data'>): boolean {
  // A job recorded before `inNgramEnsemble` existed fitted its ensemble on every file.
  const key = (s: TrainingSource) => `${resolve(s.path)}|${s.weight}|${s.maxExamples ?? ''}|${(s.labels ?? []).join(',')}|${s.inNgramEnsemble !== false}`;
  const left = trainingSources(a.data).map(key);
  const right = trainingSources(b.data).map(key);
  return left.length === right.length && left.every((k, i) => k === right[i]);
}

/**
 * Whether a recorded training job keeps the same epoch's model as `config` (`training.modelSelection`; a job recorded
 * before the option existed kept the best one by validation): a model kept another way must not be reused.
 *
 * @example
 * ```ts
 * sameModelSelection({ training: {} }, quickstartTrainConfig(paths, sizes, pretrained)); // false: it keeps the last epoch
 * ```
 */
export function sameModelSelection(recorded: RecordedModelChoices, config: Pick<TrainJobConfig, 'training'>): boolean {
  return (recorded.training?.modelSelection ?? 'best-validation') === config.training.modelSelection;
}

/** The parts of a recorded training job (`config.json` of its run directory) that decide whether its model can be reused. */
export interface RecordedModelChoices {
  readonly training?: { readonly modelSelection?: string };
  readonly model?: {
    readonly emojiTokens?: boolean;
    readonly emojiNames?: boolean;
    readonly head?: { readonly ngramEnsemble?: Readonly<Record<string, unknown>> };
  };
}

/**
 * Whether a recorded training job fitted the same n-gram ensemble as `config` (`model.head.ngramEnsemble`; a job
 * recorded before the option existed fitted none): a model without it, or with another, must not be reused.
 *
 * @example
 * ```ts
 * sameNgramEnsemble({ model: { head: {} } }, quickstartTrainConfig(paths, sizes, pretrained)); // false: the quickstart fits one
 * ```
 */
export function sameNgramEnsemble(recorded: RecordedModelChoices, config: Pick<TrainJobConfig, 'model'>): boolean {
  const settings = ngramEnsembleSchema.parse(recorded.model?.head?.ngramEnsemble ?? {});
  const wanted = config.model.head.ngramEnsemble;
  return (Object.keys(wanted) as (keyof typeof wanted)[]).every((key) => settings[key] === wanted[key]);
}

/**
 * Whether a recorded training job read emoji as `config` does (`model.emojiNames`, `model.emojiTokens`; a job recorded
 * without them read every emoji as `[UNK]`): a model whose tokenizer reads them otherwise must not be reused.
 *
 * @example
 * ```ts
 * sameEmojiReading({ model: {} }, quickstartTrainConfig(paths, sizes, pretrained)); // false: the quickstart reads their names
 * ```
 */
export function sameEmojiReading(recorded: RecordedModelChoices, config: Pick<TrainJobConfig, 'model'>): boolean {
  return (
    (recorded.model?.emojiNames ?? false) === (config.model.emojiNames ?? false) &&
    (recorded.model?.emojiTokens ?? false) === (config.model.emojiTokens ?? false)
  );
}

/**
 * The quickstart's n-gram ensemble: TF-IDF over whole words and word pairs (recovered from the word pieces the model
 * reads), fitted to convergence with C chosen on the generated validation split, averaged with the network half and
 * half. Over the word pieces' n-grams it raised the mean macro-F1 of `test2`–`test8` with two networks (0.902 → 0.904,
 * 0.904 → 0.912 at each network's own frustration threshold), then, judged once on `test10`, 0.866 → 0.870 and
 * 0.868 → 0.878 (docs/results/handwritten-quality.md).
 */
export const QUICKSTART_NGRAM_ENSEMBLE = Object.freeze({ enabled: true, features: 'words' as const });

/**
 * Whether the quickstart reads each emoji as its Unicode name (`model.emojiNames`). BERT's vocabulary has no emoji,
 * so without it every emoji read as `[UNK]` and a message of emoji alone ("👍", "❤️❤️") got frustration 0.43, above the
 * threshold: it was escalated. Read as "thumbs up" or "red heart", such messages got frustration 0.00–0.02 with four
 * networks, and more emoji messages were decided exactly right (docs/results/handwritten-quality.md).
 */
export const QUICKSTART_EMOJI_NAMES = true;

/**
 * The training job of the quickstart: a full fine-tune from the first step with one learning rate for every layer,
 * BCE, a slanted-triangular schedule (10% warm-up, then linear decay) at 3e-4, and the wide-and-deep head (hashed
 * WordPiece uni/bigrams beside the encoder) whose tables learn at 300× the head's rate. Chosen on the hand-written
 * dev slice (docs/results/handwritten-quality.md): with the small stand-in encoder and four epochs, the wide part
 * lifts macro-F1 from 0.681 to 0.802 with calibrated thresholds (×30: 0.719, ×100: 0.764); the design's focal loss +
 * ULMFiT gradual unfreezing + discriminative rates leave the lower layers almost untrained in so few epochs. It
 * trains on the generated split and the hand-written training slices ({@link quickstartTrainingSources}) and keeps
 * the last epoch's model ({@link QUICKSTART_MODEL_SELECTION}), then fits the n-gram ensemble
 * ({@link QUICKSTART_NGRAM_ENSEMBLE}).
 *
 * @example
 * ```ts
 * const config = quickstartTrainConfig(quickstartPaths('runs/quickstart'), QUICKSTART_SIZES, quickstartEncoder().pretrained);
 * await runTrainJob(config, { plugins: createTrainPlugins() });
 * ```
 */
export function quickstartTrainConfig(paths: QuickstartPaths, sizes: QuickstartSizes, pretrained: string, backend?: string): TrainJobConfig {
  return trainJobConfigSchema.parse({
    model: {
      pretrained,
      labels: [...DEFAULT_LABELS],
      maxLength: sizes.maxLength,
      head: { wide: { enabled: true, lrMultiplier: QUICKSTART_WIDE_LR_MULTIPLIER }, ngramEnsemble: QUICKSTART_NGRAM_ENSEMBLE },
      emojiNames: QUICKSTART_EMOJI_NAMES,
    },
    data: { train: quickstartTrainingSources(paths), validation: { path: paths.validation, format: 'jsonl' } },
    loss: { id: 'bce', options: {} },
    schedule: { epochs: sizes.epochs, unfreezing: { id: 'full' }, lr: { id: 'stlr', options: { ratio: 1000 } } },
    optimizer: { baseLr: 3e-4, lrDecay: 1 },
    training: { seed: 42, batchSize: sizes.batchSize, outDir: paths.trainRun, modelSelection: QUICKSTART_MODEL_SELECTION, ...(backend ? { backend } : {}) },
  });
}
