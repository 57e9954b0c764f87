import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { sharedAsset, trainingSources } from '@mangaassist/common';
import { HANDWRITTEN_EVALUATION_SLICE, HANDWRITTEN_SLICE_FILES, HANDWRITTEN_TRAINING_SLICES, handwrittenSlicePath } from '@mangaassist/data';
import { runQuickstart } from './quickstart';
import { formatHandwrittenScores, type HandwrittenScore } from '@mangaassist/pipelines';
import { QUICKSTART_MESSAGES, SERVER_COMMAND } from './quickstart/quickstart-server';
import { QUICKSTART_MODEL_ID, QUICKSTART_SIZES, quickstartPaths, quickstartTrainConfig, sameTrainingData } from './quickstart/quickstart-plan';

it('prints what the slice is to the model, then the figures the design document sets targets for, model and baseline', () => {
  const side = (macroF1: number) => ({ macroF1, exactMatch: 0.63, frustration: { precision: 0.73, recall: 0.79 }, satisfactionPrecision: 0.9 });
  const score: HandwrittenScore = { slice: 'test', file: 'handwritten-test.jsonl', messages: 156, role: 'evaluation', model: side(0.8131), baseline: side(0.833) };
  expect(formatHandwrittenScores([score, { ...score, slice: 'dev', messages: 227, role: 'training' }])).toBe(
    '  test (156 messages, never trained or tuned on)\n' +
      '    model            macro-F1 0.813  exact match 0.63  frustration P 0.73 R 0.79  satisfaction P 0.90\n' +
      '    TF-IDF baseline  macro-F1 0.833  exact match 0.63  frustration P 0.73 R 0.79  satisfaction P 0.90\n' +
      '  dev (227 messages, trained on)\n' +
      '    model            macro-F1 0.813  exact match 0.63  frustration P 0.73 R 0.79  satisfaction P 0.90\n' +
      '    TF-IDF baseline  macro-F1 0.833  exact match 0.63  frustration P 0.73 R 0.79  satisfaction P 0.90\n',
  );
});

describe('the quickstart training job', () => {
  const paths = quickstartPaths(join(tmpdir(), 'quickstart-plan'));
  const config = quickstartTrainConfig(paths, QUICKSTART_SIZES, 'distilbert-base-uncased');

  it('trains on the generated split and every hand-written training slice, read from the installed data package', () => {
    expect(trainingSources(config.data).map((s) => s.path)).toEqual([paths.train, ...HANDWRITTEN_TRAINING_SLICES.map(handwrittenSlicePath)]);
    // Never the evaluation slice: its figure is the honest one.
    expect(JSON.stringify(config.data)).not.toContain(HANDWRITTEN_SLICE_FILES[HANDWRITTEN_EVALUATION_SLICE]);
    expect(HANDWRITTEN_SLICE_FILES[HANDWRITTEN_EVALUATION_SLICE]).toBe('handwritten-test2.jsonl');
  });

  it('tells a model trained on other files from one trained on these', () => {
    expect(sameTrainingData(config, JSON.parse(JSON.stringify(config)))).toBe(true);
    const generatedOnly = { data: { ...config.data, train: { ...trainingSources(config.data)[0]! } } };
    expect(sameTrainingData(config, generatedOnly)).toBe(false);
    const reweighted = { data: { ...config.data, train: trainingSources(config.data).map((s, i) => (i === 1 ? { ...s, weight: 3 } : s)) } };
    expect(sameTrainingData(config, reweighted)).toBe(false);
  });
});

const standIn = sharedAsset('models/mini-distilbert-mlm/config.json');
// The quickstart starts the server's launcher from PATH (npm and npx put the workspace's executables there); the
// launcher runs the server's build beside it.
const launcher = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, SERVER_COMMAND)).find((file) => existsSync(file));
const serverBuild = launcher ? join(dirname(realpathSync(launcher)), '..', 'dist', 'main.js') : undefined;
const ready = standIn && serverBuild && existsSync(serverBuild);
if (!ready) {
  const missing = !standIn ? '../shared/models/mini-distilbert-mlm' : !serverBuild ? `${SERVER_COMMAND} on PATH (run through npm or npx)` : `${serverBuild} (npm run build)`;
  console.warn(`quickstart end-to-end test skipped: needs ${missing}`);
}

(ready ? describe : describe.skip)('quickstart, end to end on a small corpus', () => {
  const out = mkdtempSync(join(tmpdir(), 'quickstart-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('generates, trains, calibrates, exports, serves and classifies, then reuses every stage', async () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const results = await runQuickstart({ out, examples: '120', epochs: '1', backend: 'cpu' });
      expect(results).toHaveLength(QUICKSTART_MESSAGES.length);
      for (const r of results) {
        expect(Object.keys(r.probabilities).sort()).toEqual(['churn_risk', 'confusion', 'frustration', 'neutral', 'satisfaction', 'urgency']);
        expect(r.escalate).toBe(r.rule !== 'none');
        expect(r.priority === 'none').toBe(!r.escalate);
      }
      for (const file of ['config.json', 'model.safetensors', 'tokenizer.json', 'thresholds.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx']) {
        expect(existsSync(join(out, 'model', file))).toBe(true);
      }
      // The exported config.json names the model as calibrate stored its thresholds (the server keys them by it).
      expect(JSON.parse(readFileSync(join(out, 'model', 'config.json'), 'utf8')).mangaassist_model_id).toBe(QUICKSTART_MODEL_ID);
      const thresholds = JSON.parse(readFileSync(join(out, 'model', 'thresholds.json'), 'utf8'));
      expect(JSON.stringify(thresholds)).toContain('frustration');
      // It trained on the hand-written training slices as well, and scores the model and the TF-IDF baseline on the
      // one slice it never trained on.
      const trained = JSON.parse(readFileSync(join(out, 'train', 'config.json'), 'utf8'));
      expect(trainingSources(trained.data).map((s) => s.path)).toEqual([join(out, 'data', 'train.jsonl'), ...HANDWRITTEN_TRAINING_SLICES.map(handwrittenSlicePath)]);
      const handwritten = JSON.parse(readFileSync(join(out, 'handwritten-scores.json'), 'utf8')) as HandwrittenScore[];
      expect(handwritten.map((s) => [s.slice, s.role])).toEqual([['test', 'evaluation']]);
      for (const s of handwritten) {
        for (const side of [s.model, s.baseline]) {
          expect(side.macroF1).toBeGreaterThanOrEqual(0);
          expect(side.macroF1).toBeLessThanOrEqual(1);
        }
        expect(s.messages).toBeGreaterThan(50);
      }
      const printed = write.mock.calls.map(([chunk]) => String(chunk)).join('');
      expect(printed).toMatch(/test \(156 messages, never trained or tuned on\)\n\s+model\s+macro-F1 \d\.\d{3}  exact match \d\.\d{2}.*\n\s+TF-IDF baseline\s+macro-F1 \d\.\d{3}/);
      expect(printed).not.toContain('untouched');

      // A second run reuses the corpus and the model instead of training again.
      write.mockClear();
      await runQuickstart({ out, examples: '120', epochs: '1', backend: 'cpu' });
      const log = write.mock.calls.map(([chunk]) => String(chunk)).join('');
      expect(log).toContain('reusing the fine-tuned model');
      expect(log).toContain('reusing');

      // A model an earlier quickstart trained on other files (the generated split alone) is trained again.
      const config = join(out, 'train', 'config.json');
      writeFileSync(config, JSON.stringify({ ...trained, data: { ...trained.data, train: trainingSources(trained.data).slice(0, 1) } }));
      write.mockClear();
      await runQuickstart({ out, examples: '120', epochs: '1', backend: 'cpu' });
      const retrained = write.mock.calls.map(([chunk]) => String(chunk)).join('');
      expect(retrained).toContain('trained on other data; training again');
      expect(retrained).not.toContain('reusing the fine-tuned model');
      expect(trainingSources(JSON.parse(readFileSync(config, 'utf8')).data)).toHaveLength(1 + HANDWRITTEN_TRAINING_SLICES.length);
    } finally {
      write.mockRestore();
      stdout.mockRestore();
    }
  }, 480_000);
});
