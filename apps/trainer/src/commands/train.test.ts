import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvaluateReport } from '@mangaassist/pipelines';
import { evaluateCommand } from './evaluate';
import { trainCommand } from './train';
import { writeTinyEncoder } from './__tests__/tiny-encoder';
import { runCommand } from '../__tests__/run-command';
import type { CommandModule } from './command-module';

const WORDS = ['late', 'again', 'love', 'this', 'where', 'is', 'my', 'order', 'confused', 'how', 'ok', 'fine'];

function writeData(path: string, n: number): void {
  const kinds = [
    ['late again', 'frustration'],
    ['love this', 'satisfaction'],
    ['how is this', 'confusion'],
    ['ok fine', 'neutral'],
  ];
  writeFileSync(path, `${Array.from({ length: n }, (_, i) => JSON.stringify({ text: kinds[i % 4]![0], labels: [kinds[i % 4]![1]] })).join('\n')}\n`);
}

const cli = async (command: CommandModule, args: string[]): Promise<string> => (await runCommand(command, args)).stdout;

describe('mangaassist train and evaluate', () => {
  const root = mkdtempSync(join(tmpdir(), 'cli-train-'));
  const configPath = join(root, 'job.yaml');
  const runDir = join(root, 'run');
  const dataPath = join(root, 'data.jsonl');
  let summary: { stopReason: string; best: { macroF1: number; epoch: number }; modelDir: string; bestModelDir: string | null; evalLabels: string[]; wallSeconds: number };

  beforeAll(async () => {
    writeTinyEncoder(join(root, 'encoder'), { words: WORDS, maxPositions: 16 });
    writeData(dataPath, 32);
    writeFileSync(
      configPath,
      [
        'model:',
        `  pretrained: ${join(root, 'encoder')}`,
        '  maxLength: 12',
        '  head: { hiddenDim: 8, dropout: 0.1, innerDropout: 0.1 }',
        'data:',
        `  train: { path: ${dataPath} }`,
        '  valFraction: 0.25',
        'loss: { id: bce }',
        'schedule: { epochs: 2, unfreezing: { id: ulmfit }, lr: { id: constant } }',
        'optimizer: { baseLr: 0.001 }',
        `training: { outDir: ${runDir}, batchSize: 8, backend: cpu }`,
      ].join('\n'),
    );
    summary = JSON.parse(await cli(trainCommand, ['--config', configPath, '--json']));
  }, 60_000);

  it('trains from a YAML file and prints the summary with the time it took', () => {
    expect(summary.stopReason).toBe('completed');
    expect(summary.evalLabels).toEqual(['frustration', 'satisfaction', 'confusion', 'neutral']);
    // The default keeps the last epoch's model.
    expect(summary.modelDir).toBe(join(runDir, 'last-model'));
    expect(summary.bestModelDir).toBeNull();
    expect(summary.wallSeconds).toBeGreaterThan(0);
  });

  it('says which model it kept: with modelSelection best-validation, best-model/ and why', async () => {
    const bestRunDir = join(root, 'best-validation-run');
    const bestConfig = join(root, 'best-validation.yaml');
    writeFileSync(bestConfig, readFileSync(configPath, 'utf8').replace(`outDir: ${runDir},`, `outDir: ${bestRunDir}, modelSelection: best-validation,`));
    const text = await cli(trainCommand, ['--config', bestConfig]);
    expect(text).toMatch(/^model kept: best validation epoch \([12]\) in best-model\/, modelSelection best-validation; best validation macro-F1 \d\.\d{4} at epoch [12]$/m);
    expect(text).toContain(`run directory: ${bestRunDir} (kept model: ${join(bestRunDir, 'best-model')})`);
    expect(existsSync(join(bestRunDir, 'last-model'))).toBe(false);
  }, 60_000);

  it('takes --backend over training.backend, and names the flag when its value is unknown', async () => {
    await expect(cli(trainCommand, ['--config', configPath, '--overwrite', '--backend', 'metal'])).rejects.toThrow(
      /^--backend must be one of auto, tensorflow, tfjs-node-gpu, webgpu, tfjs-node, cpu; got "metal"$/,
    );
    writeFileSync(join(root, 'bad-backend.yaml'), readFileSync(configPath, 'utf8').replace('backend: cpu', 'backend: metal'));
    await expect(cli(trainCommand, ['--config', join(root, 'bad-backend.yaml')])).rejects.toThrow(/^training\.backend must be one of .*; got "metal"$/);
    // The flag wins over the config: a valid flag runs despite the config's unknown backend (and --resume on a
    // finished run does no training, so this is quick).
    await expect(cli(trainCommand, ['--config', join(root, 'bad-backend.yaml'), '--backend', 'cpu', '--resume'])).resolves.toContain('completed');
  });

  it('refuses to overwrite the run unless asked, and resumes a finished run as a no-op', async () => {
    await expect(cli(trainCommand, ['--config', configPath])).rejects.toThrow(/already holds a run/);
    const resumed = JSON.parse(await cli(trainCommand, ['--config', configPath, '--resume', '--json']));
    expect(resumed.best).toEqual(summary.best);
    const text = await cli(trainCommand, ['--config', configPath, '--resume']);
    expect(text).toContain(`best validation macro-F1 ${summary.best.macroF1.toFixed(4)} (epoch ${summary.best.epoch}) over frustration, satisfaction, confusion, neutral`);
    expect(text).toMatch(/^time: [\d.]+ s in this process, [\d.]+ s of training over the run$/m);
  });

  it('refuses to resume on changed data naming the file, and starts over with --restart-on-data-change', async () => {
    const changed = join(root, 'changed.yaml');
    const changedData = join(root, 'changed-data.jsonl');
    const changedRun = join(root, 'changed-run');
    writeData(changedData, 32);
    writeFileSync(
      changed,
      readFileSync(configPath, 'utf8')
        .replace(`path: ${dataPath}`, `path: ${changedData}`)
        .replace(`outDir: ${runDir}`, `outDir: ${changedRun}`)
        .replace('schedule: { epochs: 2', 'schedule: { epochs: 1'),
    );
    await cli(trainCommand, ['--config', changed]);
    // Same rows and labels, one text reworded.
    writeFileSync(changedData, readFileSync(changedData, 'utf8').replace('"text":"late again"', '"text":"again late"'));
    await expect(cli(trainCommand, ['--config', changed, '--resume'])).rejects.toThrow(new RegExp(`data file ${changedData.replace(/[.]/g, '\\.')} changed since the checkpoint`));
    const restarted = JSON.parse(await cli(trainCommand, ['--config', changed, '--resume', '--restart-on-data-change', '--json']));
    expect(restarted.stopReason).toBe('completed');
  }, 60_000);

  it('evaluates the best model as JSON over the labels the data marks, at 0.5 by default', async () => {
    const report = JSON.parse(await cli(evaluateCommand, ['--model', summary.modelDir, '--data', dataPath, '--json', '--backend', 'cpu'])) as EvaluateReport;
    expect(Object.keys(report)).toEqual(['n', 'labels', 'thresholds', 'per_label', 'macro_f1', 'exact_match', 'hamming_loss']);
    expect(report.n).toBe(32);
    expect(report.labels).toEqual(['frustration', 'satisfaction', 'confusion', 'neutral']);
    expect(report.thresholds).toEqual({ frustration: 0.5, satisfaction: 0.5, confusion: 0.5, neutral: 0.5 });
    expect(report.per_label.frustration).toEqual({ precision: expect.any(Number), recall: expect.any(Number), f1: expect.any(Number), support: 8, predicted: expect.any(Number) });
    const mean = report.labels.reduce((sum, l) => sum + report.per_label[l]!.f1, 0) / 4;
    expect(report.macro_f1).toBeCloseTo(mean, 12);
  });

  it('takes thresholds from the model directory, a file or --threshold', async () => {
    const args = ['--model', summary.modelDir, '--data', dataPath, '--json', '--backend', 'cpu'];
    writeFileSync(
      join(summary.modelDir, 'thresholds.json'),
      JSON.stringify({ version: 1, strategy: 'fbeta-sweep', createdAt: '2026-01-01T00:00:00Z', thresholds: { frustration: 0.3, urgency: 0.9 }, details: {} }),
    );
    const fromDir = JSON.parse(await cli(evaluateCommand, args)) as EvaluateReport;
    expect(fromDir.thresholds).toEqual({ frustration: 0.3, satisfaction: 0.5, confusion: 0.5, neutral: 0.5 });
    const text = await cli(evaluateCommand, args.filter((a) => a !== '--json'));
    expect(text).toContain(`thresholds: ${join(summary.modelDir, 'thresholds.json')}`);
    const file = join(root, 'plain-thresholds.json');
    writeFileSync(file, JSON.stringify({ neutral: 0.7 }));
    expect((JSON.parse(await cli(evaluateCommand, [...args, '--thresholds', file])) as EvaluateReport).thresholds.neutral).toBe(0.7);
    expect((JSON.parse(await cli(evaluateCommand, [...args, '--threshold', '0.2'])) as EvaluateReport).thresholds.satisfaction).toBe(0.2);
    writeFileSync(file, JSON.stringify({ angry: 0.7 }));
    await expect(cli(evaluateCommand, [...args, '--thresholds', file])).rejects.toThrow(/unknown label "angry"/);
    await expect(cli(evaluateCommand, [...args, '--threshold', '2'])).rejects.toThrow(/--threshold must be a number in \(0, 1\)/);
    await expect(cli(evaluateCommand, [...args, '--format', 'xlsx'])).rejects.toThrow(/--format must be one of jsonl, csv, tsv, goemotions/);
  });

  it('prints a readable table without --json', async () => {
    const text = await cli(evaluateCommand, ['--model', summary.modelDir, '--data', dataPath, '--backend', 'cpu', '--threshold', '0.5']);
    expect(text).toMatch(/^32 examples; thresholds: --threshold 0\.5\nlabel\s+threshold\s+precision\s+recall\s+F1\s+support\n/);
    expect(text).toMatch(/^frustration\s+0\.500\s+\d\.\d{4}\s+\d\.\d{4}\s+\d\.\d{4}\s+8$/m);
    expect(text).toMatch(/^macro-F1 \d\.\d{4} {2}exact match \d\.\d{4} {2}Hamming loss \d\.\d{4}$/m);
  });
});
