import { DEFAULT_LABELS } from '@mangaassist/common';
import {
  evaluateBaseline,
  readDataset,
  stratifiedSplit,
  trainTfidfBaseline,
  type Dataset,
  type DatasetFormat,
  type MultiLabelReport,
} from '@mangaassist/data';

/**
 * How the baseline's dataset files are read (the same options for the training file and every evaluated file).
 *
 * @example
 * ```ts
 * const read: TfidfBaselineReadOptions = { format: 'csv', textColumn: 'message', labelsColumn: 'tags', lenient: true };
 * ```
 */
export interface TfidfBaselineReadOptions {
  /** File format (default: from the extension). */
  readonly format?: DatasetFormat;
  /** Field or column with the text (default `text`). */
  readonly textColumn?: string;
  /** Field or column with the labels (default `labels`). */
  readonly labelsColumn?: string;
  /** Skip and count bad rows instead of failing (default false). */
  readonly lenient?: boolean;
}

/**
 * What {@link runTfidfBaseline} trains on and scores.
 *
 * @example
 * ```ts
 * const options: TfidfBaselineOptions = { train: 'gen.jsonl', eval: ['hand.jsonl'], holdout: 0.2, seed: 1, textColumn: 'text' };
 * ```
 */
export interface TfidfBaselineOptions extends TfidfBaselineReadOptions {
  /** The training file; its labels are the label schema every evaluated file is read with. */
  readonly train: string;
  /** Files to score the trained baseline on, each over the labels it covers. */
  readonly eval: readonly string[];
  /** Also hold out this stratified share of the training file, in (0, 1), and score on it. */
  readonly holdout?: number;
  /**
   * How the hold-out share appears in the held-out set's name (default: the number); the command line passes the
   * text it was given so that its report names the fraction as typed.
   */
  readonly holdoutText?: string;
  /** Seed of the hold-out split (default 1). */
  readonly seed?: number;
}

/**
 * The TF-IDF baseline's result: the training file's size and features, then one report per evaluated set
 * (what `mangaassist data baseline --json` prints).
 *
 * @example
 * ```ts
 * const result: TfidfBaselineResult = runTfidfBaseline({ train: 'gen.jsonl', eval: ['hand.jsonl'] });
 * result.evaluations.map((e) => `${e.name}: ${e.report.macroF1.toFixed(3)}`);
 * ```
 */
export interface TfidfBaselineResult {
  readonly train: { readonly file: string; readonly messages: number; readonly features: number };
  readonly evaluations: ReadonlyArray<{ readonly name: string; readonly messages: number; readonly report: MultiLabelReport }>;
}

/**
 * Trains the TF-IDF + one-vs-rest logistic-regression baseline on `train` (minus the stratified hold-out, if any) and
 * scores it on the hold-out and every `eval` file, each over the labels that file covers. Nothing is printed:
 * {@link formatTfidfBaseline} gives the text report.
 *
 * @throws MangaAssistError from reading a file (`DATA_INVALID`, `NOT_FOUND`, …); the caller checks `holdout` is in (0, 1)
 *
 * @example
 * ```ts
 * import { formatTfidfBaseline, runTfidfBaseline } from '@mangaassist/pipelines';
 *
 * const result = runTfidfBaseline({ train: 'data/generated.jsonl', eval: ['hand.jsonl'], holdout: 0.2, seed: 1 });
 * process.stdout.write(formatTfidfBaseline(result));
 * ```
 */
export function runTfidfBaseline(options: TfidfBaselineOptions): TfidfBaselineResult {
  const train = readBaselineFile(options.train, options);
  let examples = train.examples;
  const evaluations: Array<{ name: string; messages: number; report: MultiLabelReport }> = [];
  let heldOut: Dataset['examples'] = [];
  if (options.holdout !== undefined) {
    const split = stratifiedSplit(train.examples, { valFraction: options.holdout, seed: options.seed ?? 1 });
    examples = split.train;
    heldOut = split.val;
  }
  const baseline = trainTfidfBaseline(examples, train.labelSchema);
  if (heldOut.length > 0) {
    evaluations.push({
      name: `${options.train} (held-out ${options.holdoutText ?? String(options.holdout)})`,
      messages: heldOut.length,
      report: evaluateBaseline(baseline, { examples: heldOut, coveredLabels: train.coveredLabels }),
    });
  }
  for (const file of options.eval) {
    const dataset = readBaselineFile(file, options, train.labelSchema);
    evaluations.push({ name: file, messages: dataset.examples.length, report: evaluateBaseline(baseline, dataset) });
  }
  return { train: { file: options.train, messages: examples.length, features: baseline.featureCount }, evaluations };
}

/**
 * The text form of a {@link TfidfBaselineResult}: per-label precision, recall, F1 and support, then macro- and
 * micro-F1, for each evaluated set.
 *
 * @example
 * ```ts
 * process.stdout.write(formatTfidfBaseline(runTfidfBaseline({ train: 'gen.jsonl', eval: ['hand.jsonl'] })));
 * ```
 */
export function formatTfidfBaseline(result: TfidfBaselineResult): string {
  const lines = [`TF-IDF (word 1-2-grams, char 3-5-grams) + one-vs-rest logistic regression, trained on ${result.train.file} (${result.train.messages} messages, ${result.train.features} features)`];
  for (const { name, messages, report } of result.evaluations) {
    lines.push('', `${name}: ${messages} messages`, `  ${'label'.padEnd(13)} ${'P'.padStart(6)} ${'R'.padStart(6)} ${'F1'.padStart(6)} ${'support'.padStart(8)}`);
    for (const m of report.perLabel) {
      lines.push(`  ${m.label.padEnd(13)} ${m.precision.toFixed(3).padStart(6)} ${m.recall.toFixed(3).padStart(6)} ${m.f1.toFixed(3).padStart(6)} ${String(m.support).padStart(8)}`);
    }
    lines.push(`  macro-F1 ${report.macroF1.toFixed(3)} over ${report.macroLabels.length} labels, micro-F1 ${report.microF1.toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

function readBaselineFile(file: string, options: TfidfBaselineReadOptions, labels: readonly string[] = DEFAULT_LABELS): Dataset {
  return readDataset(file, {
    ...(options.format ? { format: options.format } : {}),
    textColumn: options.textColumn ?? 'text',
    labelsColumn: options.labelsColumn ?? 'labels',
    labels,
    lenient: options.lenient ?? false,
  }).dataset;
}
