import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedAsset } from '@mangaassist/common';
import { runQuickstart } from './quickstart';
import type { HandwrittenScore } from './quickstart/quickstart-handwritten';
import { QUICKSTART_MESSAGES } from './quickstart/quickstart-server';
import { QUICKSTART_MODEL_ID } from './quickstart/quickstart-plan';

const standIn = sharedAsset('models/mini-distilbert-mlm/config.json');
const serverEntry = join(__dirname, '..', '..', '..', 'server', 'dist', 'main.js');
const ready = standIn && existsSync(serverEntry);
if (!ready) {
  console.warn(`quickstart end-to-end test skipped: needs ${standIn ? serverEntry + ' (npm run build)' : '../shared/models/mini-distilbert-mlm'}`);
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
      // The model and the TF-IDF baseline are scored on every bundled hand-written slice.
      const handwritten = JSON.parse(readFileSync(join(out, 'handwritten-scores.json'), 'utf8')) as HandwrittenScore[];
      expect(handwritten.map((s) => s.slice)).toEqual(expect.arrayContaining(['dev', 'final']));
      for (const s of handwritten) {
        for (const side of [s.model, s.baseline]) {
          expect(side.macroF1).toBeGreaterThanOrEqual(0);
          expect(side.macroF1).toBeLessThanOrEqual(1);
        }
        expect(s.messages).toBeGreaterThan(50);
      }
      const printed = write.mock.calls.map(([chunk]) => String(chunk)).join('');
      expect(printed).toMatch(/final \(\d+ messages, untouched\)\s+model macro-F1 \d\.\d{3}.*TF-IDF baseline \d\.\d{3}/);

      // A second run reuses the corpus and the model instead of training again.
      write.mockClear();
      await runQuickstart({ out, examples: '120', epochs: '1', backend: 'cpu' });
      const log = write.mock.calls.map(([chunk]) => String(chunk)).join('');
      expect(log).toContain('reusing the fine-tuned model');
      expect(log).toContain('reusing');
    } finally {
      write.mockRestore();
      stdout.mockRestore();
    }
  }, 240_000);
});
