import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CHURN_PHRASES, MangaAssistError, servingConfigSchema, type TrainJobConfig } from '@mangaassist/common';
import { generateCorpus, stratifiedSplit, toMultiHot, writeJsonl, type Example } from '@mangaassist/data';
import { exportClassifier } from '@mangaassist/export';
import { onnxSplitModel, predictSplit, type SplitPrediction } from '../predict-split';
import { OnnxTextClassifier } from '@mangaassist/serving';
import { focalAlphaFromFrequencies, labelFrequencies } from '@mangaassist/losses';
import { createConsoleReporter, readJobData, RUN_FILES, runTrainJob, type TrainSummary } from '@mangaassist/trainer';
import { baseJob, type AblationConfig } from './ablation-config';
import {
  applyDecision,
  decisionRule,
  measureLatencyMs,
  type ChurnRule,
  type DecisionRule,
  type RowMetrics,
  type ValidationScores,
} from './ablation-evaluate';
import { tfidfBaselineRow, type BaselineResult } from './ablation-baseline';
import { readHandwrittenSlices, type HandwrittenSliceData, type SliceMetrics, type SliceScores } from './ablation-handwritten';
import { keepBestModel, type KeptModel } from './ablation-keep-best';
import { ablationRow, lossRow, type AblationRow } from './ablation-rows';

/** One line of a report table. */
export interface AblationRowResult {
  readonly id: string;
  readonly title: string;
  readonly table: 'ablation' | 'loss';
  /** The training run the row's model comes from (its folder under rows/). */
  readonly run: string;
  /** Validation columns. */
  readonly metrics: RowMetrics;
  /** The same decision rule applied to each hand-written slice of the config, in its order. */
  readonly handwritten: readonly SliceMetrics[];
  /** How the row decided: its thresholds (empty: 0.5 everywhere; otherwise calibrated on validation) and churn rule. */
  readonly rule: DecisionRule;
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
  /** The model's probabilities on each hand-written slice of the config (over the labels the slice annotates). */
  readonly handwritten: readonly SliceScores[];
  /** The training and validation examples the run used (after the job's limits). */
  readonly train: readonly Example[];
  readonly validation: readonly Example[];
  /** The model's labels. */
  readonly labels: readonly string[];
  /** True when the run was found finished on disk and not trained again. */
  readonly reused: boolean;
}

/** What {@link runAblation} returns. */
export interface AblationOutcome {
  readonly root: string;
  readonly rows: readonly AblationRowResult[];
  readonly runs: ReadonlyMap<string, AblationRun>;
  /** The TF-IDF baseline trained on the runs' training examples, scored like a row at 0.5 (one line in each table). */
  readonly baseline: BaselineResult;
  /** The hand-written slices every row was also scored on (empty: no such columns). */
  readonly slices: readonly HandwrittenSliceData[];
  /** The best run's model copied to `keepBest`, when the config asks for it. */
  readonly kept: KeptModel | null;
  readonly wallSeconds: number;
}

/**
 * Trains every run the rows need (reusing runs whose `summary.json` and exported model exist), scores each row on
 * the validation set and on the config's hand-written slices (with the decision rule fixed on validation), trains
 * and scores the TF-IDF baseline on the same examples, and returns the table lines. The backend must already be
 * selected.
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
  const slices = readHandwrittenSlices(config.handwritten.slices);
  for (const s of slices) log(`hand-written slice ${s.slice}: ${s.examples.length} messages${s.tuned ? ' (used for tuning: optimistic)' : ''}`);
  const runs = new Map<string, AblationRun>();
  for (const { row } of rows) {
    if (runs.has(row.run)) continue;
    const job = runJob(config, row, data, join(root, 'rows', row.run));
    runs.set(row.run, await trainRun(row.run, job, config, slices, log));
  }
  const churn = {
    phrases: servingConfigSchema.parse({}).churnRule.phrases ?? [...DEFAULT_CHURN_PHRASES],
    boost: config.churnBoost ?? servingConfigSchema.parse({}).churnRule.boost,
  };
  const results = scoreRows(rows, runs, churn);
  const baseline = await baselineOf(runs, config, slices);
  log(`[tfidf-baseline] ${baseline.trainExamples} training examples, ${baseline.trainSeconds.toFixed(1)} s; validation macro-F1 ${baseline.metrics.macroF1.toFixed(3)} at 0.5`);
  const kept = config.keepBest ? keepBestModel(runs, config.keepBest) : null;
  if (kept) log(`kept the best model (run ${kept.run}, macro-F1 ${kept.macroF1.toFixed(3)} at 0.5) in ${kept.dir}`);
  return { root, rows: results, runs, baseline, slices, kept, wallSeconds: (performance.now() - started) / 1000 };
}

/** What {@link scoreRows} needs of a run. */
export type ScoredRun = Pick<AblationRun, 'scores' | 'handwritten' | 'latencyMs'> & { readonly summary: Pick<TrainSummary, 'trainSeconds'> };

/**
 * The table lines of `rows` from their runs: each row's decision rule is fixed once on its run's validation scores
 * (0.5, or thresholds calibrated there, plus the churn rule for the churn-boost row) and then applied unchanged to
 * the validation split and to every hand-written slice, so a slice never chooses its own thresholds.
 *
 * @example
 * ```ts
 * const lines = scoreRows([{ table: 'ablation', row: ablationRow('threshold-optimisation', 2.6) }], runs, { phrases: ['cancel'], boost: 0.35 });
 * ```
 */
export function scoreRows(
  rows: readonly { readonly table: AblationRowResult['table']; readonly row: AblationRow }[],
  runs: ReadonlyMap<string, ScoredRun>,
  churn: ChurnRule,
): AblationRowResult[] {
  return rows.map(({ table, row }): AblationRowResult => {
    const run = runs.get(row.run);
    if (!run) throw new RangeError(`row ${row.id} needs run ${row.run}, which is missing`);
    const rule = decisionRule(row.decision, run.scores, churn);
    return {
      id: row.id,
      title: row.title,
      table,
      run: row.run,
      metrics: applyDecision(run.scores, rule),
      handwritten: run.handwritten.map(({ slice, scores }) => ({ slice, metrics: applyDecision(scores, rule) })),
      rule,
      trainSeconds: run.summary.trainSeconds,
      latencyMs: run.latencyMs,
    };
  });
}

/** The baseline on the first run's examples (every run's, unless an override changed a run's data limits or seed). */
async function baselineOf(runs: ReadonlyMap<string, AblationRun>, config: AblationConfig, slices: readonly HandwrittenSliceData[]): Promise<BaselineResult> {
  const [first] = runs.values();
  if (!first) throw new RangeError('the ablation trained no run, so there is no training set for the baseline');
  const key = (examples: readonly Example[]) => JSON.stringify(examples.map((e) => [e.text, e.labels]));
  const trainKey = key(first.train);
  const validationKey = key(first.validation);
  const sameTrainingSet = [...runs.values()].every((run) => key(run.train) === trainKey && key(run.validation) === validationKey);
  return tfidfBaselineRow({
    run: first.id,
    train: first.train,
    validation: first.validation,
    labels: first.labels,
    evalLabels: first.scores.labels,
    slices,
    latency: config.latency,
    sameTrainingSet,
  });
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

/** The design document's α (median frequency / label frequency) over the labels that occur in the training data; others 1. */
function alphaOf(job: TrainJobConfig): Record<string, number> {
  const train = readJobData(job).train.map((e) => e.example);
  const frequencies = labelFrequencies(toMultiHot(train, job.model.labels), job.model.labels);
  return focalAlphaFromFrequencies(Object.fromEntries(Object.entries(frequencies).filter(([, f]) => f > 0)), { reference: 'median' });
}

async function trainRun(
  id: string,
  job: TrainJobConfig,
  config: AblationConfig,
  slices: readonly HandwrittenSliceData[],
  log: (line: string) => void,
): Promise<AblationRun> {
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
  const jobData = readJobData(job);
  const model = await OnnxTextClassifier.load(modelDir);
  let scores: ValidationScores;
  const handwritten: SliceScores[] = [];
  try {
    const onnx = onnxSplitModel(model, config.evalBatchSize);
    // The validation split is scored over the labels the run was validated on; each slice over those it annotates.
    scores = withoutUncovered(await predictSplit(onnx, { examples: jobData.validation, coveredLabels: summary.evalLabels }, { labels: summary.evalLabels, source: `${id} validation` }));
    for (const s of slices) {
      handwritten.push({ slice: s.slice, scores: withoutUncovered(await predictSplit(onnx, s, { source: `hand-written slice ${s.slice}` })) });
    }
  } finally {
    await model.dispose();
  }
  const train = jobData.train.map((e) => e.example);
  return { id, dir, summary, modelDir, latencyMs, scores, handwritten, train, validation: jobData.validation, labels: job.model.labels, reused };
}


/** The scores without the list of left-out labels (the report keeps scores only). */
function withoutUncovered({ uncovered: _uncovered, ...scores }: SplitPrediction): ValidationScores {
  return scores;
}
