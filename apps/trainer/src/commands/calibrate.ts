import { MangaAssistError } from '@mangaassist/common';
import { loadClassifier } from '@mangaassist/core-model';
import { registerNativeCpuKernels } from '@mangaassist/cpu-kernels';
import { readDataset, type DatasetFormat } from '@mangaassist/data';
import { CONFIG_FILE, modelIdFromConfig, readJsonFile, writeCalibrationCurvesFile, writeThresholdsFile } from '@mangaassist/model-format';
import { selectTfjsBackend, TFJS_BACKEND_REQUESTS, type TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import {
  calibrate,
  calibrationCurves,
  createThresholdPlugins,
  labelScoresOf,
  parseStoreSpec,
  readPredictionsJsonl,
  renderThresholdPlotSvg,
  thresholdCurve,
  thresholdMapOf,
  type LabelCalibration,
  type PredictionRows,
  type ThresholdPlugins,
} from '@mangaassist/thresholds';
import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { formatFeedbackReport } from '@mangaassist/serving';
import { predictSplit, tfjsSplitModel } from '@mangaassist/pipelines';
import { runFeedbackCalibration } from './calibrate-from-feedback';
import { PLUGINS } from '../tokens';
import type { CommandModule } from './command-module';

/** Options of `mangaassist calibrate`, as commander parses them. */
export interface CalibrateCliOptions {
  readonly model?: string;
  readonly data?: string;
  readonly format?: string;
  readonly predictions?: string;
  readonly out?: string;
  readonly strategy: string;
  readonly strategyOptions?: string;
  readonly store?: string;
  readonly modelId?: string;
  readonly author: string;
  readonly plots?: string | false;
  readonly json?: boolean;
  readonly batchSize: string;
  readonly backend: string;
  readonly fromFeedback?: string;
  readonly targetFpRate?: string;
  readonly minSamples?: string;
}

/** What `calibrate --json` prints. */
export interface CalibrateReport {
  readonly strategy: string;
  readonly examples: number;
  readonly source: string;
  readonly results: readonly LabelCalibration[];
  readonly thresholdsFile: string;
  /** `calibration-curves.json`: precision, recall and predicted-positive rate per threshold, for the console's what-if. */
  readonly curvesFile: string;
  readonly plots: readonly string[];
  readonly store: { readonly id: string; readonly modelId: string } | null;
  /** Model labels left out because the data file does not annotate them (`--model`/`--data` only). */
  readonly uncoveredLabels: readonly string[];
}

/**
 * `mangaassist calibrate`: chooses per-label thresholds on validation data, writes them to `thresholds.json` in the
 * model directory and to a threshold store, and draws one precision/recall/F-β plot per label.
 *
 * @example
 * ```bash
 * npm run cli -- calibrate --predictions runs/m/val-predictions.jsonl --out runs/m --store sqlite:runs/thresholds.db \
 *   --model-id manga-v1
 * npm run cli -- calibrate --model runs/m --data data/val.jsonl --strategy precision-at-recall \
 *   --strategy-options '{"perLabel":{"frustration":0.9}}' --json
 * ```
 */
export const calibrateCommand: CommandModule = {
  name: 'calibrate',
  register(program: Command, container: DependencyContainer) {
    const plugins = container.resolve(PLUGINS);
    program
      .command('calibrate')
      .description('choose per-label thresholds on validation data and store them')
      .option('--model <dir>', 'model directory: predicts --data with it, and receives thresholds.json')
      .option('--data <file>', 'labelled validation file (JSONL/CSV/TSV) to predict with --model')
      .option('--format <name>', 'format of --data when its extension does not tell: jsonl, csv, tsv, goemotions')
      .option('--predictions <jsonl>', 'precomputed predictions: {"probabilities": {label: p}, "labels": [...]} per line')
      .option('--out <dir>', 'where thresholds.json and the plots go (default: --model)')
      .option('--strategy <id>', `threshold strategy: ${plugins.thresholdStrategies.ids().join(', ')}`, 'fbeta-sweep')
      .option('--strategy-options <json>', 'options of the strategy as JSON, e.g. \'{"betas":{"frustration":3}}\'')
      .option('--store <spec>', 'also write to a store: sqlite:<path>, postgres:<url> or redis:<url>')
      .option('--model-id <id>', 'model id in the store (default: mangaassist_model_id in config.json of --model, else of --out)')
      .option('--author <name>', 'author recorded in the store audit trail', 'calibrate')
      .option('--plots <dir>', 'folder for the per-label SVG plots (default: <out>/calibration)')
      .option('--no-plots', 'do not draw plots')
      .option('--batch-size <n>', 'texts per forward pass with --model', '32')
      .option('--backend <name>', `TensorFlow.js backend with --model: ${TFJS_BACKEND_REQUESTS.join(', ')}`, 'auto')
      .option('--from-feedback <jsonl>', "report only: propose threshold changes from agents' escalation verdicts")
      .option('--target-fp-rate <r>', 'with --from-feedback: highest acceptable false-positive rate', '0.2')
      .option('--min-samples <n>', 'with --from-feedback: verdicts a label needs before a proposal', '20')
      .option('--json', 'print the report as JSON')
      .action(async (options: CalibrateCliOptions) => {
        if (options.fromFeedback) {
          const feedback = await runFeedbackCalibration({ ...options, fromFeedback: options.fromFeedback }, plugins.thresholdStores);
          process.stdout.write(options.json ? `${JSON.stringify(feedback, null, 2)}\n` : formatFeedbackReport(feedback));
          return;
        }
        const report = await runCalibrate(options, plugins);
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      });
  },
};

/**
 * The command's work, without printing: reads predictions (or predicts), calibrates, writes `thresholds.json`, the
 * plots and the store. The strategy and the store are looked up in `plugins` (default: the built-ins).
 *
 * @example
 * ```ts
 * const report = await runCalibrate({ predictions: 'val.jsonl', out: 'runs/m', strategy: 'fbeta-sweep', author: 'ci', batchSize: '32', backend: 'auto' });
 * ```
 */
export async function runCalibrate(options: CalibrateCliOptions, plugins: ThresholdPlugins = createThresholdPlugins()): Promise<CalibrateReport> {
  const outDir = options.out ?? options.model;
  if (!outDir) throw invalid('give --model <dir> or --out <dir> to say where thresholds.json goes');
  if (options.predictions && options.data) throw invalid('give either --predictions or --data, not both');
  const strategyOptions = parseJsonOption('--strategy-options', options.strategyOptions);
  // Parse the store spec before the (possibly long) prediction pass, so a typo fails at once.
  const storeSelection = options.store ? parseStoreSpec(options.store) : undefined;
  const stores = plugins.thresholdStores;
  if (storeSelection) stores.parseOptions(storeSelection.id, storeSelection.options);
  const modelId = storeSelection ? storeModelId(options.modelId, [options.model, outDir]) : undefined;

  const rows = options.predictions ? { ...readPredictionsJsonl(options.predictions), uncovered: [] } : await predict(options);
  const strategy = plugins.thresholdStrategies.create(options.strategy, strategyOptions, { labels: rows.labels });
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

  const source = basename(options.predictions ?? options.data ?? '');
  const curvesFile = writeCalibrationCurvesFile(outDir, {
    version: 1,
    createdAt,
    split: { source, examples: rows.targets.length },
    labels: calibrationCurves(rows, results),
  });

  const plots = options.plots === false ? [] : writePlots(rows, results, options.plots || join(outDir, 'calibration'));

  let store: CalibrateReport['store'] = null;
  if (storeSelection && modelId !== undefined) {
    const target = stores.create(storeSelection.id, storeSelection.options, {});
    try {
      await target.setRecommended(modelId, thresholdMapOf(results), {
        author: options.author,
        reason: `${strategy.id} on ${source}`,
      });
    } finally {
      await target.close();
    }
    store = { id: storeSelection.id, modelId };
  }
  return {
    strategy: strategy.id,
    examples: rows.probabilities.length,
    source: options.predictions ?? options.data ?? '',
    results,
    thresholdsFile,
    curvesFile,
    plots,
    store,
    uncoveredLabels: rows.uncovered,
  };
}

/**
 * Predictions of the model in `--model` on `--data`, for the labels the data file annotates (GoEmotions, for one,
 * never annotates urgency or churn_risk: calibrating those on it would only see negatives).
 */
async function predict(options: CalibrateCliOptions): Promise<PredictionRows & { uncovered: string[] }> {
  if (!options.model || !options.data) {
    throw invalid('give --predictions <jsonl>, or --model <dir> with --data <file> to predict the validation set');
  }
  const batchSize = Number(options.batchSize);
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw invalid(`--batch-size must be a positive integer, got ${options.batchSize}`);
  }
  if (!TFJS_BACKEND_REQUESTS.includes(options.backend)) {
    throw invalid(`--backend must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}; got ${options.backend}`);
  }
  // The native kernels make the prediction pass ~100× faster than TensorFlow.js's JavaScript kernels.
  await selectTfjsBackend({ backend: options.backend as TfjsBackendRequest, accelerateCpu: () => void registerNativeCpuKernels() });
  const model = await loadClassifier(options.model);
  try {
    const { dataset } = readDataset(options.data, {
      labels: model.labels,
      ...(options.format ? { format: options.format as DatasetFormat } : {}),
    });
    const split = await predictSplit(tfjsSplitModel(model, batchSize), dataset, { source: options.data });
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
 * process.stdout.write(formatReport(await runCalibrate(options)));
 * ```
 */
export function formatReport(report: CalibrateReport): string {
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

function parseJsonOption(flag: string, text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(`${flag} must be JSON (${(error as Error).message})`);
  }
}

/**
 * The id the store keys the thresholds by, the one the server will look them up with: `--model-id`, else the id
 * recorded in the model's `config.json` (`mangaassist_model_id`) in `dirs` (`--model`, then `--out`). Never a
 * directory's name: a server serving a copy or a renamed directory would not find them.
 */
function storeModelId(given: string | undefined, dirs: readonly (string | undefined)[]): string {
  if (given !== undefined) return given;
  for (const dir of dirs) {
    const file = dir === undefined ? undefined : join(dir, CONFIG_FILE);
    if (file === undefined || !existsSync(file)) continue;
    const recorded = modelIdFromConfig(readJsonFile(file), file);
    if (recorded !== undefined) return recorded;
  }
  throw invalid('--store needs the model id the server will use: give --model-id <id>, or record "mangaassist_model_id" in the model\'s config.json');
}

function invalid(message: string): MangaAssistError {
  return new MangaAssistError('INVALID_ARGUMENT', `calibrate: ${message}`);
}
