import { MangaAssistError } from '@mangaassist/common';
import type { DatasetFormat } from '@mangaassist/data';
import { TFJS_BACKEND_REQUESTS, type TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import { parseStoreSpec } from '@mangaassist/thresholds';
import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { formatFeedbackReport } from '@mangaassist/serving';
import { calibrateModel, formatCalibrateReport, recordedModelId, type CalibrateModelOptions } from '@mangaassist/pipelines';
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
        const report = await calibrateModel(calibrateModelOptions(options), plugins);
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatCalibrateReport(report));
      });
  },
};

/**
 * Checks the command-line options, naming the flags in its errors, and turns them into the typed options of
 * `calibrateModel`: a bad flag fails here, before the (possibly long) prediction pass.
 *
 * @example
 * ```ts
 * const report = await calibrateModel(calibrateModelOptions({ predictions: 'val.jsonl', out: 'runs/m', strategy: 'fbeta-sweep', author: 'ci', batchSize: '32', backend: 'auto' }));
 * ```
 */
export function calibrateModelOptions(options: CalibrateCliOptions): CalibrateModelOptions {
  const outDir = options.out ?? options.model;
  if (!outDir) throw invalid('give --model <dir> or --out <dir> to say where thresholds.json goes');
  if (options.predictions && options.data) throw invalid('give either --predictions or --data, not both');
  const strategyOptions = parseJsonOption('--strategy-options', options.strategyOptions);
  const storeSelection = options.store ? parseStoreSpec(options.store) : undefined;
  const modelId = storeSelection ? (options.modelId ?? recordedModelId([options.model, outDir])) : undefined;
  if (storeSelection && modelId === undefined) {
    throw invalid('--store needs the model id the server will use: give --model-id <id>, or record "mangaassist_model_id" in the model\'s config.json');
  }
  const common = {
    out: outDir,
    strategy: options.strategy,
    strategyOptions,
    plots: options.plots === false ? (false as const) : options.plots || undefined,
    ...(storeSelection ? { store: { ...storeSelection, modelId, author: options.author } } : {}),
  };
  if (options.predictions) return { ...common, predictions: options.predictions };
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
  return {
    ...common,
    model: options.model,
    data: options.data,
    ...(options.format ? { format: options.format as DatasetFormat } : {}),
    batchSize,
    backend: options.backend as TfjsBackendRequest,
  };
}

function parseJsonOption(flag: string, text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(`${flag} must be JSON (${(error as Error).message})`);
  }
}

function invalid(message: string): MangaAssistError {
  return new MangaAssistError('INVALID_ARGUMENT', `calibrate: ${message}`);
}
