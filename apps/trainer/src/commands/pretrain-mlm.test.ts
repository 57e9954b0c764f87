import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedAsset } from '@mangaassist/common';
import { readSafetensors } from '@mangaassist/model-format';
import { resolveMlmSources } from '@mangaassist/trainer';
import type { CommandModule } from './command-module';
import { pretrainMlmCommand, pretrainMlmConfig } from './pretrain-mlm';
import { trainCommand } from './train';
import { writeTinyEncoder } from './__tests__/tiny-encoder';
import { runCommand, type CommandOutput } from '../__tests__/run-command';

const WORDS = ['the', 'in', 'cat', 'dog', 'bird', 'fish', 'sleeps', 'barks', 'sings', 'swims', 'sofa', 'yard', 'tree', 'pond', 'late', 'order'];

const cli = (command: CommandModule, args: string[]): Promise<CommandOutput> => runCommand(command, args);

/** A toy language whose masked words follow from the others: `the cat sleeps in the sofa`, one line each. */
function writeToyText(path: string, n: number): void {
  const lines = Array.from({ length: n }, (_, i) => {
    const k = i % 4;
    return `the ${WORDS[2 + k]} ${WORDS[6 + k]} in the ${WORDS[10 + k]}`;
  });
  writeFileSync(path, `${lines.join('\n')}\n`);
}

describe('mangaassist pretrain-mlm', () => {
  const root = mkdtempSync(join(tmpdir(), 'cli-mlm-'));
  const encoder = join(root, 'encoder');
  const text = join(root, 'toy.txt');
  const out = join(root, 'dapt');
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let summary: {
    stopReason: string;
    globalStep: number;
    modelDir: string;
    wallSeconds: number;
    sources: { name: string; texts: number }[];
    heldOut: { before: { loss: number; perplexity: number }; after: { loss: number } };
  };
  let stderr: string;

  beforeAll(async () => {
    // A bare random encoder: pretrain-mlm gives it a new head, then trains both.
    writeTinyEncoder(encoder, { words: WORDS, layers: 1, maxPositions: 16 });
    writeToyText(text, 400);
    const run = await cli(pretrainMlmCommand, [
      '--model', encoder, '--data', text, '--out', out, '--max-length', '12', '--batch-size', '16', '--max-steps', '40', '--epochs', '3',
      '--lr', '0.01', '--backend', 'cpu', '--json',
    ]);
    summary = JSON.parse(run.stdout);
    stderr = run.stderr;
  }, 120_000);

  it('lowers the held-out masked-LM loss of a tiny random encoder and reports it on stderr and in the summary', () => {
    expect(summary.stopReason).toBe('max-steps');
    expect(summary.globalStep).toBe(40);
    expect(summary.sources).toEqual([{ name: 'toy.txt', texts: 400 }]);
    expect(summary.heldOut.after.loss).toBeLessThan(summary.heldOut.before.loss - 0.5);
    expect(stderr).toMatch(/MLM head initialized/);
    expect(stderr).toMatch(/^held-out before: MLM loss \d+\.\d{4} \(perplexity [\d.]+\) over \d+ masked tokens/m);
    expect(stderr).toMatch(/^step 10\/40 \(epoch 1\) loss \d+\.\d{4} lr \d\.\d{2}e-\d \d+ tokens\/s ETA/m);
    expect(stderr).toMatch(/^done \(max-steps\): held-out MLM loss [\d.]+ → [\d.]+/m);
    expect(JSON.parse(readFileSync(join(out, 'mlm-summary.json'), 'utf8')).heldOut.after.loss).toBe(summary.heldOut.after.loss);
  });

  it('writes a DistilBertForMaskedLM directory that train fine-tunes from and pretrain-mlm continues', async () => {
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.architectures).toEqual(['DistilBertForMaskedLM']);
    const names = [...readSafetensors(join(out, 'model.safetensors')).tensors.keys()];
    expect(names).toEqual(expect.arrayContaining(['distilbert.embeddings.word_embeddings.weight', 'vocab_transform.weight', 'vocab_projector.bias']));
    expect(names).not.toContain('vocab_projector.weight');
    const job = join(root, 'job.yaml');
    const data = join(root, 'labelled.jsonl');
    writeFileSync(data, `${Array.from({ length: 16 }, (_, i) => JSON.stringify({ text: i % 2 ? 'the cat sleeps' : 'late order', labels: [i % 2 ? 'neutral' : 'frustration'] })).join('\n')}\n`);
    writeFileSync(
      job,
      [
        `model: { pretrained: ${out}, maxLength: 12, head: { hiddenDim: 8 } }`,
        `data: { train: { path: ${data} }, valFraction: 0.25 }`,
        'loss: { id: bce }',
        'schedule: { epochs: 1, unfreezing: { id: full }, lr: { id: constant } }',
        `training: { outDir: ${join(root, 'train')}, batchSize: 8, backend: cpu }`,
      ].join('\n'),
    );
    const trained = JSON.parse((await cli(trainCommand, ['--config', job, '--json'])).stdout);
    expect(trained.stopReason).toBe('completed');
    const again = JSON.parse((await cli(pretrainMlmCommand, ['--model', out, '--data', text, '--out', join(root, 'dapt-2'), '--max-length', '12', '--batch-size', '16', '--max-steps', '2', '--backend', 'cpu', '--json'])).stdout);
    // Continuing from the saved model starts where the first run ended (the same held-out texts and masks).
    expect(again.heldOut.before.loss).toBeCloseTo(summary.heldOut.after.loss, 5);
  }, 120_000);

  it('refuses to overwrite a run unless asked, and resumes a finished one as a no-op', async () => {
    const args = ['--model', encoder, '--data', text, '--out', out, '--max-length', '12', '--batch-size', '16', '--max-steps', '40', '--epochs', '3', '--lr', '0.01', '--backend', 'cpu', '--json'];
    await expect(cli(pretrainMlmCommand, args)).rejects.toThrow(/already holds a run .*resume it \(--resume\), start over \(--overwrite\)/);
    const resumed = JSON.parse((await cli(pretrainMlmCommand, [...args, '--resume'])).stdout);
    expect(resumed.heldOut).toEqual(summary.heldOut);
  }, 60_000);

  it('refuses to resume when a --data file changed (same line count), naming it, or starts over with --restart-on-data-change', async () => {
    const changing = join(root, 'changing.txt');
    writeToyText(changing, 400);
    const args = ['--model', encoder, '--data', changing, '--out', join(root, 'dapt-data'), '--max-length', '12', '--batch-size', '16', '--max-steps', '2', '--backend', 'cpu', '--json'];
    await cli(pretrainMlmCommand, args);
    writeFileSync(changing, readFileSync(changing, 'utf8').replace('the cat sleeps in the sofa', 'the cat sleeps in the tree'));
    await expect(cli(pretrainMlmCommand, [...args, '--resume'])).rejects.toThrow(new RegExp(`data file ${changing.replace(/[.]/g, '\\.')} changed since the checkpoint`));
    const restarted = await cli(pretrainMlmCommand, [...args, '--resume', '--restart-on-data-change']);
    expect(JSON.parse(restarted.stdout)).toMatchObject({ stopReason: 'max-steps', globalStep: 2 });
    expect(restarted.stderr).toContain(`${changing} changed since the checkpoint in ${join(root, 'dapt-data')}: starting a new run instead of resuming`);
  }, 60_000);

  it('validates the configuration, naming the file, the field and the allowed values', () => {
    const file = join(root, 'bad.yaml');
    writeFileSync(file, ['data:', '  sources: [{ kind: web, path: x }]', 'masking: { maskFraction: 0.95 }', 'training: { batchSize: 0, outDirectory: x }'].join('\n'));
    expect(() => pretrainMlmConfig({ config: file })).toThrow(
      new RegExp(
        [
          `${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is invalid \\(4 problems\\):`,
          "  - data\\.sources\\.0\\.kind: Invalid discriminator value\\. Expected 'file' \\| 'generated'",
          '  - masking\\.randomFraction: maskFraction \\+ randomFraction must be at most 1',
          '  - training\\.batchSize: Too small: expected number to be >0',
          '  - training: unknown key\\(s\\) "outDirectory"',
        ].join('\\n'),
      ),
    );
    expect(() => pretrainMlmConfig({ maxSteps: 'ten' })).toThrow(/command-line options is invalid \(1 problem\):\n {2}- training\.maxSteps: Invalid input: expected number, received string/);
    expect(() => pretrainMlmConfig({ lr: '-1', config: file })).toThrow(/with command-line options is invalid/);
    const ok = pretrainMlmConfig({ model: 'm', data: ['a.txt', 'b.jsonl'], textColumn: 'body', generated: '50', maxSteps: '7' });
    expect(ok.data.sources).toEqual([
      { kind: 'file', path: 'a.txt', textColumn: 'body' },
      { kind: 'file', path: 'b.jsonl', textColumn: 'body' },
      { kind: 'generated', n: 50, seed: 7 },
    ]);
    expect(ok.training).toMatchObject({ maxSteps: 7, batchSize: 32, outDir: 'runs/pretrain-mlm' });
    expect(ok.schedule.lr.id).toBe('stlr');
  });

  it('reads GoEmotions and the generated corpus by default', () => {
    const path = sharedAsset('data/goemotions/train.tsv');
    if (!path) {
      console.warn('skipped: data/goemotions/train.tsv is not in the shared assets');
      return;
    }
    const { sources, notes } = resolveMlmSources(pretrainMlmConfig({}));
    expect(notes).toEqual([]);
    expect(sources).toEqual([
      { kind: 'file', name: 'goemotions', path, textColumn: 'text' },
      { kind: 'generated', name: 'generated', n: 20_000, seed: 7 },
    ]);
  });
});
