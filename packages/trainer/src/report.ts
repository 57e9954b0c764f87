import { join } from 'node:path';
import { atomicWriteFile } from './atomic-file';
import { describeKeptModel, keptEpoch } from './kept-model';
import { renderCurvesSvg } from './svg-curves';
import type { EpochRecord, MetricsRecord, StepRecord, TrainSummary } from './train-records';

const BLUE = '#1f77b4';
const ORANGE = '#ff7f0e';
const GREEN = '#2ca02c';

/**
 * Writes the run's report: `curves.svg` (training loss per logged step with validation loss per epoch, and
 * validation macro-F1 per epoch) and `report.md` (per-epoch table, the best epoch's per-label metrics, the curves).
 *
 * @example
 * ```ts
 * writeReport('runs/train', summary, MetricsLog.read('runs/train/metrics.jsonl'));
 * ```
 */
export function writeReport(runDir: string, summary: TrainSummary, records: readonly MetricsRecord[]): void {
  const steps = records.filter((r): r is StepRecord => r.type === 'step');
  const epochs = summary.history;
  const epochEnd = (e: EpochRecord) => epochs.slice(0, epochs.indexOf(e) + 1).reduce((sum, r) => sum + r.steps, 0);
  atomicWriteFile(
    join(runDir, 'curves.svg'),
    renderCurvesSvg([
      {
        title: 'Loss',
        xLabel: 'optimizer step',
        series: [
          { name: 'train (logged steps)', color: BLUE, points: steps.map((s) => [s.globalStep, s.loss]) },
          { name: 'validation', color: ORANGE, markers: true, points: epochs.map((e) => [epochEnd(e), e.validation.loss ?? NaN]) },
        ],
      },
      {
        title: 'Validation macro-F1',
        xLabel: 'epoch',
        yRange: [0, 1],
        series: [{ name: 'macro-F1', color: GREEN, markers: true, points: epochs.map((e) => [e.epoch, e.validation.macroF1]) }],
      },
    ]),
  );
  atomicWriteFile(join(runDir, 'report.md'), renderMarkdown(summary));
}

function renderMarkdown(summary: TrainSummary): string {
  const head = summary.layerGroups.at(-1) ?? 'head';
  const f = (x: number | undefined, digits = 4) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
  const lines = [
    '# Training report',
    '',
    `- stop reason: **${summary.stopReason}** after ${summary.epochs} epoch(s), ${summary.globalStep} optimizer steps`,
    `- training examples: ${summary.trainExamples}; validation examples: ${summary.validationExamples}`,
    `- evaluated labels: ${summary.evalLabels.join(', ')}`,
    `- layer groups (first to last): ${summary.layerGroups.join(', ')}`,
    `- training time: ${summary.trainSeconds.toFixed(1)} s`,
    summary.best
      ? `- best validation macro-F1: **${f(summary.best.macroF1)}** at epoch ${summary.best.epoch}` +
        (summary.bestModelDir === null ? '' : ' (model in `best-model/`)')
      : '- no validation yet',
    `- ${describeKeptModel(summary)}`,
    '',
    '![training curves](curves.svg)',
    '',
    '## Epochs',
    '',
    '| epoch | trainable groups | head lr | steps | train loss | val loss | macro-F1 | exact match | Hamming loss | s |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...summary.history.map(
      (e) =>
        `| ${e.epoch}${e.improved ? ' *' : ''} | ${e.groups.join(', ')} | ${e.learningRates[head]?.toExponential(2) ?? '–'} | ${e.steps} | ` +
        `${f(e.trainLoss)} | ${f(e.validation.loss)} | ${f(e.validation.macroF1)} | ${f(e.validation.exactMatch)} | ` +
        `${f(e.validation.hammingLoss)} | ${e.seconds.toFixed(1)} |`,
    ),
    '',
    '`*` new best macro-F1.',
  ];
  const perLabel = (title: string, record: EpochRecord) =>
    lines.push(
      '',
      `## ${title} per label`,
      '',
      '| label | precision | recall | F1 | support |',
      '|---|---:|---:|---:|---:|',
      ...Object.entries(record.validation.perLabel).map(([label, m]) => `| ${label} | ${f(m.precision)} | ${f(m.recall)} | ${f(m.f1)} | ${m.support} |`),
    );
  if (summary.best) perLabel(`Best epoch (${summary.best.epoch})`, summary.best.record);
  // Under last-epoch the kept model is another epoch's: its validation figures are the ones that describe it.
  const kept = keptEpoch(summary);
  const keptRecord = summary.history.find((e) => e.epoch === kept);
  if (keptRecord && kept !== summary.best?.epoch) perLabel(`Kept epoch (${kept}, validation)`, keptRecord);
  return `${lines.join('\n')}\n`;
}
