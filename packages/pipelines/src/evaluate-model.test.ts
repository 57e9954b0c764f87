import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guidelineLabelSet, isMangaAssistError } from '@mangaassist/common';
import { multiLabelMetrics } from '@mangaassist/data';
import { writeThresholdsFile } from '@mangaassist/model-format';
import { selectTfjsBackend } from '@mangaassist/runtime-tfjs';
import { saveTinyClassifier, type TinyClassifier } from './__tests__/tiny-classifier';
import { evaluateModel, formatEvaluateReport } from './evaluate-model';

const MODEL_LABELS = ['frustration', 'satisfaction', 'urgency', 'neutral'];
const WORDS = ['late', 'again', 'love', 'this', 'where', 'is', 'my', 'order', 'ok', 'fine'];
const TEXTS = ['late again', 'love this', 'where is my order', 'ok fine', 'late order', 'love my order'];
// No example marks urgency: it is left out of the scores.
const TRUTH = [['frustration'], ['satisfaction'], ['frustration'], ['neutral'], ['frustration'], ['satisfaction']];
const SCORED = ['frustration', 'satisfaction', 'neutral'];

describe('evaluateModel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evaluate-model-'));
  const data = join(dir, 'val.jsonl');
  let tiny: TinyClassifier;

  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'cpu' });
    tiny = await saveTinyClassifier(WORDS, MODEL_LABELS);
    writeFileSync(data, `${TEXTS.map((text, i) => JSON.stringify({ text, labels: TRUTH[i] })).join('\n')}\n`);
  });
  afterAll(() => tiny.model.dispose());

  it('scores the labels the data marks at 0.5 by default, as the metrics of the model\'s own predictions', async () => {
    const { report, thresholdsSource } = await evaluateModel({ model: tiny.dir, data, batchSize: 4, backend: 'cpu' });
    expect(thresholdsSource).toBe('default 0.5');
    expect(report.labels).toEqual(SCORED);
    expect(report.thresholds).toEqual({ frustration: 0.5, satisfaction: 0.5, neutral: 0.5 });

    // Every model label decided at 0.5, then the guideline label set, then the scored columns.
    const predicted = (await tiny.model.predictProbabilities(TEXTS)).map((row) => {
      const on = guidelineLabelSet(MODEL_LABELS, Array.from(row, (p) => p >= 0.5));
      return SCORED.map((label) => (on[MODEL_LABELS.indexOf(label)] ? 1 : 0));
    });
    const targets = TRUTH.map((row) => SCORED.map((label) => (row.includes(label) ? 1 : 0)));
    const expected = multiLabelMetrics(predicted, targets, SCORED);
    expect(report.n).toBe(6);
    expect(report.macro_f1).toBeCloseTo(expected.macroF1, 12);
    expect(report.exact_match).toBeCloseTo(expected.exactMatch, 12);
    expect(report.hamming_loss).toBeCloseTo(expected.hammingLoss, 12);
    expect(report.per_label).toEqual(expected.perLabel);

    const text = formatEvaluateReport({ report, thresholdsSource });
    expect(text).toMatch(/^6 examples; thresholds: default 0\.5\nlabel\s+threshold\s+precision\s+recall\s+F1\s+support\n/);
    expect(text).toMatch(/\nfrustration\s+0\.500\s+\d\.\d{4}\s+\d\.\d{4}\s+\d\.\d{4}\s+3\n/);
    expect(text).toContain(`macro-F1 ${report.macro_f1.toFixed(4)}`);
  });

  it('decides neutral from every model label, the ones the data does not score included', async () => {
    // Nothing reaches 0.999: neutral is the answer for every message (recall 1, one neutral message in six).
    const none = await evaluateModel({ model: tiny.dir, data, thresholds: 0.999 });
    expect(none.report.per_label.neutral).toMatchObject({ precision: 1 / 6, recall: 1 });
    expect(none.report.per_label.frustration!.recall).toBe(0);
    // Urgency, which no message marks and the report leaves out, is on everywhere: neutral is never the answer.
    const urgent = await evaluateModel({ model: tiny.dir, data, thresholds: { map: { frustration: 0.999, satisfaction: 0.999, urgency: 0.001, neutral: 0.001 } } });
    expect(urgent.report.labels).toEqual(SCORED);
    expect(urgent.report.per_label.neutral).toMatchObject({ precision: 0, recall: 0 });
    expect(urgent.report.exact_match).toBe(0);
  });

  it('applies one value, a map, a thresholds file or the model directory\'s thresholds.json', async () => {
    const one = await evaluateModel({ model: tiny.dir, data, thresholds: 0.3 });
    expect(one.report.thresholds).toEqual({ frustration: 0.3, satisfaction: 0.3, neutral: 0.3 });
    expect(one.thresholdsSource).toBe('0.3 for every label');

    const map = await evaluateModel({ model: tiny.dir, data, thresholds: { map: { neutral: 0.7, urgency: 0.2 } } });
    expect(map.report.thresholds).toEqual({ frustration: 0.5, satisfaction: 0.5, neutral: 0.7 });
    expect(map.thresholdsSource).toBe('given map');

    const plain = join(dir, 'plain.json');
    writeFileSync(plain, JSON.stringify({ satisfaction: 0.4 }));
    expect((await evaluateModel({ model: tiny.dir, data, thresholds: { file: plain } })).report.thresholds.satisfaction).toBe(0.4);

    const calibrated = join(dir, 'calibrated');
    mkdirSync(calibrated, { recursive: true });
    const written = writeThresholdsFile(calibrated, { version: 1, strategy: 'fixed', createdAt: new Date(0).toISOString(), thresholds: { frustration: 0.25 }, details: {} });
    const fromFile = await evaluateModel({ model: tiny.dir, data, thresholds: { file: written } });
    expect(fromFile.report.thresholds.frustration).toBe(0.25);
    expect(fromFile.thresholdsSource).toBe(written);

    writeThresholdsFile(tiny.dir, { version: 1, strategy: 'fixed', createdAt: new Date(0).toISOString(), thresholds: { neutral: 0.6 }, details: {} });
    const fromModel = await evaluateModel({ model: tiny.dir, data });
    expect(fromModel.report.thresholds.neutral).toBe(0.6);
    expect(fromModel.thresholdsSource).toBe(join(tiny.dir, 'thresholds.json'));
  });

  it.each([
    [{ thresholds: 1 }, 'INVALID_ARGUMENT', 'threshold must be a number in (0, 1), got 1'],
    [{ thresholds: { map: { anger: 0.5 } } }, 'INVALID_ARGUMENT', 'unknown label "anger" (model labels: frustration, satisfaction, urgency, neutral)'],
    [{ thresholds: { map: { neutral: 0 } } }, 'INVALID_ARGUMENT', 'threshold of "neutral" must be a number in (0, 1), got 0'],
    [{ thresholds: { file: '/nonexistent/thresholds.json' } }, 'DATA_INVALID', 'cannot read thresholds'],
  ] as const)('fails clearly for %j', async (options, code, expected) => {
    const error = await evaluateModel({ model: tiny.dir, data, ...options }).catch((e: unknown) => e);
    expect(isMangaAssistError(error, code)).toBe(true);
    expect((error as Error).message).toContain(expected);
  });

  it('names the file and the entry of a bad thresholds file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ thresholds: { frustration: '0.5' } }));
    const error = await evaluateModel({ model: tiny.dir, data, thresholds: { file: bad } }).catch((e: unknown) => e);
    expect(isMangaAssistError(error, 'DATA_INVALID')).toBe(true);
    expect((error as Error).message).toBe(`${bad}: threshold of "frustration" must be a number in (0, 1), got "0.5"`);
  });
});
