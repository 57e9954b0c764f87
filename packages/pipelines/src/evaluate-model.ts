import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';
import { loadClassifier } from '@mangaassist/core-model';
import { decideLabelSets, multiLabelMetrics, readDataset, selectColumns, type DatasetFormat, type LabelMetrics } from '@mangaassist/data';
import { THRESHOLDS_FILE, resolveThresholds } from '@mangaassist/model-format';
import type { TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import { predictSplit, tfjsSplitModel } from './predict-split';
import { selectBackendWithNativeKernels } from './tfjs-backend';

/**
 * The decision thresholds {@link evaluateModel} applies: one value in (0, 1) for every label, a file (a
 * `thresholds.json` as calibration writes it, or a plain `{"label": t}` map), or a map of some labels. Labels left
 * out of a file or map are decided at 0.5.
 */
export type EvaluationThresholds = number | { readonly file: string } | { readonly map: Readonly<Record<string, number>> };

/** Options of {@link evaluateModel}. */
export interface EvaluateModelOptions {
  /** Model directory, as training or export writes it. */
  readonly model: string;
  /** Labelled data file. */
  readonly data: string;
  /** Format of `data` (default: from the file name). */
  readonly format?: DatasetFormat;
  /** Default: the model directory's `thresholds.json`, else 0.5 for every label. */
  readonly thresholds?: EvaluationThresholds;
  /** Texts per forward pass (default 64). */
  readonly batchSize?: number;
  /**
   * TensorFlow.js backend to select before loading the model (the native CPU kernels are registered on `cpu`).
   * Default: keep the backend the caller selected.
   */
  readonly backend?: TfjsBackendRequest;
}

/** The metrics of an evaluation (snake_case keys, as other tools read `evaluate --json`). */
export interface EvaluateReport {
  readonly n: number;
  readonly labels: readonly string[];
  readonly thresholds: Readonly<Record<string, number>>;
  readonly per_label: Readonly<Record<string, LabelMetrics>>;
  readonly macro_f1: number;
  readonly exact_match: number;
  readonly hamming_loss: number;
}

/** What {@link evaluateModel} returns: the report and where its thresholds came from. */
export interface EvaluateResult {
  readonly report: EvaluateReport;
  /** The thresholds file, `<t> for every label`, `given map`, or `default 0.5`. */
  readonly thresholdsSource: string;
}

/**
 * Scores a saved TensorFlow.js model on a labelled file: per-label precision/recall/F1 and support, macro-F1, exact
 * match and Hamming loss over the labels the data covers and marks (for GoEmotions: frustration, satisfaction,
 * confusion, neutral), at the thresholds `thresholds` gives, else the model directory's `thresholds.json`, else 0.5.
 * Labels are decided as serving decides them: each at its threshold, then the guideline label set (`neutral` off
 * beside another label, on when no other is; `decideLabelSets` of `@mangaassist/data`).
 * The TensorFlow.js backend is the caller's unless `backend` names one.
 *
 * @throws MangaAssistError `INVALID_ARGUMENT` for a threshold outside (0, 1) or a map naming a label the model does
 *   not have; `DATA_INVALID` for such a thresholds file or one that cannot be read
 *
 * @example
 * ```ts
 * const { report } = await evaluateModel({ model: 'runs/train/last-model', data: 'val.jsonl', batchSize: 64, backend: 'cpu' });
 * console.log(report.macro_f1);
 * ```
 */
export async function evaluateModel(options: EvaluateModelOptions): Promise<EvaluateResult> {
  if (options.backend !== undefined) await selectBackendWithNativeKernels(options.backend);
  const model = await loadClassifier(options.model);
  try {
    const { dataset } = readDataset(options.data, { labels: model.labels, ...(options.format ? { format: options.format } : {}) });
    const { thresholds, source } = chooseThresholds(options, model.labels);
    const split = await predictSplit(tfjsSplitModel(model, options.batchSize ?? 64), dataset, { marked: true, source: options.data });
    const used = Object.fromEntries(split.labels.map((label) => [label, thresholds[label] ?? 0.5]));
    // Decided over every model label, as serving decides, before the columns the data scores are kept: the guideline
    // label set reads `neutral` from the other labels, including those this data does not annotate.
    const decided = decideLabelSets(split.modelProbabilities, model.labels.map((label) => thresholds[label] ?? 0.5), model.labels);
    const predicted = selectColumns(decided, split.labels.map((label) => model.labels.indexOf(label)));
    const metrics = multiLabelMetrics(predicted, split.targets, split.labels);
    const report: EvaluateReport = {
      n: metrics.n,
      labels: metrics.labels,
      thresholds: used,
      per_label: metrics.perLabel,
      macro_f1: metrics.macroF1,
      exact_match: metrics.exactMatch,
      hamming_loss: metrics.hammingLoss,
    };
    return { report, thresholdsSource: source };
  } finally {
    model.dispose();
  }
}

function chooseThresholds(options: EvaluateModelOptions, labels: readonly string[]): { thresholds: Record<string, number>; source: string } {
  const given = options.thresholds;
  if (typeof given === 'number') {
    if (!inUnitInterval(given)) throw new MangaAssistError('INVALID_ARGUMENT', `threshold must be a number in (0, 1), got ${given}`, { field: 'thresholds' });
    return { thresholds: Object.fromEntries(labels.map((label) => [label, given])), source: `${given} for every label` };
  }
  if (given !== undefined && 'file' in given) return { thresholds: readThresholdMap(given.file, labels), source: given.file };
  if (given !== undefined) {
    checkThresholdMap(given.map, labels, (message, field) => new MangaAssistError('INVALID_ARGUMENT', `thresholds: ${message}`, { field }));
    return { thresholds: { ...given.map }, source: 'given map' };
  }
  if (existsSync(join(options.model, THRESHOLDS_FILE))) {
    return { thresholds: resolveThresholds(options.model), source: join(options.model, THRESHOLDS_FILE) };
  }
  return { thresholds: {}, source: 'default 0.5' };
}

/** Reads `{ thresholds: { label: t } }` (calibration's file) or a plain `{ label: t }` map, checking every entry. */
function readThresholdMap(file: string, labels: readonly string[]): Record<string, number> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MangaAssistError('DATA_INVALID', `${file}: cannot read thresholds (${(error as Error).message})`, { file });
  }
  const map = isRecord(json) && isRecord(json.thresholds) ? json.thresholds : json;
  if (!isRecord(map)) throw new MangaAssistError('DATA_INVALID', `${file}: expected {"thresholds": {label: t}} or {label: t}`, { file });
  checkThresholdMap(map, labels, (message, field) => new MangaAssistError('DATA_INVALID', `${file}: ${message}`, { file, field }));
  return map as Record<string, number>;
}

/** Every entry must name a model label and hold a number in (0, 1); `error` words the failure for where the map came from. */
function checkThresholdMap(
  map: Readonly<Record<string, unknown>>,
  labels: readonly string[],
  error: (message: string, field: string) => MangaAssistError,
): void {
  for (const [label, t] of Object.entries(map)) {
    if (!labels.includes(label)) throw error(`unknown label "${label}" (model labels: ${labels.join(', ')})`, label);
    if (typeof t !== 'number' || !inUnitInterval(t)) throw error(`threshold of "${label}" must be a number in (0, 1), got ${JSON.stringify(t)}`, label);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function inUnitInterval(t: number): boolean {
  return t > 0 && t < 1;
}

/**
 * The text report: one row per label, then the averages.
 *
 * @example
 * ```ts
 * process.stdout.write(formatEvaluateReport(await evaluateModel({ model: 'runs/m', data: 'val.jsonl' })));
 * ```
 */
export function formatEvaluateReport({ report, thresholdsSource }: EvaluateResult): string {
  const header = ['label', 'threshold', 'precision', 'recall', 'F1', 'support'];
  const rows = report.labels.map((label) => {
    const m = report.per_label[label]!;
    return [label, report.thresholds[label]!.toFixed(3), m.precision.toFixed(4), m.recall.toFixed(4), m.f1.toFixed(4), String(m.support)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [
    `${report.n} examples; thresholds: ${thresholdsSource}`,
    line(header),
    ...rows.map(line),
    `macro-F1 ${report.macro_f1.toFixed(4)}  exact match ${report.exact_match.toFixed(4)}  Hamming loss ${report.hamming_loss.toFixed(4)}`,
    '',
  ].join('\n');
}
