import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LABELS, trainJobConfigSchema } from '@mangaassist/common';
import { multiLabelMetrics, type Example } from '@mangaassist/data';
import { thresholdMapOf } from '@mangaassist/thresholds';
import { splitScores } from '../predict-split';
import { baseJob, loadAblationConfig } from './ablation-config';
import { applyDecision, calibrateScores, decisionRule, rowMetrics, type ValidationScores } from './ablation-evaluate';
import { ablationRow } from './ablation-rows';
import { scoreRows } from './ablation-runner';

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
    ['an unknown hand-written slice', 'corpus: { examples: 100 }\nhandwritten: { slices: [dev, nope] }\n', /handwritten\.slices\.1[\s\S]*holdout/],
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
    expect(config.rows).toHaveLength(8);
    expect(config.lossRows).toHaveLength(7);
    expect(config.latency).toEqual({ runs: 50, tokens: 24 });
    expect(config.handwritten).toEqual({ slices: ['dev'] });
    expect(loadAblationConfig(write('no-hw.yaml', 'corpus: { examples: 100 }\nhandwritten: { slices: [] }\n'), {}).handwritten.slices).toEqual([]);
    expect(loadAblationConfig(write('hw.yaml', 'corpus: { examples: 100 }\nhandwritten: { slices: [final, holdout] }\n'), {}).handwritten.slices).toEqual(['final', 'holdout']);
  });

  it("trains the design's pipeline, not the job defaults: deep head alone, per-epoch warm-up, the best epoch kept, unless the file says otherwise", () => {
    const config = loadAblationConfig(write('design.yaml', 'corpus: { examples: 100 }\n'), {});
    const row = ablationRow('focal-loss', 2.6);
    const job = baseJob(config, { train: { path: 'train.jsonl' } }, join(dir, 'rows', row.run), [row.job]);
    expect(job.model.head.wide.enabled).toBe(false);
    expect(job.schedule.lr.id).toBe('warmup-linear-per-epoch');
    expect(job.schedule.unfreezing.id).toBe('ulmfit');
    expect(job.loss.id).toBe('focal');
    expect(job.optimizer.lrDecay).toBe(2.6);
    expect(job.training.modelSelection).toBe('best-validation');
    const own = loadAblationConfig(write('own.yaml', 'corpus: { examples: 100 }\nbase: { schedule: { lr: { id: stlr } }, training: { modelSelection: last-epoch } }\n'), {});
    const ownJob = baseJob(own, { train: { path: 'train.jsonl' } }, join(dir, 'rows', row.run), [row.job]);
    expect(ownJob.schedule.lr.id).toBe('stlr');
    expect(ownJob.training.modelSelection).toBe('last-epoch');
  });

  it("adds a last row that trains what train's defaults give, over a base that sets the design's rate", () => {
    const config = loadAblationConfig(write('recipe.yaml', 'corpus: { examples: 100 }\nbase: { optimizer: { baseLr: 5.0e-4 } }\n'), {});
    const row = ablationRow('default-recipe', 2.6);
    expect(config.rows.at(-1)).toBe('default-recipe');
    expect(row.decision).toBe('calibrated');
    const job = baseJob(config, { train: { path: 'train.jsonl' } }, join(dir, 'rows', row.run), [row.job]);
    const defaults = trainJobConfigSchema.parse({ data: { train: { path: 'train.jsonl' } } });
    expect(job.model.head).toEqual(defaults.model.head);
    expect(job.model.head.wide.enabled).toBe(true);
    expect(job.loss).toEqual(defaults.loss);
    expect({ unfreezing: job.schedule.unfreezing, lr: job.schedule.lr }).toEqual({ unfreezing: defaults.schedule.unfreezing, lr: defaults.schedule.lr });
    expect(job.optimizer.lrDecay).toBe(1);
    // Left to the job, which picks the rate for the encoder as train does.
    expect(job.optimizer.baseLr).toBeUndefined();
    expect(job.training.modelSelection).toBe('last-epoch');
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
