import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CHURN_PHRASES, MangaAssistError, servingConfigSchema, type TrainJobConfig } from '@mangaassist/common';
import { generateCorpus, stratifiedSplit, toMultiHot, writeJsonl } from '@mangaassist/data';
import { exportClassifier } from '@mangaassist/export';
import { focalAlphaFromFrequencies, labelFrequencies } from '@mangaassist/losses';
import { thresholdMapOf } from '@mangaassist/thresholds';
import { createConsoleReporter, readJobData, RUN_FILES, runTrainJob, type TrainSummary } from '@mangaassist/trainer';
import { baseJob, type AblationConfig } from './ablation-config';
import {
  calibrateScores,
  measureLatencyMs,
  predictValidation,
  rowMetrics,
  withChurnBoost,
  type RowMetrics,
  type ValidationScores,
} from './ablation-evaluate';
import { keepBestModel, type KeptModel } from './ablation-keep-best';
import { ablationRow, lossRow, type AblationRow } from './ablation-rows';

/** One line of a report table. */
export interface AblationRowResult {
  readonly id: string;
  readonly title: string;
  readonly table: 'ablation' | 'loss';
  /** The training run the row's model comes from (its folder under rows/). */
  readonly run: string;
  readonly metrics: RowMetrics;
  readonly trainSeconds: number;
  readonly latencyMs: number;
}

/** A finished training run of the ablation, with its validation scores. */
export interface AblationRun {
  readonly id: string;
  readonly dir: string;
  readonly summary: TrainSummary;
  readonly modelDir: string;
  readonly latencyMs: number;
  readonly scores: ValidationScores;
  /** True when the run was found finished on disk and not trained again. */
  readonly reused: boolean;
}

/** What {@link runAblation} returns. */
export interface AblationOutcome {
  readonly root: string;
  readonly rows: readonly AblationRowResult[];
  readonly runs: ReadonlyMap<string, AblationRun>;
  /** The best run's model copied to `keepBest`, when the config asks for it. */
  readonly kept: KeptModel | null;
  readonly wallSeconds: number;
}

/**
 * Trains every run the rows need (reusing runs whose `summary.json` and exported model exist), scores each row on
 * the validation set, and returns the table lines. The backend must already be selected.
 *
 * @example
 * ```ts
 * const outcome = await runAblation(loadAblationConfig('configs/ablation-mangaassist.yaml'), { log: console.error });
 * ```
 */
export async function runAblation(config: AblationConfig, options: { readonly log: (line: string) => void }): Promise<AblationOutcome> {
  const started = performance.now();
  const { log } = options;
  const root = resolve(config.outRoot, config.name);
  mkdirSync(root, { recursive: true });
  const data = config.corpus ? generatedData(root, config.corpus, log) : undefined;
  const rows = [
    ...config.rows.map((id) => ({ table: 'ablation' as const, row: ablationRow(id, config.lrDecay) })),
    ...config.lossRows.map((id) => ({ table: 'loss' as const, row: lossRow(id, config.lrDecay) })),
  ];
  const runs = new Map<string, AblationRun>();
  for (const { row } of rows) {
    if (runs.has(row.run)) continue;
    const job = runJob(config, row, data, join(root, 'rows', row.run));
    runs.set(row.run, await trainRun(row.run, job, config, log));
  }
  const phrases = servingConfigSchema.parse({}).churnRule.phrases ?? [...DEFAULT_CHURN_PHRASES];
  const boost = config.churnBoost ?? servingConfigSchema.parse({}).churnRule.boost;
  const results = rows.map(({ table, row }): AblationRowResult => {
    const run = runs.get(row.run)!;
    return {
      id: row.id,
      title: row.title,
      table,
      run: row.run,
      metrics: decide(run.scores, row, phrases, boost),
      trainSeconds: run.summary.trainSeconds,
      latencyMs: run.latencyMs,
    };
  });
  const kept = config.keepBest ? keepBestModel(runs, config.keepBest) : null;
  if (kept) log(`kept the best model (run ${kept.run}, macro-F1 ${kept.macroF1.toFixed(3)} at 0.5) in ${kept.dir}`);
  return { root, rows: results, runs, kept, wallSeconds: (performance.now() - started) / 1000 };
}

function decide(scores: ValidationScores, row: AblationRow, phrases: readonly string[], boost: number): RowMetrics {
  if (row.decision === 'threshold-0.5') return rowMetrics(scores, {});
  // The churn rule acts at serving time on top of the calibrated thresholds, so they are chosen without it.
  const thresholds = thresholdMapOf(calibrateScores(scores));
  return rowMetrics(row.decision === 'calibrated' ? scores : withChurnBoost(scores, phrases, boost), thresholds);
}

function generatedData(root: string, corpus: NonNullable<AblationConfig['corpus']>, log: (line: string) => void): unknown {
  const train = join(root, 'data', 'train.jsonl');
  const validation = join(root, 'data', 'validation.jsonl');
  if (existsSync(train) && existsSync(validation)) {
    log(`reusing the corpus in ${join(root, 'data')}`);
  } else {
    const generated = generateCorpus({ n: corpus.examples, seed: corpus.seed });
    const split = stratifiedSplit(generated.examples, { valFraction: corpus.valFraction, seed: corpus.seed });
    writeJsonl(validation, split.val);
    writeJsonl(train, split.train);
    log(`corpus: ${split.train.length} training and ${split.val.length} validation MangaAssist messages`);
  }
  return { train: { path: train, format: 'jsonl' }, validation: { path: validation, format: 'jsonl' } };
}

function runJob(config: AblationConfig, row: AblationRow, data: unknown, outDir: string): TrainJobConfig {
  const override = config.overrides[row.run as keyof typeof config.overrides] ?? {};
  const job = baseJob(config, data, outDir, [row.job, override]);
  if (!row.focalAlpha || job.loss.id !== 'focal' || (job.loss.options as { alpha?: unknown }).alpha !== undefined) return job;
  return { ...job, loss: { ...job.loss, options: { ...job.loss.options, alpha: alphaOf(job) } } };
}

/** The seed's α (median frequency / label frequency) over the labels that occur in the training data; others 1. */
function alphaOf(job: TrainJobConfig): Record<string, number> {
  const train = readJobData(job).train.map((e) => e.example);
  const frequencies = labelFrequencies(toMultiHot(train, job.model.labels), job.model.labels);
  return focalAlphaFromFrequencies(Object.fromEntries(Object.entries(frequencies).filter(([, f]) => f > 0)), { reference: 'median' });
}

async function trainRun(id: string, job: TrainJobConfig, config: AblationConfig, log: (line: string) => void): Promise<AblationRun> {
  const dir = job.training.outDir;
  const summaryFile = join(dir, RUN_FILES.summary);
  const modelDir = join(dir, RUN_FILES.bestModel);
  const latencyFile = join(dir, 'latency.json');
  let summary: TrainSummary;
  const reused = existsSync(summaryFile) && existsSync(join(modelDir, 'onnx', 'model.onnx'));
  if (reused) {
    log(`[${id}] reusing the finished run in ${dir}`);
    summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as TrainSummary;
  } else {
    log(`[${id}] training: ${job.schedule.unfreezing.id} unfreezing, lrDecay ${job.optimizer.lrDecay}, loss ${job.loss.id} ${JSON.stringify(job.loss.options)}`);
    summary = (await runTrainJob(job, { overwrite: true, log: (line) => log(`[${id}] ${line}`), reporter: createConsoleReporter(process.stderr, { label: id }) })).summary;
    if (!summary.bestModelDir) throw new MangaAssistError('NOT_FOUND', `run ${id} finished without a best model in ${dir}`);
    exportClassifier({ modelDir: summary.bestModelDir, outDir: summary.bestModelDir });
    writeFileSync(latencyFile, `${JSON.stringify({ p50Ms: await measureLatencyMs(summary.bestModelDir, config.latency), ...config.latency })}\n`);
    log(`[${id}] ${summary.trainSeconds.toFixed(1)} s; best validation macro-F1 ${summary.best?.macroF1.toFixed(3)} at 0.5`);
  }
  if (!existsSync(latencyFile)) {
    writeFileSync(latencyFile, `${JSON.stringify({ p50Ms: await measureLatencyMs(modelDir, config.latency), ...config.latency })}\n`);
  }
  const latencyMs = (JSON.parse(readFileSync(latencyFile, 'utf8')) as { p50Ms: number }).p50Ms;
  const scores = await predictValidation(modelDir, readJobData(job).validation, summary.evalLabels, config.evalBatchSize);
  return { id, dir, summary, modelDir, latencyMs, scores, reused };
}

