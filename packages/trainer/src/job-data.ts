import { MangaAssistError, trainingSources, type TrainJobConfig, type TrainingSource } from '@mangaassist/common';
import { readDataset, scoredLabels, stratifiedSplit, type Example } from '@mangaassist/data';
import { mixSeed, permutation } from './rng';

/**
 * A training example with the loss mask of its source: `mask[j]` is the source's weight where the source annotates
 * label `j` and 0 where it does not (that label contributes neither loss nor gradient for this example).
 * `mask` is absent when the source annotates every label with weight 1, so single-file jobs train exactly as before.
 */
export interface JobExample {
  readonly example: Example;
  readonly mask?: Float32Array;
  /** Index of the training file it came from, in `data.train` order (and in {@link JobData.sources}). */
  readonly source: number;
}

/** How one training file contributed to a job. */
export interface JobSourceSummary {
  readonly path: string;
  /** Examples used (after `maxExamples`, and after the validation hold-out for the first file). */
  readonly examples: number;
  /** The labels the file annotates; the others are masked out of the loss for its examples. */
  readonly annotated: readonly string[];
  readonly weight: number;
  /** Whether the n-gram ensemble may be fitted on its examples (`inNgramEnsemble` of the file's entry). */
  readonly inNgramEnsemble: boolean;
}

/** Training and validation examples of a job, after splitting and limiting. */
export interface JobData {
  readonly train: readonly JobExample[];
  readonly validation: readonly Example[];
  /** The labels validation scores: those the validation data covers and marks at least once. */
  readonly evalLabels: readonly string[];
  readonly sources: readonly JobSourceSummary[];
  readonly skippedRows: number;
}

type FileSource = Pick<TrainingSource, 'path' | 'format' | 'textColumn' | 'labelsColumn'>;

/**
 * Reads a job's data exactly as the trainer uses it: every training file (each limited to its `maxExamples` by a
 * seeded draw, each example carrying its file's loss mask), the validation file or a stratified hold-out of the
 * first training file, then `training.limitExamples` / `limitValidationExamples`. The ablation uses it too, so a
 * report scores the same validation examples the run was selected on.
 *
 * @throws MangaAssistError `INVALID_ARGUMENT` when a file's `labels` name a label the model does not have;
 *   `DATA_INVALID` when no training or validation example is left
 *
 * @example
 * ```ts
 * const { train, validation, sources } = readJobData(config);
 * sources.map((s) => `${s.path}: ${s.examples}`);
 * ```
 */
export function readJobData(config: TrainJobConfig): JobData {
  const { data, model, training } = config;
  const read = (source: FileSource) =>
    readDataset(source.path, {
      ...(source.format ? { format: source.format } : {}),
      textColumn: source.textColumn,
      labelsColumn: source.labelsColumn,
      labels: model.labels,
      lenient: data.lenient,
    });
  const files = trainingSources(data);
  let skippedRows = 0;
  let validation: readonly Example[] | undefined;
  let covered: readonly string[] = model.labels;
  if (data.validation) {
    const validationFile = read(data.validation);
    validation = validationFile.dataset.examples;
    covered = validationFile.dataset.coveredLabels;
    skippedRows += validationFile.skipped;
  }
  const train: JobExample[] = [];
  const sources: JobSourceSummary[] = [];
  files.forEach((source, index) => {
    const file = read(source);
    skippedRows += file.skipped;
    let examples = file.dataset.examples;
    if (index === 0 && !validation) {
      const split = stratifiedSplit(examples, { valFraction: data.valFraction, seed: data.seed });
      examples = split.train;
      validation = split.val;
      covered = file.dataset.coveredLabels;
    }
    examples = limit(examples, source.maxExamples, mixSeed(data.seed, 0x3333 + index));
    const annotated = annotatedLabels(source, file.dataset.coveredLabels, model.labels);
    const mask = lossMask(annotated, source.weight, model.labels);
    for (const example of examples) train.push(mask ? { example, mask, source: index } : { example, source: index });
    sources.push({ path: source.path, examples: examples.length, annotated, weight: source.weight, inNgramEnsemble: source.inNgramEnsemble });
  });
  const limitedTrain = limit(train, training.limitExamples, mixSeed(training.seed, 0x1111));
  const limitedValidation = limit(validation ?? [], training.limitValidationExamples, mixSeed(training.seed, 0x2222));
  const firstPath = files[0]!.path;
  if (limitedTrain.length === 0) throw new MangaAssistError('DATA_INVALID', `${firstPath}: no training examples`, { file: firstPath });
  if (limitedValidation.length === 0) {
    throw new MangaAssistError('DATA_INVALID', `no validation examples (${data.validation?.path ?? `valFraction ${data.valFraction} of ${firstPath}`})`);
  }
  const evalLabels = scoredLabels(model.labels, { coveredLabels: covered, examples: limitedValidation }, { marked: true });
  return {
    train: limitedTrain,
    validation: limitedValidation,
    evalLabels: evalLabels.length > 0 ? evalLabels : [...model.labels],
    sources,
    skippedRows,
  };
}

/**
 * The training examples the n-gram ensemble is fitted on: those of files that annotate every model label (an
 * unannotated label would be learnt as absent) and are not marked `inNgramEnsemble: false`.
 *
 * @example
 * ```ts
 * const data = readJobData(config);
 * fitNgramEnsemble(modelDir, ngramEnsembleExamples(data, config.model.labels), config.model.head.ngramEnsemble);
 * ```
 */
export function ngramEnsembleExamples(data: Pick<JobData, 'train' | 'sources'>, labels: readonly string[]): Example[] {
  const usable = data.sources.map((source) => source.inNgramEnsemble && source.annotated.length === labels.length);
  return data.train.filter((e) => usable[e.source]).map((e) => e.example);
}

function annotatedLabels(source: TrainingSource, covered: readonly string[], labels: readonly string[]): readonly string[] {
  if (!source.labels) return labels.filter((label) => covered.includes(label));
  const unknown = source.labels.filter((label) => !labels.includes(label));
  if (unknown.length > 0) {
    throw new MangaAssistError(
      'INVALID_ARGUMENT',
      `data.train ${source.path}: labels ${unknown.map((l) => JSON.stringify(l)).join(', ')} are not model labels (allowed: ${labels.join(', ')})`,
      { field: 'data.train.labels', file: source.path },
    );
  }
  return labels.filter((label) => source.labels!.includes(label));
}

/** The per-label loss mask of a source, or undefined when it would be all ones (no masking, no reweighting). */
function lossMask(annotated: readonly string[], weight: number, labels: readonly string[]): Float32Array | undefined {
  if (weight === 1 && annotated.length === labels.length) return undefined;
  return Float32Array.from(labels, (label) => (annotated.includes(label) ? weight : 0));
}

/** A seeded random subset of `count` examples, kept in file order. */
function limit<T>(examples: readonly T[], count: number | undefined, seed: number): readonly T[] {
  if (count === undefined || count >= examples.length) return examples;
  const keep = permutation(examples.length, seed)
    .slice(0, count)
    .sort((a, b) => a - b);
  return keep.map((i) => examples[i]!);
}
