import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_FORMATS, MangaAssistError } from '@mangaassist/common';
import { loadClassifier } from '@mangaassist/core-model';
import { registerNativeCpuKernels } from '@mangaassist/cpu-kernels';
import { applyThresholds, multiLabelMetrics, readDataset, type DatasetFormat, type LabelMetrics } from '@mangaassist/data';
import { selectTfjsBackend, TFJS_BACKEND_REQUESTS, type TfjsBackendRequest } from '@mangaassist/runtime-tfjs';
import { THRESHOLDS_FILE, resolveThresholds } from '@mangaassist/model-format';
import { predictSplit, tfjsSplitModel } from '@mangaassist/pipelines';
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

/** What `evaluate --json` prints (snake_case keys, as other tools read it). */
export interface EvaluateReport {
  readonly n: number;
  readonly labels: readonly string[];
  readonly thresholds: Readonly<Record<string, number>>;
  readonly per_label: Readonly<Record<string, LabelMetrics>>;
  readonly macro_f1: number;
  readonly exact_match: number;
  readonly hamming_loss: number;
}

/** What {@link runEvaluate} returns: the report and where its thresholds came from. */
export interface EvaluateResult {
  readonly report: EvaluateReport;
  /** A file, `--threshold <t>`, or `default 0.5`. */
  readonly thresholdsSource: string;
}

/**
 * `mangaassist evaluate --model <dir> --data <file>`: scores a saved model on a labelled file — per-label
 * precision/recall/F1 and support, macro-F1, exact match and Hamming loss over the labels the data covers and marks
 * (for GoEmotions: frustration, satisfaction, confusion, neutral). Thresholds come from `--thresholds <file>`,
 * `--threshold <t>`, else the model directory's `thresholds.json`, else 0.5.
 *
 * @example
 * ```bash
 * npm run cli -- evaluate --model runs/train/best-model --data ../shared/data/goemotions/dev.tsv --format goemotions --json
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
        const result = await runEvaluate(options);
        process.stdout.write(options.json ? `${JSON.stringify(result.report, null, 2)}\n` : formatEvaluateReport(result));
      });
  },
};

/**
 * The command's work without printing: loads the model and the data, predicts and scores.
 *
 * @example
 * ```ts
 * const { report } = await runEvaluate({ model: 'runs/train/best-model', data: 'val.jsonl', batchSize: '64', backend: 'cpu' });
 * console.log(report.macro_f1);
 * ```
 */
export async function runEvaluate(options: EvaluateCliOptions): Promise<EvaluateResult> {
  const batchSize = Number(options.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw invalid(`--batch-size must be a positive integer, got ${options.batchSize}`);
  if (options.format !== undefined && !(DATA_FORMATS as readonly string[]).includes(options.format)) {
    throw invalid(`--format must be one of ${DATA_FORMATS.join(', ')}; got ${options.format}`);
  }
  if (options.thresholds !== undefined && options.threshold !== undefined) throw invalid('give --thresholds <file> or --threshold <t>, not both');
  if (!TFJS_BACKEND_REQUESTS.includes(options.backend)) {
    throw invalid(`--backend must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}; got ${options.backend}`);
  }
  await selectTfjsBackend({ backend: options.backend as TfjsBackendRequest, accelerateCpu: () => void registerNativeCpuKernels() });
  const model = await loadClassifier(options.model);
  try {
    const { dataset } = readDataset(options.data, { labels: model.labels, ...(options.format ? { format: options.format as DatasetFormat } : {}) });
    const { thresholds, source } = chooseThresholds(options, model.labels);
    const split = await predictSplit(tfjsSplitModel(model, batchSize), dataset, { marked: true, source: options.data });
    const used = Object.fromEntries(split.labels.map((label) => [label, thresholds[label] ?? 0.5]));
    const predicted = applyThresholds(split.probabilities, split.labels.map((label) => used[label]!));
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

function chooseThresholds(options: EvaluateCliOptions, labels: readonly string[]): { thresholds: Record<string, number>; source: string } {
  if (options.threshold !== undefined) {
    const t = Number(options.threshold);
    if (!(t > 0 && t < 1)) throw invalid(`--threshold must be a number in (0, 1), got ${options.threshold}`);
    return { thresholds: Object.fromEntries(labels.map((label) => [label, t])), source: `--threshold ${t}` };
  }
  if (options.thresholds !== undefined) return { thresholds: readThresholdMap(options.thresholds, labels), source: options.thresholds };
  if (existsSync(join(options.model, THRESHOLDS_FILE))) {
    return { thresholds: resolveThresholds(options.model), source: join(options.model, THRESHOLDS_FILE) };
  }
  return { thresholds: {}, source: 'default 0.5' };
}

/** Reads `{ thresholds: { label: t } }` (calibrate's file) or a plain `{ label: t }` map, checking every entry. */
function readThresholdMap(file: string, labels: readonly string[]): Record<string, number> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MangaAssistError('DATA_INVALID', `${file}: cannot read thresholds (${(error as Error).message})`, { file });
  }
  const record = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);
  const map = record(json) && record((json as { thresholds?: unknown }).thresholds) ? (json as { thresholds: unknown }).thresholds : json;
  if (!record(map)) throw new MangaAssistError('DATA_INVALID', `${file}: expected {"thresholds": {label: t}} or {label: t}`, { file });
  for (const [label, t] of Object.entries(map as Record<string, unknown>)) {
    if (!labels.includes(label)) {
      throw new MangaAssistError('DATA_INVALID', `${file}: unknown label "${label}" (model labels: ${labels.join(', ')})`, { file, field: label });
    }
    if (typeof t !== 'number' || !(t > 0 && t < 1)) {
      throw new MangaAssistError('DATA_INVALID', `${file}: threshold of "${label}" must be a number in (0, 1), got ${JSON.stringify(t)}`, {
        file,
        field: label,
      });
    }
  }
  return map as Record<string, number>;
}

/**
 * The text report: one row per label, then the averages.
 *
 * @example
 * ```ts
 * process.stdout.write(formatEvaluateReport(await runEvaluate(options)));
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

function invalid(message: string): MangaAssistError {
  return new MangaAssistError('INVALID_ARGUMENT', message);
}
