import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRandomClassifierDir } from '@mangaassist/model-format';
import { createContainer } from '../container';
import { buildProgram } from '../program';

const LABELS = ['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral'];
const work = mkdtempSync(join(tmpdir(), 'cli-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(args: string[]): Promise<string> {
  let out = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    const program = buildProgram(createContainer()).exitOverride();
    // Subcommands copy settings when created, so each needs its own override (else commander calls process.exit).
    for (const command of program.commands) command.exitOverride();
    await program.parseAsync(['node', 'mangaassist', ...args]);
  } finally {
    write.mockRestore();
  }
  return out;
}

describe('mangaassist export', () => {
  const modelDir = writeRandomClassifierDir(join(work, 'model'), {
    config: { dim: 16, n_layers: 1, n_heads: 2, hidden_dim: 32, vocab_size: 100, max_position_embeddings: 32, activation: 'gelu' },
    labels: LABELS,
    headHidden: 8,
    std: 0.2,
  });

  it('writes both graphs and checks them with ONNX Runtime (--json)', async () => {
    const out = join(work, 'onnx');
    const report = JSON.parse(await cli(['export', '--model', modelDir, '--out', out, '--quantize', 'int8', '--json']));
    expect(report.labels).toEqual(LABELS);
    expect(report.head).toEqual({ hidden: 'pre_classifier', output: 'classifier' });
    expect(report.thresholds).toEqual({ kind: 'default', value: 0.5 });
    for (const f of ['onnx/model.onnx', 'onnx/model_quantized.onnx', 'config.json', 'tokenizer.json', 'thresholds.json']) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    expect(Object.keys(report.check.probabilities)).toEqual(['fp32', 'int8']);
    expect(Object.keys(report.check.probabilities.fp32)).toEqual(LABELS);
    expect(report.check.int8MaxAbsDiff).toBeLessThan(0.06);
  });

  it('prints a readable summary and refuses an unknown --quantize value', async () => {
    const text = await cli(['export', '--model', modelDir, '--out', join(work, 'onnx-fp32')]);
    expect(text).toMatch(/exported 6 labels \(frustration, .*\) to /);
    expect(text).toMatch(/fp32 +frustration 0\.\d{3}/);
    expect(text).not.toMatch(/model_quantized/);
    const errors = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(cli(['export', '--model', modelDir, '--out', join(work, 'x'), '--quantize', 'int4'])).rejects.toThrow(
        /Allowed choices are none, int8/,
      );
    } finally {
      errors.mockRestore();
    }
  });
});
