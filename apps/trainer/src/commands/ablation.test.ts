import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LABELS } from '@mangaassist/common';
import { evaluateBaseline, multiLabelMetrics, readDataset, trainTfidfBaseline, type Example } from '@mangaassist/data';
import { OnnxTextClassifier } from '@mangaassist/serving';
import { thresholdMapOf } from '@mangaassist/thresholds';
import { loadAblationConfig } from './ablation/ablation-config';
import { splitScores } from '@mangaassist/pipelines';
import { applyDecision, calibrateScores, decisionRule, rowMetrics, type ValidationScores } from './ablation/ablation-evaluate';
import { writeAblationReport } from './ablation/ablation-report';
import { ablationRow } from './ablation/ablation-rows';
import { scoreRows } from './ablation/ablation-runner';
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

describe('ablation config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ablation-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it.each([
    ['unknown row id', 'corpus: { examples: 100 }\nrows: [head-only, warp-drive]\n', /rows\.1[\s\S]*head-only/],
    ['unknown loss row', 'corpus: { examples: 100 }\nlossRows: [focal-g7]\n', /lossRows\.0[\s\S]*focal-g2-alpha/],
    ['neither data nor corpus', 'rows: [head-only]\n', /base\.data[\s\S]*corpus/],
    ['both data and corpus', 'corpus: { examples: 100 }\nbase: { data: { train: { path: t.jsonl } } }\n', /either corpus or base\.data/],
    ['an outDir in the base', 'corpus: { examples: 100 }\nbase: { training: { outDir: x } }\n', /base\.training\.outDir/],
    ['a row listed twice', 'corpus: { examples: 100 }\nrows: [head-only, head-only]\n', /rows\.1[\s\S]*listed twice/],
    ['a negative limit', 'corpus: { examples: 100 }\nlimitExamples: -3\n', /limitExamples/],
    ['an unknown key', 'corpus: { examples: 100 }\nepochz: 2\n', /epochz/],
    ['a bad base job section', 'corpus: { examples: 100 }\nbase: { optimizer: { baseLr: -1 } }\n', /base job[\s\S]*optimizer\.baseLr/],
    ['an unknown hand-written slice', 'corpus: { examples: 100 }\nhandwritten: { slices: [dev, test] }\n', /handwritten\.slices\.1[\s\S]*holdout/],
    ['a slice listed twice', 'corpus: { examples: 100 }\nhandwritten: { slices: [final, final] }\n', /handwritten\.slices\.1[\s\S]*listed twice/],
    ['an unknown key in handwritten', 'corpus: { examples: 100 }\nhandwritten: { slice: [dev] }\n', /handwritten[\s\S]*slice/],
  ])('rejects %s, naming the file and the path', (_name, text, message) => {
    const file = write('bad.yaml', text);
    let error: unknown;
    try {
      loadAblationConfig(file, {});
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(message);
  });

  it('takes its name from the file and fills the defaults', () => {
    const config = loadAblationConfig(write('my-ablation.yaml', 'corpus: { examples: 100 }\n'), {});
    expect(config.name).toBe('my-ablation');
    expect(config.rows).toHaveLength(7);
    expect(config.lossRows).toHaveLength(7);
    expect(config.latency).toEqual({ runs: 50, tokens: 24 });
    expect(config.handwritten).toEqual({ slices: ['dev'] });
    expect(loadAblationConfig(write('no-hw.yaml', 'corpus: { examples: 100 }\nhandwritten: { slices: [] }\n'), {}).handwritten.slices).toEqual([]);
    expect(loadAblationConfig(write('hw.yaml', 'corpus: { examples: 100 }\nhandwritten: { slices: [final, holdout] }\n'), {}).handwritten.slices).toEqual(['final', 'holdout']);
  });
});

describe('row decision rules on another split', () => {
  // Validation: positives at 0.3, negatives at 0.1, so the calibrated thresholds lie in (0.1, 0.3].
  // Slice: positives at 0.45, negatives at 0.35 and 0.02 — nothing at 0.5, false alarms at the validation thresholds,
  // perfect separation only at the slice's own optimum (0.35, 0.45].
  const labels = [...DEFAULT_LABELS];
  const scores = (rows: readonly (readonly [string, number, number])[]): ValidationScores => {
    const examples: Example[] = [];
    const probabilities: Float32Array[] = [];
    for (const [label, positive, negative] of rows) {
      examples.push({ text: `a ${label} message`, labels: [label] });
      probabilities.push(Float32Array.from(labels, (l) => (l === label ? positive : negative)));
    }
    return splitScores(examples, labels, probabilities);
  };
  const validation = scores(labels.flatMap((label) => [[label, 0.3, 0.1], [label, 0.3, 0.1]] as const));
  const slice = scores(labels.flatMap((label, i) => [[label, 0.45, i % 2 === 0 ? 0.35 : 0.02], [label, 0.45, 0.02]] as const));
  const churn = { phrases: ['cancel'], boost: 0.35 };

  it('scores a calibrated row with the thresholds chosen on validation, not 0.5 and not the slice optimum', () => {
    const rule = decisionRule('calibrated', validation, churn);
    expect(Object.keys(rule.thresholds).sort()).toEqual([...labels].sort());
    for (const t of Object.values(rule.thresholds)) expect(t > 0.1 && t <= 0.3).toBe(true);
    const onSlice = applyDecision(slice, rule);
    expect(onSlice).toEqual(rowMetrics(slice, rule.thresholds));
    expect(onSlice.frustrationRecall).toBe(1);
    expect(onSlice.frustrationPrecision).toBeLessThan(1);
    expect(onSlice.macroF1).not.toBeCloseTo(rowMetrics(slice, {}).macroF1, 6);
    expect(rowMetrics(slice, {}).frustrationRecall).toBe(0);
    const sliceOptimum = rowMetrics(slice, thresholdMapOf(calibrateScores(slice)));
    expect(sliceOptimum.macroF1).toBe(1);
    expect(onSlice.macroF1).toBeLessThan(1);
  });

  it('fixes each row\'s rule on its run\'s validation scores and applies it unchanged to the slices (scoreRows)', () => {
    const run = { scores: validation, handwritten: [{ slice: 'dev' as const, scores: slice }], latencyMs: 1, summary: { trainSeconds: 2 } };
    const rows = (['focal-loss', 'threshold-optimisation', 'churn-boost'] as const).map((id) => ({ table: 'ablation' as const, row: ablationRow(id, 2.6) }));
    const [atHalf, optimised, boosted] = scoreRows(rows, new Map([['focal-loss', run]]), churn);
    const calibrated = thresholdMapOf(calibrateScores(validation));
    expect(optimised!.rule.thresholds).toEqual(calibrated);
    expect(optimised!.metrics).toEqual(rowMetrics(validation, calibrated));
    expect(optimised!.handwritten).toEqual([{ slice: 'dev', metrics: rowMetrics(slice, calibrated) }]);
    expect(optimised!.handwritten[0]!.metrics).not.toEqual(rowMetrics(slice, {}));
    expect(optimised!.handwritten[0]!.metrics).not.toEqual(rowMetrics(slice, thresholdMapOf(calibrateScores(slice))));
    expect(atHalf!.handwritten[0]!.metrics).toEqual(rowMetrics(slice, {}));
    expect(boosted!.rule).toEqual({ thresholds: calibrated, churn });
    expect(scoreRows.bind(null, rows, new Map(), churn)).toThrow(/needs run focal-loss/);
  });

  it('adds the churn rule only to the churn-boost row, and nothing at 0.5', () => {
    const withPhrase = splitScores([{ text: 'i will cancel', labels: ['churn_risk'] }], labels, [Float32Array.from(labels, () => 0.05)]);
    expect(decisionRule('threshold-0.5', validation, churn)).toEqual({ thresholds: {}, churn: null });
    expect(decisionRule('calibrated', validation, churn).churn).toBeNull();
    const boosted = decisionRule('calibrated+churn-boost', validation, churn);
    expect(boosted.churn).toEqual(churn);
    expect(boosted.thresholds).toEqual(decisionRule('calibrated', validation, churn).thresholds);
    // 0.05 + 0.35 = 0.40 clears the calibrated churn_risk threshold (≤ 0.3); without the rule nothing is predicted.
    expect(multiLabelMetrics([[0, 0, 0, 0, 1, 0]], withPhrase.targets, labels).exactMatch).toBe(1);
    expect(applyDecision(withPhrase, boosted).exactMatch).toBe(1);
    expect(applyDecision(withPhrase, decisionRule('calibrated', validation, churn)).exactMatch).toBe(0);
  });
});

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
