import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LABELS } from '@mangaassist/common';
import { evaluateBaseline, multiLabelMetrics, readDataset, trainTfidfBaseline, type Example } from '@mangaassist/data';
import { OnnxTextClassifier } from '@mangaassist/serving';
import { thresholdMapOf } from '@mangaassist/thresholds';
import { calibrateScores, rowMetrics, writeAblationReport } from '@mangaassist/pipelines';
import { runAblationCommand } from './ablation';
import { writeTinyEncoder } from './__tests__/tiny-encoder';

const WORDS = ['late', 'again', 'love', 'this', 'where', 'is', 'my', 'order', 'confused', 'how', 'cancel', 'fine'];

function writeData(path: string, n: number, offset: number): void {
  const kinds = [
    { text: 'late again where is my order', labels: ['frustration', 'urgency'] },
    { text: 'i love this fine', labels: ['satisfaction'] },
    { text: 'how is this confused', labels: ['confusion'] },
    { text: 'cancel my order again', labels: ['churn_risk', 'frustration'] },
    { text: 'this is my order', labels: ['neutral'] },
  ];
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify(kinds[(i + offset) % kinds.length]));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

describe('ablation, end to end on a tiny model', () => {
  const root = mkdtempSync(join(tmpdir(), 'ablation-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes both tables with one line per row, the plots, and reuses finished rows', async () => {
    writeTinyEncoder(join(root, 'encoder'), { words: WORDS, maxPositions: 32 });
    writeData(join(root, 'train.jsonl'), 40, 0);
    writeData(join(root, 'validation.jsonl'), 15, 2);
    const configPath = join(root, 'tiny.yaml');
    writeFileSync(
      configPath,
      [
        `outRoot: ${join(root, 'runs')}`,
        'base:',
        `  model: { pretrained: ${join(root, 'encoder')}, maxLength: 12, head: { hiddenDim: 8, dropout: 0.1, innerDropout: 0.1 } }`,
        `  data: { train: { path: ${join(root, 'train.jsonl')} }, validation: { path: ${join(root, 'validation.jsonl')} } }`,
        '  schedule: { lr: { id: constant } }',
        '  optimizer: { baseLr: 0.001 }',
        '  training: { batchSize: 8 }',
        'epochs: 1',
        'rows: [head-only, focal-loss, threshold-optimisation, churn-boost]',
        'lossRows: [bce, focal-g3]',
        'latency: { runs: 3, tokens: 10 }',
        'handwritten: { slices: [dev, final] }',
        `keepBest: ${join(root, 'kept', 'model')}`,
      ].join('\n'),
    );
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const first = await runAblationCommand({ config: configPath, backend: 'cpu' });
      const report = readFileSync(first.report, 'utf8');
      const section = (title: string) => report.split(`## ${title}`)[1]!.split('\n## ')[0]!;
      const lines = (text: string) => text.split('\n').filter((l) => /^\| [a-z]/.test(l) && !l.startsWith('| row'));
      expect(lines(section('Ablation')).map((l) => l.split(':')[0])).toEqual([
        '| head-only',
        '| focal-loss',
        '| threshold-optimisation',
        '| churn-boost',
        '| tfidf-baseline',
      ]);
      expect(lines(section('Loss comparison')).map((l) => l.split(':')[0])).toEqual(['| bce', '| focal-g3', '| tfidf-baseline']);
      const hw = (slice: string) => `hw ${slice} macro-F1 | hw ${slice} frustration recall | hw ${slice} frustration precision`;
      expect(report).toContain(`macro-F1 | frustration recall | churn_risk F1 | exact match | training time (s) | P50 latency (ms) | ${hw('dev')} | ${hw('final')} |`);
      for (const l of [...lines(section('Ablation')), ...lines(section('Loss comparison'))]) {
        expect(l.split('|').slice(2, -1).every((cell) => /^ (\d+\.\d+|n\/a) $/.test(cell))).toBe(true);
        expect(l.split('|')).toHaveLength(15); // 7 + 2 × 3 columns
      }
      const cells = (table: string, id: string) => lines(section(table)).find((l) => l.startsWith(`| ${id}:`))!.split('|').slice(2, -1).map((c) => c.trim());
      expect(report).toMatch(/dev \(227 messages, @mangaassist\/data fixtures\/handwritten-eval\.jsonl; used while tuning [^)]*optimistic\)/);
      expect(report).toMatch(/final \(81 messages, @mangaassist\/data fixtures\/handwritten-final\.jsonl; never used to tune anything/);

      // The hand-written columns: each run's ONNX model on the slice (checked against a separate prediction), decided
      // with the row's rule. The threshold rows use the thresholds calibrated on validation, not the slice's own.
      const dev = readDataset(join(__dirname, '..', '..', '..', '..', 'packages', 'data', 'fixtures', 'handwritten-eval.jsonl')).dataset.examples;
      const focal = first.outcome.runs.get('focal-loss')!;
      const devScores = focal.handwritten.find((h) => h.slice === 'dev')!.scores;
      expect(devScores.labels).toEqual([...DEFAULT_LABELS]);
      expect(devScores.texts).toEqual(dev.map((e) => e.text));
      const classifier = await OnnxTextClassifier.load(focal.modelDir);
      try {
        const direct = await classifier.predict(dev.slice(0, 5).map((e) => e.text));
        direct.forEach((row, i) => DEFAULT_LABELS.forEach((label, j) => expect(devScores.probabilities[i]![j]).toBeCloseTo(row[classifier.labels.indexOf(label)]!, 5)));
      } finally {
        await classifier.dispose();
      }
      const validationThresholds = thresholdMapOf(calibrateScores(focal.scores));
      const byId = (id: string) => first.outcome.rows.find((r) => r.id === id)!;
      const optimised = byId('threshold-optimisation');
      expect(optimised.rule.thresholds).toEqual(validationThresholds);
      const expectedDev = rowMetrics(devScores, validationThresholds);
      expect(optimised.handwritten.find((h) => h.slice === 'dev')!.metrics).toEqual(expectedDev);
      expect(expectedDev).not.toEqual(rowMetrics(devScores, {}));
      // The tiny random encoder gives every message the same probabilities, so here the slice's own optimum would
      // coincide with validation's; 'scoreRows' above separates the two on scores where they differ.
      expect(cells('Ablation', 'threshold-optimisation').slice(6, 9)).toEqual(
        [expectedDev.macroF1, expectedDev.frustrationRecall!, expectedDev.frustrationPrecision!].map((v) => v.toFixed(3)),
      );
      expect(byId('focal-loss').handwritten.find((h) => h.slice === 'dev')!.metrics).toEqual(rowMetrics(devScores, {}));
      expect(byId('churn-boost').rule.churn).not.toBeNull();
      expect(byId('churn-boost').rule.thresholds).toEqual(validationThresholds);

      // The TF-IDF baseline: trained on the runs' 40 training examples, decided at 0.5 like the rows (checked by an
      // independent fit), and with its own rule as evaluateBaseline scores it.
      const readExamples = (file: string) => readDataset(join(root, file)).dataset.examples;
      const baseline = trainTfidfBaseline(readExamples('train.jsonl'), DEFAULT_LABELS);
      const validation = readExamples('validation.jsonl');
      const atHalfOf = (examples: readonly Example[]) =>
        multiLabelMetrics(
          baseline.predictProba(examples.map((e) => e.text)).map((row) => Uint8Array.from(row, (p) => (p >= 0.5 ? 1 : 0))),
          examples.map((e) => Uint8Array.from(DEFAULT_LABELS, (label) => (e.labels.includes(label) ? 1 : 0))),
          DEFAULT_LABELS,
        );
      const result = first.outcome.baseline;
      expect(result.trainExamples).toBe(40);
      expect(result.sameTrainingSet).toBe(true);
      expect(result.metrics.macroF1).toBeCloseTo(atHalfOf(validation).macroF1, 10);
      expect(result.metrics.frustrationRecall).toBeCloseTo(atHalfOf(validation).perLabel.frustration!.recall, 10);
      expect(result.handwritten.find((h) => h.slice === 'dev')!.metrics.macroF1).toBeCloseTo(atHalfOf(dev).macroF1, 10);
      expect(result.ownRule.validation).toBeCloseTo(evaluateBaseline(baseline, { examples: validation, coveredLabels: [...DEFAULT_LABELS] }).macroF1, 10);
      expect(result.ownRule.handwritten[0]).toMatchObject({ slice: 'dev' });
      expect(result.ownRule.handwritten[0]!.macroF1).toBeCloseTo(evaluateBaseline(baseline, { examples: dev, coveredLabels: [...DEFAULT_LABELS] }).macroF1, 10);
      for (const table of ['Ablation', 'Loss comparison']) {
        expect(cells(table, 'tfidf-baseline')[0]).toBe(result.metrics.macroF1.toFixed(3));
        expect(cells(table, 'tfidf-baseline')[6]).toBe(result.handwritten[0]!.metrics.macroF1.toFixed(3));
      }
      expect(report).toContain(`tfidf-baseline with its own rule`);
      expect(report).toContain(`validation ${result.ownRule.validation.toFixed(3)}, hw dev ${result.ownRule.handwritten[0]!.macroF1.toFixed(3)}`);

      // An empty slice list leaves the columns out.
      const bare = writeAblationReport({ ...first.outcome, root: join(root, 'bare'), slices: [] }, { command: 'x', encoder: 'y', backend: 'cpu', wallSeconds: 1 });
      const bareReport = readFileSync(bare, 'utf8');
      expect(bareReport).not.toContain('hw dev');
      expect(bareReport).toContain('| exact match | training time (s) | P50 latency (ms) |\n');
      // head-only, focal-loss (shared by churn-boost), gradual-unfreezing (the bce row) and focal-g3: four runs.
      expect([...first.outcome.runs.keys()].sort()).toEqual(['focal-g3', 'focal-loss', 'gradual-unfreezing', 'head-only']);
      expect([...first.outcome.runs.values()].every((r) => !r.reused)).toBe(true);
      for (const file of ['curves-head-only.svg', 'threshold-frustration.svg', 'pr-churn_risk.svg']) {
        expect(existsSync(join(first.outcome.root, 'report', file))).toBe(true);
      }
      expect(readFileSync(join(first.outcome.root, 'rows', 'focal-loss', 'config.json'), 'utf8')).toContain('"alpha"');

      // The kept model is the run with the best macro-F1 at 0.5, in the quickstart's layout, thresholds calibrated.
      const atHalf = [...first.outcome.runs.values()].map((run) => ({ id: run.id, f1: rowMetrics(run.scores, {}).macroF1 }));
      const best = Math.max(...atHalf.map((r) => r.f1));
      expect(first.outcome.kept).toMatchObject({ run: atHalf.find((r) => r.f1 === best)!.id, macroF1: best, dir: join(root, 'kept', 'model') });
      for (const file of ['config.json', 'model.safetensors', 'tokenizer.json', 'thresholds.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx']) {
        expect(existsSync(join(root, 'kept', 'model', file))).toBe(true);
      }
      const thresholds = JSON.parse(readFileSync(join(root, 'kept', 'model', 'thresholds.json'), 'utf8')) as { thresholds: Record<string, number> };
      expect(thresholds.thresholds).toEqual(first.outcome.kept!.thresholds);
      expect(Object.keys(thresholds.thresholds).sort()).toEqual(['churn_risk', 'confusion', 'frustration', 'neutral', 'satisfaction', 'urgency']);
      expect(report).toContain(`best model: run ${first.outcome.kept!.run}`);
      expect(report).toMatch(/4 run\(s\) trained by it and 0 reused from an earlier invocation; training time of all 4 runs: \d+ s/);
      // Progress: one line per epoch, tagged with the run.
      expect(stderr.mock.calls.map((call) => String(call[0])).join('')).toMatch(/^\[focal-g3\] epoch 1: groups/m);

      const second = await runAblationCommand({ config: configPath, backend: 'cpu' });
      expect([...second.outcome.runs.values()].every((r) => r.reused)).toBe(true);
      expect(readFileSync(second.report, 'utf8')).toContain('0 run(s) trained by it and 4 reused from an earlier invocation');
      expect(second.outcome.rows.map((r) => [r.metrics, r.handwritten])).toEqual(first.outcome.rows.map((r) => [r.metrics, r.handwritten]));
      expect(second.outcome.baseline.metrics).toEqual(first.outcome.baseline.metrics);
    } finally {
      stderr.mockRestore();
    }
  }, 120_000);
});
