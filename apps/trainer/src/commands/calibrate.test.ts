import { isMangaAssistError } from '@mangaassist/common';
import { createClassifier } from '@mangaassist/core-model';
import { selectTfjsBackend } from '@mangaassist/runtime-tfjs';
import { readOptionalCalibrationCurves, readThresholdsFile, resolveThresholds } from '@mangaassist/model-format';
import { calibrate, createThresholdStoreRegistry, createThresholdStrategyRegistry } from '@mangaassist/thresholds';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CalibrateReport } from '@mangaassist/pipelines';
import { calibrateCommand } from './calibrate';
import { writeTinyEncoder } from './__tests__/tiny-encoder';
import { runCommand } from '../__tests__/run-command';

const labels = ['frustration', 'satisfaction', 'neutral'];

/** Predictions where each label's positives score higher on average (deterministic). */
function writePredictions(dir: string): string {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines: string[] = [];
  for (let i = 0; i < 300; i += 1) {
    const truth = labels.filter((_, j) => random() < 0.2 + 0.15 * j);
    const probabilities = Object.fromEntries(
      labels.map((label) => {
        const base = truth.includes(label) ? 0.3 + 0.6 * random() : 0.55 * random();
        return [label, Math.round(base * 1000) / 1000];
      }),
    );
    lines.push(JSON.stringify({ probabilities, labels: truth }));
  }
  const path = join(dir, 'val-predictions.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const run = async (args: string[]): Promise<string> => (await runCommand(calibrateCommand, args)).stdout;

describe('mangaassist calibrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'calibrate-cli-'));
  const predictions = writePredictions(dir);

  it('writes thresholds.json, one SVG per label and the store, and prints the comparison table', async () => {
    const out = join(dir, 'manga-v1');
    const db = join(dir, 'thresholds.db');
    const text = await run(['--predictions', predictions, '--out', out, '--store', `sqlite:${db}`, '--model-id', 'manga-v1']);
    expect(text).toContain('fbeta-sweep on 300 examples');
    expect(text).toMatch(/label\s+threshold\s+metric\s+score\s+precision\s+recall\s+F1@0\.5\s+F1@t\s+ΔF1\s+support/);
    expect(text).toMatch(/frustration\s+0\.\d{3}\s+F2\s/);
    expect(text).toMatch(/satisfaction\s+0\.\d{3}\s+F0\.5\s/);
    expect(text).toContain('store: sqlite, model id manga-v1');

    const thresholds = resolveThresholds(out);
    expect(Object.keys(thresholds)).toEqual(labels);
    for (const label of labels) expect(existsSync(join(out, 'calibration', `${label}.svg`))).toBe(true);
    expect(readFileSync(join(out, 'calibration', 'frustration.svg'), 'utf8')).toContain('<polyline data-series="fbeta"');

    // The curves shipped for the console's what-if: 0.01 … 0.99 per label; at 0.5 they agree with F1@0.5 of thresholds.json.
    const curves = readOptionalCalibrationCurves(out, labels)!;
    expect(curves.split).toEqual({ source: 'val-predictions.jsonl', examples: 300 });
    const details = readThresholdsFile(out).details;
    for (const label of labels) {
      const points = curves.labels[label]!.points;
      expect(points.map((p) => p.threshold)).toEqual(Array.from({ length: 99 }, (_, i) => Math.round((i + 1) * 0.01 * 1e9) / 1e9));
      for (let i = 1; i < points.length; i += 1) expect(points[i]!.positiveRate).toBeLessThanOrEqual(points[i - 1]!.positiveRate);
      const at05 = points[49]!;
      const f1 = at05.precision + at05.recall === 0 ? 0 : (2 * at05.precision * at05.recall) / (at05.precision + at05.recall);
      expect(f1).toBeCloseTo(details[label]!.f1At05 as number, 12);
    }

    const store = createThresholdStoreRegistry().create('sqlite', { path: db }, {});
    try {
      expect(await store.getEffective('manga-v1')).toEqual(thresholds);
      const audit = await store.audit('manga-v1');
      expect(audit).toHaveLength(3);
      expect(audit[0]).toMatchObject({ author: 'calibrate', reason: 'fbeta-sweep on val-predictions.jsonl', layer: 'recommended' });
    } finally {
      await store.close();
    }
  });

  it('keys the store by the id in the model\'s config.json, never by the directory name', async () => {
    const out = join(dir, 'renamed-copy');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'config.json'), JSON.stringify({ mangaassist_model_id: 'manga-v7' }));
    const db = join(dir, 'by-config-id.db');
    const report = JSON.parse(await run(['--predictions', predictions, '--out', out, '--store', `sqlite:${db}`, '--no-plots', '--json'])) as CalibrateReport;
    expect(report.store).toEqual({ id: 'sqlite', modelId: 'manga-v7' });
    const error = await run(['--predictions', predictions, '--out', join(dir, 'unnamed'), '--store', `sqlite:${db}`]).catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('--store needs the model id the server will use: give --model-id <id>');
    expect(existsSync(join(dir, 'unnamed', 'thresholds.json'))).toBe(false); // failed before writing anything
  });

  it('prints a JSON report with per-label threshold, score, precision, recall and both F1 values', async () => {
    const out = join(dir, 'json');
    const report = JSON.parse(
      await run(['--predictions', predictions, '--out', out, '--strategy', 'precision-at-recall', '--strategy-options', '{"minRecall":0.8}', '--no-plots', '--json']),
    ) as CalibrateReport;
    expect(report.strategy).toBe('precision-at-recall');
    expect(report.plots).toEqual([]);
    expect(report.store).toBeNull();
    expect(report.results.map((r) => r.label)).toEqual(labels);
    for (const r of report.results) {
      expect(r.recall).toBeGreaterThanOrEqual(0.8);
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['threshold', 'score', 'precision', 'recall', 'f1At05', 'f1AtThreshold']));
    }
    expect(existsSync(join(out, 'calibration'))).toBe(false);
  });

  it('predicts --data with the model in --model: the same numbers as calibrating its own predictions', async () => {
    await selectTfjsBackend({ backend: 'cpu' });
    const encoderDir = join(dir, 'tiny-encoder');
    writeTinyEncoder(encoderDir, { words: ['where', 'is', 'my', 'order', 'late', 'again', 'love', 'this', '!'], layers: 1 });
    const modelLabels = ['frustration', 'urgency', 'neutral'];
    const model = await createClassifier(encoderDir, { labels: modelLabels, seed: 5 });
    const modelDir = join(dir, 'tiny-model');
    await model.save(modelDir);

    const texts = ['where is my order !', 'love this', 'late again !', 'where is this', 'my order is late', 'love my order'];
    const truth = [['frustration'], ['neutral'], ['frustration', 'urgency'], ['neutral'], ['frustration'], ['neutral']];
    const data = join(dir, 'val.jsonl');
    writeFileSync(data, texts.map((text, i) => JSON.stringify({ text, labels: truth[i] })).join('\n'));

    const report = JSON.parse(
      await run(['--model', modelDir, '--data', data, '--backend', 'cpu', '--strategy', 'fixed', '--no-plots', '--json']),
    ) as CalibrateReport;
    expect(report.examples).toBe(6);
    expect(report.uncoveredLabels).toEqual([]);
    // The same numbers as calibrating the model's own predictions directly.
    const probabilities = await model.predictProbabilities(texts);
    const targets = truth.map((labels) => modelLabels.map((l) => (labels.includes(l) ? 1 : 0)));
    const expected = calibrate({ labels: modelLabels, probabilities, targets, strategy: createThresholdStrategyRegistry().create('fixed', {}, {}) });
    expect(report.results).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(Object.keys(resolveThresholds(modelDir))).toEqual(modelLabels);
    model.dispose();
  });

  it.each([
    [['--predictions', 'x.jsonl'], 'give --model <dir> or --out <dir>'],
    [['--out', 'o'], 'give --predictions <jsonl>, or --model <dir> with --data <file>'],
    [['--predictions', 'x.jsonl', '--out', 'o', '--store', 'mongo:x'], 'must be sqlite:<path>, postgres:<url> or redis:<url>'],
    [['--predictions', 'x.jsonl', '--out', 'o', '--strategy-options', '{'], '--strategy-options must be JSON'],
  ])('fails clearly for %j', async (args, expected) => {
    const error = await run(args).catch((e: unknown) => e);
    expect(isMangaAssistError(error)).toBe(true);
    expect((error as Error).message).toContain(expected);
  });

  it('names the known strategies for an unknown one', async () => {
    const error = await run(['--predictions', predictions, '--out', join(dir, 'x'), '--strategy', 'magic']).catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'PLUGIN_UNKNOWN')).toBe(true);
    expect((error as Error).message).toContain('known: fbeta-sweep, fixed, precision-at-recall');
  });
});
