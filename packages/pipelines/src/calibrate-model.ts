import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';
import { loadClassifier } from '@mangaassist/core-model';
import { readDataset, type DatasetFormat } from '@mangaassist/data';
import { CONFIG_FILE, modelIdFromConfig, readJsonFile, writeCalibrationCurvesFile, writeThresholdsFile } from '@mangaassist/model-format';
import type { TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import {
  calibrate,
  calibrationCurves,
  createThresholdPlugins,
  labelScoresOf,
  readPredictionsJsonl,
  renderThresholdPlotSvg,
  thresholdCurve,
  thresholdMapOf,
  type LabelCalibration,
  type PredictionRows,
  type StoreSelection,
  type ThresholdPlugins,
} from '@mangaassist/thresholds';
import { predictSplit, tfjsSplitModel } from './predict-split';
import { selectBackendWithNativeKernels } from './tfjs-backend';

/**
 * The threshold store {@link calibrateModel} also writes the thresholds to (their `recommended` layer): which store
 * and its options (`parseStoreSpec` of `@mangaassist/thresholds` reads the command-line form `sqlite:<path>`), and
 * the model id the server will look them up with.
 */
export interface CalibrationStoreTarget extends StoreSelection {
  /**
   * The id the store keys the thresholds by. Default: `mangaassist_model_id` in `config.json` of `model`, else of
   * `out` ({@link recordedModelId}); never a directory's name, which a server serving a copy would not find.
   */
  readonly modelId?: string;
  /** Recorded in the store's audit trail (default `calibrate`). */
  readonly author?: string;
}

/**
 * Options of {@link calibrateModel}. The scores come either from `predictions` or from predicting `data` with the
 * model in `model`.
 */
export interface CalibrateModelOptions {
  /** Model directory: predicts `data` with it, and receives `thresholds.json` unless `out` says otherwise. */
  readonly model?: string;
  /** Labelled validation file (JSONL, CSV, TSV, GoEmotions) to predict with `model`. */
  readonly data?: string;
  /** Format of `data` when its extension does not tell. */
  readonly format?: DatasetFormat;
  /** Precomputed predictions instead of `model` + `data`: `{"probabilities": {label: p}, "labels": [...]}` per line. */
  readonly predictions?: string;
  /** Where `thresholds.json`, `calibration-curves.json` and the plots go (default: `model`). */
  readonly out?: string;
  /** Threshold strategy id, looked up in the plugins (default `fbeta-sweep`). */
  readonly strategy?: string;
  /** Options of the strategy, checked by the strategy itself (default `{}`). */
  readonly strategyOptions?: unknown;
  /** Also write the thresholds to this store. */
  readonly store?: CalibrationStoreTarget;
  /** Folder for the per-label SVG plots (default `<out>/calibration`); `false` draws none. */
  readonly plots?: string | false;
  /** Texts per forward pass with `model` (default 32). */
  readonly batchSize?: number;
  /**
   * TensorFlow.js backend to select before predicting with `model` (the native CPU kernels are registered on `cpu`).
   * Default: keep the backend the caller selected.
   */
  readonly backend?: TfjsBackendRequest;
}

/** What {@link calibrateModel} did: the per-label choices and the files and store it wrote. */
export interface CalibrateReport {
  readonly strategy: string;
  readonly examples: number;
  /** The predictions or data file the scores came from. */
  readonly source: string;
  readonly results: readonly LabelCalibration[];
  readonly thresholdsFile: string;
  /** `calibration-curves.json`: precision, recall and predicted-positive rate per threshold, for the console's what-if. */
  readonly curvesFile: string;
  readonly plots: readonly string[];
  readonly store: { readonly id: string; readonly modelId: string } | null;
  /** Model labels left out because the data file does not annotate them (`model` + `data` only). */
  readonly uncoveredLabels: readonly string[];
}

/**
 * Chooses per-label thresholds on validation scores (a predictions file, or `data` predicted with the model in
 * `model`), writes them to `thresholds.json` with the calibration curves beside it, draws one precision/recall/F-β
 * plot per label and, with `store`, records them in a threshold store. The strategy and the store are looked up in
 * `plugins` (default: the built-ins). With `model`, the TensorFlow.js backend is the caller's unless `backend` names
 * one.
 *
 * @throws MangaAssistError `INVALID_ARGUMENT` when the options do not say where the scores come from or where the
 *   thresholds go, or `store` has no model id; the plugins' errors for an unknown strategy or store
 *
 * @example
 * ```ts
 * const report = await calibrateModel({
 *   model: 'runs/m',
 *   data: 'data/val.jsonl',
 *   strategy: 'precision-at-recall',
 *   strategyOptions: { perLabel: { frustration: 0.9 } },
 *   store: { id: 'sqlite', options: { path: 'runs/thresholds.db' }, modelId: 'manga-v1' },
 *   backend: 'cpu',
 * });
 * process.stdout.write(formatCalibrateReport(report));
 * ```
 */
export async function calibrateModel(options: CalibrateModelOptions, plugins: ThresholdPlugins = createThresholdPlugins()): Promise<CalibrateReport> {
  const outDir = options.out ?? options.model;
  if (!outDir) throw invalid('give `out` or `model` to say where thresholds.json goes');
  if (options.predictions && options.data) throw invalid('give either `predictions` or `data`, not both');
  // Check the store and its model id before the (possibly long) prediction pass, so a typo fails at once.
  const stores = plugins.thresholdStores;
  const store = options.store;
  if (store) stores.parseOptions(store.id, store.options);
  const modelId = store ? (store.modelId ?? recordedModelId([options.model, outDir])) : undefined;
  if (store && modelId === undefined) {
    throw invalid('a threshold store needs the model id the server will use: give `store.modelId`, or record "mangaassist_model_id" in the model\'s config.json');
  }

  const rows = options.predictions ? { ...readPredictionsJsonl(options.predictions), uncovered: [] } : await predict(options);
  const strategy = plugins.thresholdStrategies.create(options.strategy ?? 'fbeta-sweep', options.strategyOptions ?? {}, { labels: rows.labels });
  const results = calibrate({ ...rows, strategy });

  mkdirSync(outDir, { recursive: true });
  const createdAt = new Date().toISOString();
  const thresholdsFile = writeThresholdsFile(outDir, {
    version: 1,
    strategy: strategy.id,
    createdAt,
    thresholds: thresholdMapOf(results),
    details: Object.fromEntries(results.map(({ label, threshold: _threshold, ...rest }) => [label, { ...rest }])),
  });

  const sourceFile = options.predictions ?? options.data ?? '';
  const curvesFile = writeCalibrationCurvesFile(outDir, {
    version: 1,
    createdAt,
    split: { source: basename(sourceFile), examples: rows.targets.length },
    labels: calibrationCurves(rows, results),
  });

  const plots = options.plots === false ? [] : writePlots(rows, results, options.plots || join(outDir, 'calibration'));

  let written: CalibrateReport['store'] = null;
  if (store && modelId !== undefined) {
    const target = stores.create(store.id, store.options, {});
    try {
      await target.setRecommended(modelId, thresholdMapOf(results), {
        author: store.author ?? 'calibrate',
        reason: `${strategy.id} on ${basename(sourceFile)}`,
      });
    } finally {
      await target.close();
    }
    written = { id: store.id, modelId };
  }
  return {
    strategy: strategy.id,
    examples: rows.probabilities.length,
    source: sourceFile,
    results,
    thresholdsFile,
    curvesFile,
    plots,
    store: written,
    uncoveredLabels: rows.uncovered,
  };
}

/**
 * The model id recorded in `config.json` (`mangaassist_model_id`) of the first of `dirs` that records one: the id a
 * server looks thresholds up with. `undefined` when none does (directories left undefined are skipped).
 *
 * @example
 * ```ts
 * const modelId = given ?? recordedModelId([modelDir, outDir]);
 * ```
 */
export function recordedModelId(dirs: readonly (string | undefined)[]): string | undefined {
  for (const dir of dirs) {
    const file = dir === undefined ? undefined : join(dir, CONFIG_FILE);
    if (file === undefined || !existsSync(file)) continue;
    const recorded = modelIdFromConfig(readJsonFile(file), file);
    if (recorded !== undefined) return recorded;
  }
  return undefined;
}

/**
 * Predictions of the model in `model` on `data`, for the labels the data file annotates (GoEmotions, for one, never
 * annotates urgency or churn_risk: calibrating those on it would only see negatives).
 */
async function predict(options: CalibrateModelOptions): Promise<PredictionRows & { uncovered: string[] }> {
  if (!options.model || !options.data) throw invalid('give `predictions`, or `model` with `data` to predict the validation set');
  if (options.backend !== undefined) await selectBackendWithNativeKernels(options.backend);
  const model = await loadClassifier(options.model);
  try {
    const { dataset } = readDataset(options.data, { labels: model.labels, ...(options.format ? { format: options.format } : {}) });
    const split = await predictSplit(tfjsSplitModel(model, options.batchSize ?? 32), dataset, { source: options.data });
    return {
      labels: split.labels,
      probabilities: split.probabilities.map((row) => Array.from(row)),
      targets: split.targets.map((row) => Array.from(row)),
      uncovered: [...split.uncovered],
    };
  } finally {
    model.dispose();
  }
}

function writePlots(rows: PredictionRows, results: readonly LabelCalibration[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const scores = labelScoresOf(rows);
  return results.map((result, j) => {
    const path = join(dir, `${result.label}.svg`);
    const curve = thresholdCurve(scores[j]!, result.beta);
    writeFileSync(path, renderThresholdPlotSvg({ label: result.label, curve, beta: result.beta, threshold: result.threshold }));
    return path;
  });
}

/**
 * The human-readable report: one row per label with the chosen threshold, its score, precision and recall, and
 * F1 at the default 0.5 next to F1 at the chosen threshold.
 *
 * @example
 * ```ts
 * process.stdout.write(formatCalibrateReport(await calibrateModel({ predictions: 'val.jsonl', out: 'runs/m' })));
 * ```
 */
export function formatCalibrateReport(report: CalibrateReport): string {
  const header = ['label', 'threshold', 'metric', 'score', 'precision', 'recall', 'F1@0.5', 'F1@t', 'ΔF1', 'support'];
  const rows = report.results.map((r) => [
    r.label,
    r.threshold.toFixed(3),
    r.metric,
    r.score.toFixed(3),
    r.precision.toFixed(3),
    r.recall.toFixed(3),
    r.f1At05.toFixed(3),
    r.f1AtThreshold.toFixed(3),
    `${r.f1AtThreshold >= r.f1At05 ? '+' : ''}${(r.f1AtThreshold - r.f1At05).toFixed(3)}`,
    String(r.support),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 || i === 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const notes = report.results.filter((r) => r.note).map((r) => `note: ${r.label}: ${r.note}`);
  return [
    `${report.strategy} on ${report.examples} examples (${report.source})`,
    line(header),
    ...rows.map(line),
    ...notes,
    ...(report.uncoveredLabels.length > 0
      ? [`not calibrated (the data does not annotate them): ${report.uncoveredLabels.join(', ')}`]
      : []),
    `thresholds: ${report.thresholdsFile}`,
    `calibration curves: ${report.curvesFile}`,
    ...(report.store ? [`store: ${report.store.id}, model id ${report.store.modelId} (recommended layer)`] : []),
    ...(report.plots.length > 0 ? [`plots: ${report.plots.length} SVG files in ${resolve(report.plots[0]!, '..')}`] : []),
    '',
  ].join('\n');
}

function invalid(message: string): MangaAssistError {
  return new MangaAssistError('INVALID_ARGUMENT', `calibrate: ${message}`);
}
