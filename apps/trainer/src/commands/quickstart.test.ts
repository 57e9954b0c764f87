import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedAsset } from '@mangaassist/common';
import { runQuickstart } from './quickstart';

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
      expect(results).toHaveLength(6);
      for (const r of results) {
        expect(Object.keys(r.probabilities).sort()).toEqual(['churn_risk', 'confusion', 'frustration', 'neutral', 'satisfaction', 'urgency']);
        expect(r.escalate).toBe(r.rule !== 'none');
        expect(r.priority === 'none').toBe(!r.escalate);
      }
      for (const file of ['config.json', 'model.safetensors', 'tokenizer.json', 'thresholds.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx']) {
        expect(existsSync(join(out, 'model', file))).toBe(true);
      }
      const thresholds = JSON.parse(readFileSync(join(out, 'model', 'thresholds.json'), 'utf8'));
      expect(JSON.stringify(thresholds)).toContain('frustration');

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
