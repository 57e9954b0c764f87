import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDuration, progressLine, createConsoleReporter } from './console-reporter';
import { writeReport } from './report';
import { renderCurvesSvg } from './svg-curves';
import type { EpochRecord, StepRecord, TrainSummary } from './train-records';

const epoch = (n: number, f1: number): EpochRecord => ({
  type: 'epoch',
  epoch: n,
  groups: ['head'],
  learningRates: { head: 3e-5 },
  steps: 10,
  trainLoss: 0.5 / n,
  validation: { n: 5, loss: 0.6 / n, macroF1: f1, exactMatch: 0.2, hammingLoss: 0.1, perLabel: { a: { precision: 1, recall: 0.5, f1: 2 / 3, support: 2, predicted: 1 } } },
  improved: true,
  seconds: 1.5,
});
const step = (globalStep: number): StepRecord => ({
  type: 'step',
  epoch: 1,
  step: globalStep - 1,
  globalStep,
  stepsPerEpoch: 10,
  loss: 1 / globalStep,
  gradNorm: 0.3,
  lr: { head: 3e-5 },
  examplesPerSecond: 12.5,
});
const summary: TrainSummary = {
  runDir: '/tmp/x',
  stopReason: 'completed',
  epochs: 2,
  globalStep: 20,
  trainExamples: 80,
  validationExamples: 5,
  evalLabels: ['a'],
  layerGroups: ['embeddings', 'layer_0', 'layer_1_2', 'layer_3', 'head'],
  best: { epoch: 2, macroF1: 0.61, record: epoch(2, 0.61) },
  trainSeconds: 3,
  history: [epoch(1, 0.4), epoch(2, 0.61)],
  bestModelDir: '/tmp/x/best-model',
  modelSelection: 'best-validation',
  modelDir: '/tmp/x/best-model',
};

describe('report', () => {
  it('writes curves and a Markdown summary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainer-report-'));
    writeReport(dir, summary, [step(1), step(2), step(10), ...summary.history]);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('best validation macro-F1: **0.6100** at epoch 2');
    expect(md).toContain('- layer groups (first to last): embeddings, layer_0, layer_1_2, layer_3, head');
    expect(md).toContain('| 2 * | head | 3.00e-5 | 10 | 0.2500 | 0.3000 | 0.6100 |');
    expect(md).toContain('| a | 1.0000 | 0.5000 | 0.6667 | 2 |');
    const svg = readFileSync(join(dir, 'curves.svg'), 'utf8');
    expect(svg.match(/<polyline/g)).toHaveLength(3);
    expect(svg).toContain('Validation macro-F1');
  });

  it('says which model was kept and why, with the kept epoch\'s per-label figures when it is not the best one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainer-report-'));
    writeReport(dir, summary, summary.history);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain(
      '- model kept: best validation epoch (2) in best-model/, modelSelection best-validation; best validation macro-F1 0.6100 at epoch 2',
    );
    const lastEpoch: TrainSummary = {
      ...summary,
      best: { epoch: 1, macroF1: 0.4, record: epoch(1, 0.4) },
      bestModelDir: null,
      modelSelection: 'last-epoch',
      modelDir: '/tmp/x/last-model',
    };
    writeReport(dir, lastEpoch, lastEpoch.history);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('- model kept: last epoch (2) in last-model/, modelSelection last-epoch; best validation macro-F1 0.4000 at epoch 1');
    expect(md).toContain('best validation macro-F1: **0.4000** at epoch 1\n'); // no best-model/ was written
    expect(md).toContain('## Kept epoch (2, validation) per label');
  });

  it('renders an SVG with one polyline per series, skipping non-finite points and escaping text', () => {
    const svg = renderCurvesSvg([
      { title: 'a < b', xLabel: 'x', series: [{ name: 's&t', color: 'red', points: [[0, 1], [1, NaN], [2, 3]] }] },
    ]);
    expect(svg).toContain('a &lt; b');
    expect(svg).toContain('s&amp;t');
    expect(svg.match(/<polyline[^>]*points="([^"]*)"/)![1]!.split(' ')).toHaveLength(2);
  });
});

describe('console reporter', () => {
  it('formats durations', () => {
    expect([formatDuration(5), formatDuration(65), formatDuration(3725), formatDuration(Infinity)]).toEqual(['0:05', '1:05', '1:02:05', '?']);
  });

  it('draws a progress line with epoch, step, loss, speed and ETA', () => {
    expect(progressLine({ ...step(5), step: 4 }, 4, 80, 100)).toBe('epoch 1/4 [###############...............] 5/10 loss 0.2000 12.5 ex/s ETA 1:20');
  });

  it('draws the bar only on a TTY but always prints epochs', () => {
    const write = (isTTY: boolean) => {
      let out = '';
      const reporter = createConsoleReporter({ isTTY, columns: 120, write: (t: string) => (out += t) });
      void reporter.onStart!({ epochs: 2, stepsPerEpoch: 10, totalSteps: 20, trainExamples: 80, batchSize: 8, layerGroups: summary.layerGroups });
      void reporter.onStep!(step(10));
      void reporter.onEpoch!(epoch(1, 0.4));
      void reporter.onEnd!(summary);
      return out;
    };
    expect(write(true)).toContain('ETA');
    expect(write(false)).not.toContain('ETA');
    expect(write(false)).toContain('epoch 1: groups [head], train loss 0.5000, val loss 0.6000, macro-F1 0.4000');
    expect(write(false)).toContain('done (completed): best macro-F1 0.6100 at epoch 2');
  });

  it('ends with a line saying which model was kept and why', () => {
    let out = '';
    const reporter = createConsoleReporter({ write: (t: string) => (out += t) }, { label: 'row' });
    void reporter.onEnd!({ ...summary, best: { epoch: 1, macroF1: 0.8404, record: epoch(1, 0.8404) }, bestModelDir: null, modelSelection: 'last-epoch', modelDir: '/tmp/x/last-model' });
    expect(out).toContain('[row] model kept: last epoch (2) in last-model/, modelSelection last-epoch; best validation macro-F1 0.8404 at epoch 1\n');
  });
});
