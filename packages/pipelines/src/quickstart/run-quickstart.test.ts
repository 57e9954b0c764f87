import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { sharedAsset, trainingSources } from '@mangaassist/common';
import { HANDWRITTEN_TRAINING_SLICES, handwrittenSlicePath } from '@mangaassist/data';
import { WordPieceTokenizer } from '@mangaassist/model-format';
import type { HandwrittenScore } from '../handwritten-scores';
import { QUICKSTART_MODEL_ID } from './quickstart-plan';
import { QUICKSTART_MESSAGES, SERVER_COMMAND } from './quickstart-server';
import { runQuickstart } from './run-quickstart';

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
      const result = await runQuickstart({ out, examples: 120, epochs: 1, backend: 'cpu' }, process.stderr);
      const results = result.classifications;
      // Every stage ran, in order, and was timed; the scores returned are the ones written beside the model.
      expect(result.stages.map((s) => s.stage)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      for (const s of result.stages) expect(s.seconds).toBeLessThanOrEqual(result.seconds);
      expect(result.handwritten).toEqual(JSON.parse(readFileSync(result.paths.handwrittenScores, 'utf8')));
      expect(results).toHaveLength(QUICKSTART_MESSAGES.length);
      for (const r of results) {
        expect(Object.keys(r.probabilities).sort()).toEqual(['churn_risk', 'confusion', 'frustration', 'neutral', 'satisfaction', 'urgency']);
        expect(r.escalate).toBe(r.rule !== 'none');
        expect(r.priority === 'none').toBe(!r.escalate);
      }
      // The exported tokenizer reads emoji as their names (model.emojiNames), as serving and transformers.js do.
      expect(WordPieceTokenizer.fromDirectory(join(out, 'model')).encode('👍').tokens).toEqual(['[CLS]', 'thumbs', 'up', '[SEP]']);
      for (const file of ['config.json', 'model.safetensors', 'tokenizer.json', 'thresholds.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx']) {
        expect(existsSync(join(out, 'model', file))).toBe(true);
      }
      // The exported config.json names the model as calibrate stored its thresholds (the server keys them by it).
      expect(JSON.parse(readFileSync(join(out, 'model', 'config.json'), 'utf8')).mangaassist_model_id).toBe(QUICKSTART_MODEL_ID);
      const thresholds = JSON.parse(readFileSync(join(out, 'model', 'thresholds.json'), 'utf8'));
      expect(JSON.stringify(thresholds)).toContain('frustration');
      // It trained on the hand-written training slices as well, and scores the model and the TF-IDF baselines (on the
      // same files, and on the hand-written ones alone) on the slices it never trained on.
      const trained = JSON.parse(readFileSync(join(out, 'train', 'config.json'), 'utf8'));
      expect(trainingSources(trained.data).map((s) => s.path)).toEqual([join(out, 'data', 'train.jsonl'), ...HANDWRITTEN_TRAINING_SLICES.map(handwrittenSlicePath)]);
      const handwritten = JSON.parse(readFileSync(join(out, 'handwritten-scores.json'), 'utf8')) as HandwrittenScore[];
      expect(handwritten.map((s) => [s.slice, s.role])).toEqual([['test2', 'evaluation'], ['test3', 'evaluation'], ['test4', 'evaluation'], ['test5', 'evaluation'], ['test6', 'evaluation'], ['test7', 'evaluation'], ['test8', 'evaluation'], ['test9', 'evaluation'], ['test10', 'evaluation']]);
      for (const s of handwritten) {
        for (const side of [s.model, s.baseline, s.baselineHandwrittenOnly!]) {
          expect(side.macroF1).toBeGreaterThanOrEqual(0);
          expect(side.macroF1).toBeLessThanOrEqual(1);
        }
        expect(s.messages).toBeGreaterThan(50);
      }
      const printed = write.mock.calls.map(([chunk]) => String(chunk)).join('');
      expect(printed).toMatch(/test10 \(294 messages, never trained or tuned on\)\n\s+model\s+macro-F1 \d\.\d{3}  exact match \d\.\d{2}.*\n\s+TF-IDF baseline\s+macro-F1 \d\.\d{3}.*\n\s+TF-IDF, model's rule\s+macro-F1 \d\.\d{3}.*\n\s+TF-IDF, hand-written\s+macro-F1 \d\.\d{3}/);
      expect(printed).not.toContain('untouched');

      // A second run reuses the corpus and the model instead of training again.
      write.mockClear();
      await runQuickstart({ out, examples: 120, epochs: 1, backend: 'cpu' }, process.stderr);
      const log = write.mock.calls.map(([chunk]) => String(chunk)).join('');
      expect(log).toContain('reusing the fine-tuned model');
      expect(log).toContain('reusing');

      // A model an earlier quickstart trained on other files (the generated split alone) is trained again.
      const config = join(out, 'train', 'config.json');
      writeFileSync(config, JSON.stringify({ ...trained, data: { ...trained.data, train: trainingSources(trained.data).slice(0, 1) } }));
      write.mockClear();
      await runQuickstart({ out, examples: 120, epochs: 1, backend: 'cpu' }, process.stderr);
      const retrained = write.mock.calls.map(([chunk]) => String(chunk)).join('');
      expect(retrained).toContain('trained on other data or kept another epoch; training again');
      expect(retrained).not.toContain('reusing the fine-tuned model');
      expect(trainingSources(JSON.parse(readFileSync(config, 'utf8')).data)).toHaveLength(1 + HANDWRITTEN_TRAINING_SLICES.length);
      expect(existsSync(join(out, 'train', 'last-model', 'model.safetensors'))).toBe(true);
    } finally {
      write.mockRestore();
      stdout.mockRestore();
    }
  }, 900_000);
});
