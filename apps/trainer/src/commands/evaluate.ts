import { DATA_FORMATS, MangaAssistError } from '@mangaassist/common';
import type { DatasetFormat } from '@mangaassist/data';
import { TFJS_BACKEND_REQUESTS, type TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import { THRESHOLDS_FILE } from '@mangaassist/model-format';
import { evaluateModel, formatEvaluateReport, type EvaluateModelOptions } from '@mangaassist/pipelines';
import type { Command } from 'commander';
import type { CommandModule } from './command-module';

/** Options of `mangaassist evaluate`, as commander parses them. */
export interface EvaluateCliOptions {
  readonly model: string;
  readonly data: string;
  readonly format?: string;
  readonly thresholds?: string;
  readonly threshold?: string;
  readonly json?: boolean;
  readonly batchSize: string;
  readonly backend: string;
}

/**
 * `mangaassist evaluate --model <dir> --data <file>`: scores a saved model on a labelled file — per-label
 * precision/recall/F1 and support, macro-F1, exact match and Hamming loss over the labels the data covers and marks
 * (for GoEmotions: frustration, satisfaction, confusion, neutral). Thresholds come from `--thresholds <file>`,
 * `--threshold <t>`, else the model directory's `thresholds.json`, else 0.5.
 *
 * @example
 * ```bash
 * npm run cli -- evaluate --model runs/train/last-model --data ../shared/data/goemotions/dev.tsv --format goemotions --json
 * ```
 */
export const evaluateCommand: CommandModule = {
  name: 'evaluate',
  register(program: Command) {
    program
      .command('evaluate')
      .description('evaluate a model directory on a labelled data file')
      .requiredOption('--model <dir>', 'model directory (as train or export writes it)')
      .requiredOption('--data <file>', 'labelled data file')
      .option('--format <format>', `data format: ${DATA_FORMATS.join(', ')} (default: from the file name)`)
      .option('--thresholds <file>', `per-label thresholds: a ${THRESHOLDS_FILE} as calibrate writes it, or {"label": t, …}`)
      .option('--threshold <t>', 'one threshold for every label, in (0, 1)')
      .option('--batch-size <n>', 'texts per forward pass', '64')
      .option('--backend <name>', `TensorFlow.js backend: ${TFJS_BACKEND_REQUESTS.join(', ')}`, 'auto')
      .option('--json', 'print the metrics as JSON')
      .action(async (options: EvaluateCliOptions) => {
        const result = await evaluateModel(evaluateModelOptions(options));
        // The text names the flag the thresholds came from, as given on the command line.
        const thresholdsSource = options.threshold === undefined ? result.thresholdsSource : `--threshold ${Number(options.threshold)}`;
        process.stdout.write(options.json ? `${JSON.stringify(result.report, null, 2)}\n` : formatEvaluateReport({ ...result, thresholdsSource }));
      });
  },
};

/**
 * Checks the command-line options, naming the flags in its errors, and turns them into the typed options of
 * `evaluateModel`.
 *
 * @example
 * ```ts
 * const { report } = await evaluateModel(evaluateModelOptions({ model: 'runs/train/last-model', data: 'val.jsonl', batchSize: '64', backend: 'cpu' }));
 * ```
 */
export function evaluateModelOptions(options: EvaluateCliOptions): EvaluateModelOptions {
  const batchSize = Number(options.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw invalid(`--batch-size must be a positive integer, got ${options.batchSize}`);
  if (options.format !== undefined && !(DATA_FORMATS as readonly string[]).includes(options.format)) {
    throw invalid(`--format must be one of ${DATA_FORMATS.join(', ')}; got ${options.format}`);
  }
  if (options.thresholds !== undefined && options.threshold !== undefined) throw invalid('give --thresholds <file> or --threshold <t>, not both');
  if (!TFJS_BACKEND_REQUESTS.includes(options.backend)) {
    throw invalid(`--backend must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}; got ${options.backend}`);
  }
  const threshold = options.threshold === undefined ? undefined : Number(options.threshold);
  if (threshold !== undefined && !(threshold > 0 && threshold < 1)) throw invalid(`--threshold must be a number in (0, 1), got ${options.threshold}`);
  const thresholds = threshold ?? (options.thresholds === undefined ? undefined : { file: options.thresholds });
  return {
    model: options.model,
    data: options.data,
    ...(options.format ? { format: options.format as DatasetFormat } : {}),
    ...(thresholds === undefined ? {} : { thresholds }),
    batchSize,
    backend: options.backend as TfjsBackendRequest,
  };
}

function invalid(message: string): MangaAssistError {
  return new MangaAssistError('INVALID_ARGUMENT', message);
}
