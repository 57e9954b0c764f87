import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMangaAssistError } from '@mangaassist/common';
import { readOptionalCalibrationCurves, readThresholdsFile, resolveThresholds } from '@mangaassist/model-format';
import { selectTfjsBackend } from '@mangaassist/runtime-tfjs';
import { calibrate, createThresholdStoreRegistry, createThresholdStrategyRegistry } from '@mangaassist/thresholds';
import { saveTinyClassifier } from './__tests__/tiny-classifier';
import { calibrateModel, formatCalibrateReport, recordedModelId } from './calibrate-model';

const labels = ['frustration', 'satisfaction', 'neutral'];

/** Predictions where each label's positives score higher on average (deterministic). */
function writePredictions(dir: string): string {
  let seed = 777;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines: string[] = [];
  for (let i = 0; i < 200; i += 1) {
    const truth = labels.filter((_, j) => random() < 0.2 + 0.15 * j);
    const probabilities = Object.fromEntries(
      labels.map((label) => [label, Math.round((truth.includes(label) ? 0.3 + 0.6 * random() : 0.55 * random()) * 1000) / 1000]),
    );
    lines.push(JSON.stringify({ probabilities, labels: truth }));
  }
  const path = join(dir, 'val-predictions.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('calibrateModel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'calibrate-model-'));
  const predictions = writePredictions(dir);

  it('writes thresholds.json, the curves, one plot per label and the store, and reports what it wrote', async () => {
    const out = join(dir, 'all');
    const db = join(dir, 'all.db');
    const report = await calibrateModel({ predictions, out, store: { id: 'sqlite', options: { path: db }, modelId: 'manga-v2' } });

    expect(report).toMatchObject({ strategy: 'fbeta-sweep', examples: 200, source: predictions, store: { id: 'sqlite', modelId: 'manga-v2' } });
    expect(report.uncoveredLabels).toEqual([]);
    expect(report.results.map((r) => r.label)).toEqual(labels);
    expect(report.thresholdsFile).toBe(join(out, 'thresholds.json'));
    expect(resolveThresholds(out)).toEqual(Object.fromEntries(report.results.map((r) => [r.label, r.threshold])));
    expect(readThresholdsFile(out).strategy).toBe('fbeta-sweep');
    expect(readOptionalCalibrationCurves(out, labels)!.split).toEqual({ source: 'val-predictions.jsonl', examples: 200 });
    expect(report.plots).toEqual(labels.map((label) => join(out, 'calibration', `${label}.svg`)));
    expect(readFileSync(report.plots[0]!, 'utf8')).toContain('<svg');

    const store = createThresholdStoreRegistry().create('sqlite', { path: db }, {});
    try {
      expect(await store.getEffective('manga-v2')).toEqual(resolveThresholds(out));
      expect((await store.audit('manga-v2'))[0]).toMatchObject({ author: 'calibrate', reason: 'fbeta-sweep on val-predictions.jsonl' });
    } finally {
      await store.close();
    }

    const text = formatCalibrateReport(report);
    expect(text).toContain(`fbeta-sweep on 200 examples (${predictions})`);
    expect(text).toMatch(/frustration\s+0\.\d{3}\s+F2\s/);
    expect(text).toContain('store: sqlite, model id manga-v2 (recommended layer)');
    expect(text).toContain(`plots: 3 SVG files in ${join(out, 'calibration')}`);
  });

  it('runs the strategy it is given with its options, and draws no plots with plots: false', async () => {
    const out = join(dir, 'strategy');
    const report = await calibrateModel({ predictions, out, strategy: 'precision-at-recall', strategyOptions: { minRecall: 0.8 }, plots: false });
    expect(report.strategy).toBe('precision-at-recall');
    for (const r of report.results) expect(r.recall).toBeGreaterThanOrEqual(0.8);
    expect(report.plots).toEqual([]);
    expect(report.store).toBeNull();
    expect(existsSync(join(out, 'calibration'))).toBe(false);
  });

  it('keys the store by the model id recorded in config.json, and fails before writing anything without one', async () => {
    const out = join(dir, 'recorded');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'config.json'), JSON.stringify({ mangaassist_model_id: 'manga-v9' }));
    expect(recordedModelId([undefined, join(dir, 'nowhere'), out])).toBe('manga-v9');
    const db = join(dir, 'recorded.db');
    const report = await calibrateModel({ predictions, out, plots: false, store: { id: 'sqlite', options: { path: db }, author: 'ci' } });
    expect(report.store).toEqual({ id: 'sqlite', modelId: 'manga-v9' });

    const unnamed = join(dir, 'unnamed');
    const error = await calibrateModel({ predictions, out: unnamed, store: { id: 'sqlite', options: { path: db } } }).catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('a threshold store needs the model id the server will use');
    expect(existsSync(join(unnamed, 'thresholds.json'))).toBe(false);
  });

  it('predicts data with the model in model: the same numbers as calibrating its own predictions', async () => {
    await selectTfjsBackend({ backend: 'cpu' });
    const modelLabels = ['frustration', 'urgency', 'neutral'];
    const { dir: modelDir, model } = await saveTinyClassifier(['where', 'is', 'my', 'order', 'late', 'again', 'love', 'this', '!'], modelLabels);
    try {
      const texts = ['where is my order !', 'love this', 'late again !', 'where is this', 'my order is late', 'love my order'];
      const truth = [['frustration'], ['neutral'], ['frustration', 'urgency'], ['neutral'], ['frustration'], ['neutral']];
      const data = join(dir, 'val.jsonl');
      writeFileSync(data, texts.map((text, i) => JSON.stringify({ text, labels: truth[i] })).join('\n'));

      const report = await calibrateModel({ model: modelDir, data, strategy: 'fixed', plots: false, batchSize: 4, backend: 'cpu' });
      expect(report.examples).toBe(6);
      expect(report.source).toBe(data);
      expect(report.uncoveredLabels).toEqual([]);
      const probabilities = await model.predictProbabilities(texts);
      const targets = truth.map((row) => modelLabels.map((l) => (row.includes(l) ? 1 : 0)));
      const expected = calibrate({ labels: modelLabels, probabilities, targets, strategy: createThresholdStrategyRegistry().create('fixed', {}, {}) });
      expect(JSON.parse(JSON.stringify(report.results))).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(Object.keys(resolveThresholds(modelDir))).toEqual(modelLabels);
    } finally {
      model.dispose();
    }
  });

  it.each([
    [{ predictions: 'x.jsonl' }, 'give `out` or `model`'],
    [{ predictions: 'x.jsonl', data: 'd.jsonl', out: 'o' }, 'give either `predictions` or `data`, not both'],
    [{ out: 'o' }, 'give `predictions`, or `model` with `data`'],
  ])('fails clearly for %j', async (options, expected) => {
    const error = await calibrateModel(options).catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain(expected);
  });
});
