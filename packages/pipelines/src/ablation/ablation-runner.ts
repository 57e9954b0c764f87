import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CHURN_PHRASES, MangaAssistError, servingConfigSchema, type TrainJobConfig } from '@mangaassist/common';
import { generateCorpus, stratifiedSplit, toMultiHot, writeJsonl, type Example } from '@mangaassist/data';
import { exportClassifier } from '@mangaassist/export';
import { onnxSplitModel, predictSplit, type SplitPrediction } from '../predict-split';
import { OnnxTextClassifier } from '@mangaassist/serving';
import { focalAlphaFromFrequencies, labelFrequencies } from '@mangaassist/losses';
import {
  atomicReplace,
  atomicWriteFile,
  createConsoleReporter,
  keptModelFolder,
  readJobData,
  RUN_FILES,
  runTrainJob,
  type JobData,
  type TrainSummary,
} from '@mangaassist/trainer';
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

/** Fingerprints (SHA-256 of the texts and labels) of the examples a run trained and was validated on. */
export interface RunDataKey {
  readonly train: string;
  readonly validation: string;
  readonly trainExamples: number;
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
  /** Which training and validation examples the run used (after the job's limits), to tell whether all runs shared them. */
  readonly data: RunDataKey;
  /** The model's labels. */
  readonly labels: readonly string[];
  /** True when the run was found finished on disk and not trained again. */
  readonly reused: boolean;
}

/** One training run the ablation needs, with the table rows it serves; its index is its place in {@link ablationPlan}. */
export interface AblationPlanEntry {
  readonly index: number;
  /** The run id (its folder under rows/). */
  readonly run: string;
  /** The first table row that needs the run: its settings make the run's job. */
  readonly row: AblationRow;
  /** Every table row decided from this run's model (e.g. focal-loss, threshold-optimisation, churn-boost). */
  readonly rows: readonly string[];
}

/** A planned run whose row file was not found (by `collectAblation`). */
export type MissingRun = Pick<AblationPlanEntry, 'index' | 'run' | 'rows'>;

/** What {@link runAblation} and `collectAblation` return. */
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
  /** Planned runs that are not in the outcome (only when collecting row files); their table rows are left out. */
  readonly missing: readonly MissingRun[];
  readonly wallSeconds: number;
}

/**
 * The table lines of the config, in report order: the ablation rows, then the loss comparison rows.
 *
 * @example
 * ```ts
 * ablationTableRows(config).map(({ row }) => row.id); // ['head-only', …, 'bce', …]
 * ```
 */
export function ablationTableRows(config: AblationConfig): { readonly table: AblationRowResult['table']; readonly row: AblationRow }[] {
  return [
    ...config.rows.map((id) => ({ table: 'ablation' as const, row: ablationRow(id, config.lrDecay) })),
    ...config.lossRows.map((id) => ({ table: 'loss' as const, row: lossRow(id, config.lrDecay) })),
  ];
}

/**
 * The distinct training runs the config's rows need, in the order the in-process runner trains them: entry `i` is
 * what `runAblationRow(config, i)` trains. Rows that differ only in how they decide share a run (threshold-optimisation
 * and churn-boost use focal-loss's model), so there are often fewer runs than table rows. It depends on the config
 * alone, so every process of an Indexed Job computes the same plan.
 *
 * @example
 * ```ts
 * ablationPlan(config).map((e) => `${e.index}: ${e.run} (${e.rows.join(', ')})`);
 * ```
 */
export function ablationPlan(config: AblationConfig): AblationPlanEntry[] {
  const plan: { index: number; run: string; row: AblationRow; rows: string[] }[] = [];
  for (const { row } of ablationTableRows(config)) {
    const entry = plan.find((e) => e.run === row.run);
    if (entry) entry.rows.push(row.id);
    else plan.push({ index: plan.length, run: row.run, row, rows: [row.id] });
  }
  return plan;
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
  const slices = readHandwrittenSlices(config.handwritten.slices);
  for (const s of slices) log(`hand-written slice ${s.slice}: ${s.examples.length} messages${s.tuned ? ' (used for tuning: optimistic)' : ''}`);
  const runs = new Map<string, AblationRun>();
  for (const entry of ablationPlan(config)) runs.set(entry.run, await trainPlannedRun(config, entry, slices, log));
  return assembleAblation(config, runs, [], { log, started });
}

/**
 * Trains (or reuses, when finished on disk) and scores the run at `index` of {@link ablationPlan} alone: what one
 * process of an Indexed Job does. Nothing but the config and the index decides what it trains. The backend must
 * already be selected.
 *
 * @throws MangaAssistError `INVALID_ARGUMENT` when `index` is not a run of the plan
 *
 * @example
 * ```ts
 * const run = await runAblationRow(config, 1, { log: console.error });
 * writeAblationRowFile('runs/shared/rows-out', config, 1, run, 'cpu');
 * ```
 */
export async function runAblationRow(config: AblationConfig, index: number, options: { readonly log: (line: string) => void }): Promise<AblationRun> {
  const plan = ablationPlan(config);
  const entry = plan[index];
  if (!Number.isInteger(index) || !entry) {
    throw new MangaAssistError('INVALID_ARGUMENT', `--row must be an integer from 0 to ${plan.length - 1} (the ${plan.length} runs of ${config.source}: ${plan.map((e) => e.run).join(', ')}); got ${index}`, {
      field: 'row',
    });
  }
  options.log(`row ${index} of ${plan.length}: run ${entry.run} (table rows ${entry.rows.join(', ')})`);
  return trainPlannedRun(config, entry, readHandwrittenSlices(config.handwritten.slices), options.log);
}

/**
 * The outcome from finished runs: each table row whose run is present scored by {@link scoreRows}, the TF-IDF
 * baseline (on the first present run's examples) and the kept model. The in-process runner and `collectAblation`
 * both end here, so a report built from row files is the one the runner writes.
 *
 * @example
 * ```ts
 * const outcome = await assembleAblation(config, runs, [], { log: console.error, started: performance.now() });
 * ```
 */
export async function assembleAblation(
  config: AblationConfig,
  runs: ReadonlyMap<string, AblationRun>,
  missing: readonly MissingRun[],
  options: { readonly log: (line: string) => void; readonly started: number },
): Promise<AblationOutcome> {
  const { log } = options;
  const root = resolve(config.outRoot, config.name);
  const slices = readHandwrittenSlices(config.handwritten.slices);
  const churn = {
    phrases: servingConfigSchema.parse({}).churnRule.phrases ?? [...DEFAULT_CHURN_PHRASES],
    boost: config.churnBoost ?? servingConfigSchema.parse({}).churnRule.boost,
  };
  const results = scoreRows(
    ablationTableRows(config).filter(({ row }) => runs.has(row.run)),
    runs,
    churn,
  );
  const baseline = await baselineOf(runs, config, slices, log);
  log(`[tfidf-baseline] ${baseline.trainExamples} training examples, ${baseline.trainSeconds.toFixed(1)} s; validation macro-F1 ${baseline.metrics.macroF1.toFixed(3)} at 0.5`);
  // A partial collection must not replace a kept model with the best of only some runs.
  const kept = config.keepBest && missing.length === 0 ? keepBestModel(runs, config.keepBest) : null;
  if (config.keepBest && missing.length > 0) log(`not keeping a best model in ${config.keepBest}: ${missing.length} row(s) missing`);
  if (kept) log(`kept the best model (run ${kept.run}, macro-F1 ${kept.macroF1.toFixed(3)} at 0.5) in ${kept.dir}`);
  return { root, rows: results, runs, baseline, slices, kept, missing, wallSeconds: (performance.now() - options.started) / 1000 };
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

/**
 * The baseline on the first run's examples (every run's, unless an override changed a run's data limits or seed),
 * read again from the run's job: a run keeps only fingerprints of its examples, so row files stay small.
 */
async function baselineOf(
  runs: ReadonlyMap<string, AblationRun>,
  config: AblationConfig,
  slices: readonly HandwrittenSliceData[],
  log: (line: string) => void,
): Promise<BaselineResult> {
  const entry = ablationPlan(config).find((e) => runs.has(e.run));
  if (!entry) throw new RangeError('the ablation has no finished run, so there is no training set for the baseline');
  const first = runs.get(entry.run)!;
  const { data } = plannedJob(config, entry, log);
  const train = data.train.map((e) => e.example);
  return tfidfBaselineRow({
    run: first.id,
    train,
    validation: data.validation,
    labels: first.labels,
    evalLabels: first.scores.labels,
    slices,
    latency: config.latency,
    sameTrainingSet: [...runs.values()].every((run) => run.data.train === first.data.train && run.data.validation === first.data.validation),
  });
}

/** Writes the generated corpus once; each file is replaced atomically, since the processes of an Indexed Job may race here. */
function generatedData(root: string, corpus: NonNullable<AblationConfig['corpus']>, log: (line: string) => void): unknown {
  const train = join(root, 'data', 'train.jsonl');
  const validation = join(root, 'data', 'validation.jsonl');
  if (existsSync(train) && existsSync(validation)) {
    log(`reusing the corpus in ${join(root, 'data')}`);
  } else {
    const generated = generateCorpus({ n: corpus.examples, seed: corpus.seed });
    const split = stratifiedSplit(generated.examples, { valFraction: corpus.valFraction, seed: corpus.seed });
    mkdirSync(join(root, 'data'), { recursive: true });
    atomicReplace(validation, (tmp) => writeJsonl(tmp, split.val));
    atomicReplace(train, (tmp) => writeJsonl(tmp, split.train));
    log(`corpus: ${split.train.length} training and ${split.val.length} validation MangaAssist messages`);
  }
  return { train: { path: train, format: 'jsonl' }, validation: { path: validation, format: 'jsonl' } };
}

/** A planned run's training job (from the config and the run's row alone) and its data, read once. */
function plannedJob(config: AblationConfig, entry: AblationPlanEntry, log: (line: string) => void): { job: TrainJobConfig; data: JobData } {
  const root = resolve(config.outRoot, config.name);
  mkdirSync(root, { recursive: true });
  const generated = config.corpus ? generatedData(root, config.corpus, log) : undefined;
  const override = config.overrides[entry.run as keyof typeof config.overrides] ?? {};
  const job = baseJob(config, generated, join(root, 'rows', entry.run), [entry.row.job, override]);
  const data = readJobData(job);
  if (!entry.row.focalAlpha || job.loss.id !== 'focal' || (job.loss.options as { alpha?: unknown }).alpha !== undefined) return { job, data };
  return { job: { ...job, loss: { ...job.loss, options: { ...job.loss.options, alpha: alphaOf(job, data) } } }, data };
}

/** The design document's α (median frequency / label frequency) over the labels that occur in the training data; others 1. */
function alphaOf(job: TrainJobConfig, data: JobData): Record<string, number> {
  const frequencies = labelFrequencies(toMultiHot(data.train.map((e) => e.example), job.model.labels), job.model.labels);
  return focalAlphaFromFrequencies(Object.fromEntries(Object.entries(frequencies).filter(([, f]) => f > 0)), { reference: 'median' });
}

/** SHA-256 of the examples' texts and labels, in order. */
function fingerprint(examples: readonly Example[]): string {
  return createHash('sha256').update(JSON.stringify(examples.map((e) => [e.text, e.labels]))).digest('hex');
}

async function trainPlannedRun(
  config: AblationConfig,
  entry: AblationPlanEntry,
  slices: readonly HandwrittenSliceData[],
  log: (line: string) => void,
): Promise<AblationRun> {
  const { job, data } = plannedJob(config, entry, log);
  return trainRun(entry.run, job, data, config, slices, log);
}

async function trainRun(
  id: string,
  job: TrainJobConfig,
  jobData: JobData,
  config: AblationConfig,
  slices: readonly HandwrittenSliceData[],
  log: (line: string) => void,
): Promise<AblationRun> {
  const dir = job.training.outDir;
  const summaryFile = join(dir, RUN_FILES.summary);
  // The kept model's folder (best-model/ or last-model/): a reused run is found by it before any summary is read.
  const modelDir = join(dir, keptModelFolder(job.training.modelSelection));
  const latencyFile = join(dir, 'latency.json');
  let summary: TrainSummary;
  const reused = existsSync(summaryFile) && existsSync(join(modelDir, 'onnx', 'model.onnx'));
  if (reused) {
    log(`[${id}] reusing the finished run in ${dir}`);
    summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as TrainSummary;
  } else {
    log(`[${id}] training: ${job.schedule.unfreezing.id} unfreezing, lrDecay ${job.optimizer.lrDecay}, loss ${job.loss.id} ${JSON.stringify(job.loss.options)}`);
    summary = (await runTrainJob(job, { overwrite: true, log: (line) => log(`[${id}] ${line}`), reporter: createConsoleReporter(process.stderr, { label: id }) })).summary;
    if (!summary.modelDir) throw new MangaAssistError('NOT_FOUND', `run ${id} finished without a kept model (no ${modelDir})`);
    exportClassifier({ modelDir: summary.modelDir, outDir: summary.modelDir });
    atomicWriteFile(latencyFile, `${JSON.stringify({ p50Ms: await measureLatencyMs(summary.modelDir, config.latency), ...config.latency })}\n`);
    log(`[${id}] ${summary.trainSeconds.toFixed(1)} s; best validation macro-F1 ${summary.best?.macroF1.toFixed(3)} at 0.5`);
  }
  if (!existsSync(latencyFile)) {
    atomicWriteFile(latencyFile, `${JSON.stringify({ p50Ms: await measureLatencyMs(modelDir, config.latency), ...config.latency })}\n`);
  }
  const latencyMs = (JSON.parse(readFileSync(latencyFile, 'utf8')) as { p50Ms: number }).p50Ms;
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
  const data = { train: fingerprint(jobData.train.map((e) => e.example)), validation: fingerprint(jobData.validation), trainExamples: jobData.train.length };
  return { id, dir, summary, modelDir, latencyMs, scores, handwritten, data, labels: job.model.labels, reused };
}

/** The scores without the list of left-out labels and the unscored columns (the report keeps scores only). */
function withoutUncovered({ uncovered: _uncovered, modelProbabilities: _all, ...scores }: SplitPrediction): ValidationScores {
  return scores;
}
