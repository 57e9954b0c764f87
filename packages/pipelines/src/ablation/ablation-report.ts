import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { join, relative } from 'node:path';
import { renderThresholdPlotSvg, labelScoresOf, thresholdCurve } from '@mangaassist/thresholds';
import { scoredLabels } from '@mangaassist/data';
import { RUN_FILES, renderCurvesSvg } from '@mangaassist/trainer';
import type { BaselineResult } from './ablation-baseline';
import { calibrateScores, precisionRecallCurve, type RowMetrics, type ValidationScores } from './ablation-evaluate';
import { handwrittenNotes, type HandwrittenSliceData, type SliceMetrics } from './ablation-handwritten';
import type { AblationOutcome } from './ablation-runner';

/** Context of the report that the runner does not know. */
export interface ReportContext {
  /** The command line that produced the report. */
  readonly command: string;
  /** One line on the encoder (saying clearly when it is the small stand-in). */
  readonly encoder: string;
  readonly backend: string;
  /** Wall time of the whole command, seconds. */
  readonly wallSeconds: number;
  /** Who trained the runs that were not reused (default: this command); collecting row files names the row processes. */
  readonly trainedBy?: string;
}

const COLUMNS = ['row', 'macro-F1', 'frustration recall', 'churn_risk F1', 'exact match', 'training time (s)', 'P50 latency (ms)'];

/** The columns each hand-written slice adds, after the validation ones. */
function sliceColumns(slice: string): string[] {
  return [`hw ${slice} macro-F1`, `hw ${slice} frustration recall`, `hw ${slice} frustration precision`];
}

/**
 * "the a, b and c rows": the rows whose decision rule has calibrated thresholds (chosen on the validation split they
 * are scored on), read from the rules themselves so the report names exactly the rows it ran; `null` when none has.
 */
function calibratedRowsPhrase(rows: AblationOutcome['rows']): string | null {
  const ids = rows.filter((r) => Object.keys(r.rule.thresholds).length > 0).map((r) => r.id);
  if (ids.length === 0) return null;
  const listed = ids.length === 1 ? ids[0] : `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;
  return `the ${listed} row${ids.length === 1 ? '' : 's'}`;
}

/** One table line: the row label and its cells. */
interface TableLine {
  readonly label: string;
  readonly metrics: RowMetrics;
  readonly handwritten: readonly SliceMetrics[];
  readonly trainSeconds: number;
  readonly latencyMs: number;
}

/**
 * Writes `<root>/report/README.md` with the ablation and loss tables, and beside it the SVGs: training curves per
 * run, and a threshold sweep and a precision/recall curve per label for the final row's model. Returns the path.
 *
 * @example
 * ```ts
 * writeAblationReport(outcome, { command: 'mangaassist ablation --config c.yaml', encoder: '…', backend: 'cpu', wallSeconds: 60 });
 * ```
 */
export function writeAblationReport(outcome: AblationOutcome, context: ReportContext): string {
  const dir = join(outcome.root, 'report');
  mkdirSync(dir, { recursive: true });
  const ablation = outcome.rows.filter((r) => r.table === 'ablation');
  const losses = outcome.rows.filter((r) => r.table === 'loss');
  const cpu = cpus();
  const calibrated = calibratedRowsPhrase(outcome.rows);
  const lines = [
    `# Ablation: ${outcome.root.split(/[\\/]/).pop()}`,
    '',
    `- command: \`${context.command}\``,
    `- machine: ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length} cores, ${platform()} ${release()}; TensorFlow.js backend ${context.backend}`,
    `- ${context.encoder}`,
    `- wall time: ${context.wallSeconds.toFixed(0)} s for this command; ${runsLine(outcome, context.trainedBy ?? 'it')}`,
    ...missingNotes(outcome),
    '- metrics on the validation set; macro-F1 and exact match over the labels the validation data annotates; "n/a": the data has no such label',
    ...(calibrated ? [`- ${calibrated} choose thresholds on the same validation set they are scored on, so their validation figures are optimistic`] : []),
    ...handwrittenNotes(outcome.slices, [...outcome.runs.values()][0]?.scores.labels ?? [], slicesLabels(outcome), calibrated),
    ...baselineNotes(outcome.baseline, outcome.slices),
  ];
  if (outcome.kept) {
    const thresholds = Object.entries(outcome.kept.thresholds).map(([label, t]) => `${label} ${t.toFixed(2)}`).join(', ');
    lines.push(
      `- best model: run ${outcome.kept.run} (validation macro-F1 ${outcome.kept.macroF1.toFixed(3)} at 0.5), kept in ` +
        `\`${relative(process.cwd(), outcome.kept.dir) || '.'}\` with calibrated thresholds (${thresholds}) and onnx/ (fp32 + int8)`,
    );
  }
  lines.push('');
  const tableOf = (rows: typeof ablation) =>
    table(
      [...rows.map((r) => ({ ...r, label: `${r.id}: ${r.title}` })), { ...outcome.baseline, label: `${outcome.baseline.id}: ${outcome.baseline.title}` }],
      outcome.slices,
    );
  if (ablation.length > 0) lines.push('## Ablation', '', ...tableOf(ablation), '');
  if (losses.length > 0) lines.push('## Loss comparison (ULMFiT + discriminative LR, threshold 0.5)', '', ...tableOf(losses), '');
  lines.push('## Training curves', '');
  for (const run of outcome.runs.values()) {
    const source = join(run.dir, RUN_FILES.curves);
    if (!existsSync(source)) continue;
    copyFileSync(source, join(dir, `curves-${run.id}.svg`));
    lines.push(`### ${run.id}`, '', `![training curves of ${run.id}](curves-${run.id}.svg)`, '');
  }
  const final = outcome.rows[ablation.length > 0 ? ablation.length - 1 : outcome.rows.length - 1];
  if (final) {
    const scores = outcome.runs.get(final.run)!.scores;
    lines.push(`## Thresholds and precision/recall of the final row (${final.id}, model of run ${final.run})`, '');
    for (const file of labelPlots(scores, dir)) lines.push(`![${file}](${file})`);
    lines.push('');
  }
  const path = join(dir, 'README.md');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** The planned runs without a row file, when the outcome was collected from row files. */
function missingNotes(outcome: AblationOutcome): string[] {
  if (outcome.missing.length === 0) return [];
  const listed = outcome.missing.map((m) => `row ${m.index} (run ${m.run}: ${m.rows.join(', ')})`).join('; ');
  return [`- INCOMPLETE: ${outcome.missing.length} of ${outcome.missing.length + outcome.runs.size} rows have no row file, and their table lines are left out: ${listed}`];
}

/** How many runs were trained now or reused, and their training time in all (each run's own measurement). */
function runsLine(outcome: AblationOutcome, trainedBy: string): string {
  const runs = [...outcome.runs.values()];
  const reused = runs.filter((r) => r.reused).length;
  const training = runs.reduce((sum, r) => sum + r.summary.trainSeconds, 0);
  return (
    `${runs.length - reused} run(s) trained by ${trainedBy} and ${reused} reused from an earlier invocation; ` +
    `training time of all ${runs.length} runs: ${training.toFixed(0)} s`
  );
}

/** The labels the hand-written columns average over (the first run's model labels the slices annotate). */
function slicesLabels(outcome: AblationOutcome): string[] {
  const [run] = outcome.runs.values();
  const [slice] = outcome.slices;
  return run && slice ? scoredLabels(run.labels, slice) : [];
}

function baselineNotes(baseline: BaselineResult, slices: readonly HandwrittenSliceData[]): string[] {
  const own = [
    `validation ${baseline.ownRule.validation.toFixed(3)}`,
    ...slices.flatMap((s) => baseline.ownRule.handwritten.filter((h) => h.slice === s.slice).map((h) => `hw ${h.slice} ${h.macroF1.toFixed(3)}`)),
  ].join(', ');
  return [
    `- ${baseline.id}: trained on the ${baseline.trainExamples} training examples of run ${baseline.run}` +
      `${baseline.sameTrainingSet ? ' (every run trained and validated on the same examples)' : ' (NOTE: an override gave some runs other training or validation examples)'}` +
      `, scored on the same validation examples${slices.length > 0 ? ' and hand-written slices' : ''}; ` +
      'decided like the model rows at 0.5 (a label is on when its probability is ≥ 0.5, nothing else); ' +
      'its training time is the fit of the vectoriser and classifiers, its latency the in-process JavaScript predictProba of one message (not ONNX Runtime)',
    `- ${baseline.id} with its own rule (evaluateBaseline: the most probable label when none reaches 0.5, neutral dropped beside another label; ` +
      `macro-F1 over the labels with positives): ${own}`,
  ];
}

function table(rows: readonly TableLine[], slices: readonly HandwrittenSliceData[]): string[] {
  const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
  const columns = [...COLUMNS, ...slices.flatMap((s) => sliceColumns(s.slice))];
  return [
    `| ${columns.join(' | ')} |`,
    `|${columns.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => {
      const handwritten = slices.flatMap((s) => {
        const m = r.handwritten.find((h) => h.slice === s.slice)!.metrics;
        return [f(m.macroF1), f(m.frustrationRecall), f(m.frustrationPrecision)];
      });
      const cells = [r.label, f(r.metrics.macroF1), f(r.metrics.frustrationRecall), f(r.metrics.churnF1), f(r.metrics.exactMatch)];
      return `| ${[...cells, r.trainSeconds.toFixed(1), r.latencyMs.toFixed(2), ...handwritten].join(' | ')} |`;
    }),
  ];
}

/** One threshold sweep and one precision/recall curve per label; returns the file names (relative to `dir`). */
function labelPlots(scores: ValidationScores, dir: string): string[] {
  const columns = labelScoresOf(scores);
  return calibrateScores(scores).flatMap((result, j) => {
    const sweep = `threshold-${result.label}.svg`;
    writeFileSync(
      join(dir, sweep),
      renderThresholdPlotSvg({ label: result.label, curve: thresholdCurve(columns[j]!, result.beta), beta: result.beta, threshold: result.threshold }),
    );
    const pr = `pr-${result.label}.svg`;
    writeFileSync(
      join(dir, pr),
      renderCurvesSvg([
        {
          title: `${result.label}: precision vs recall`,
          xLabel: 'recall',
          yRange: [0, 1],
          series: [{ name: 'precision', color: '#1f77b4', points: precisionRecallCurve(scores, result.label), markers: false }],
        },
      ]),
    );
    return [relative(dir, join(dir, sweep)), relative(dir, join(dir, pr))];
  });
}
