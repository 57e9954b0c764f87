import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { writeTinyClassifierDir } from './__tests__/tiny-model-dir';
import { exportClassifier } from './export-model';

// The serving package may not depend on this one, so its tests load a small exported model committed beside them.
// This test keeps that copy identical to what the exporter writes today; `UPDATE_FIXTURES=1` rewrites it.
const FIXTURE = join(__dirname, '..', '..', 'serving', 'src', 'onnx', '__fixtures__', 'tiny-export');
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'thresholds.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx'];

describe('serving test fixture (packages/serving/src/onnx/__fixtures__/tiny-export)', () => {
  const work = mkdtempSync(join(tmpdir(), 'export-fixture-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is what the exporter writes for the tiny test model (UPDATE_FIXTURES=1 regenerates it)', () => {
    const out = join(work, 'tiny-export');
    exportClassifier({ modelDir: writeTinyClassifierDir(join(work, 'model')), outDir: out, quantize: 'int8' });
    if (process.env.UPDATE_FIXTURES === '1') {
      rmSync(FIXTURE, { recursive: true, force: true });
      for (const f of FILES) {
        mkdirSync(join(FIXTURE, f, '..'), { recursive: true });
        writeFileSync(join(FIXTURE, f), readFileSync(join(out, f)));
      }
    }
    expect(existsSync(FIXTURE)).toBe(true);
    const committed = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? committed(join(dir, e.name)) : [relative(FIXTURE, join(dir, e.name))]));
    expect(committed(FIXTURE).sort()).toEqual([...FILES].sort());
    for (const f of FILES) expect({ file: f, same: readFileSync(join(FIXTURE, f)).equals(readFileSync(join(out, f))) }).toEqual({ file: f, same: true });
  });
});
