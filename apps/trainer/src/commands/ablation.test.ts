import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAblationConfig } from './ablation/ablation-config';
import { rowMetrics } from './ablation/ablation-evaluate';
import { runAblationCommand } from './ablation';
import { writeTinyEncoder } from './__tests__/tiny-encoder';

const WORDS = ['late', 'again', 'love', 'this', 'where', 'is', 'my', 'order', 'confused', 'how', 'cancel', 'fine'];

function writeData(path: string, n: number, offset: number): void {
  const kinds = [
    { text: 'late again where is my order', labels: ['frustration', 'urgency'] },
    { text: 'i love this fine', labels: ['satisfaction'] },
    { text: 'how is this confused', labels: ['confusion'] },
    { text: 'cancel my order again', labels: ['churn_risk', 'frustration'] },
    { text: 'this is my order', labels: ['neutral'] },
  ];
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify(kinds[(i + offset) % kinds.length]));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

describe('ablation config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ablation-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it.each([
    ['unknown row id', 'corpus: { examples: 100 }\nrows: [head-only, warp-drive]\n', /rows\.1[\s\S]*head-only/],
    ['unknown loss row', 'corpus: { examples: 100 }\nlossRows: [focal-g7]\n', /lossRows\.0[\s\S]*focal-g2-alpha/],
    ['neither data nor corpus', 'rows: [head-only]\n', /base\.data[\s\S]*corpus/],
    ['both data and corpus', 'corpus: { examples: 100 }\nbase: { data: { train: { path: t.jsonl } } }\n', /either corpus or base\.data/],
    ['an outDir in the base', 'corpus: { examples: 100 }\nbase: { training: { outDir: x } }\n', /base\.training\.outDir/],
    ['a row listed twice', 'corpus: { examples: 100 }\nrows: [head-only, head-only]\n', /rows\.1[\s\S]*listed twice/],
    ['a negative limit', 'corpus: { examples: 100 }\nlimitExamples: -3\n', /limitExamples/],
    ['an unknown key', 'corpus: { examples: 100 }\nepochz: 2\n', /epochz/],
    ['a bad base job section', 'corpus: { examples: 100 }\nbase: { optimizer: { baseLr: -1 } }\n', /base job[\s\S]*optimizer\.baseLr/],
  ])('rejects %s, naming the file and the path', (_name, text, message) => {
    const file = write('bad.yaml', text);
    let error: unknown;
    try {
      loadAblationConfig(file, {});
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(message);
  });

  it('takes its name from the file and fills the defaults', () => {
    const config = loadAblationConfig(write('my-ablation.yaml', 'corpus: { examples: 100 }\n'), {});
    expect(config.name).toBe('my-ablation');
    expect(config.rows).toHaveLength(7);
    expect(config.lossRows).toHaveLength(7);
    expect(config.latency).toEqual({ runs: 50, tokens: 24 });
  });
});

describe('ablation, end to end on a tiny model', () => {
  const root = mkdtempSync(join(tmpdir(), 'ablation-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes both tables with one line per row, the plots, and reuses finished rows', async () => {
    writeTinyEncoder(join(root, 'encoder'), { words: WORDS, maxPositions: 32 });
    writeData(join(root, 'train.jsonl'), 40, 0);
    writeData(join(root, 'validation.jsonl'), 15, 2);
    const configPath = join(root, 'tiny.yaml');
    writeFileSync(
      configPath,
      [
        `outRoot: ${join(root, 'runs')}`,
        'base:',
        `  model: { pretrained: ${join(root, 'encoder')}, maxLength: 12, head: { hiddenDim: 8, dropout: 0.1, innerDropout: 0.1 } }`,
        `  data: { train: { path: ${join(root, 'train.jsonl')} }, validation: { path: ${join(root, 'validation.jsonl')} } }`,
        '  schedule: { lr: { id: constant } }',
        '  optimizer: { baseLr: 0.001 }',
        '  training: { batchSize: 8 }',
        'epochs: 1',
        'rows: [head-only, focal-loss, churn-boost]',
        'lossRows: [bce, focal-g3]',
        'latency: { runs: 3, tokens: 10 }',
        `keepBest: ${join(root, 'kept', 'model')}`,
      ].join('\n'),
    );
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const first = await runAblationCommand({ config: configPath, backend: 'cpu' });
      const report = readFileSync(first.report, 'utf8');
      const section = (title: string) => report.split(`## ${title}`)[1]!.split('\n## ')[0]!;
      const lines = (text: string) => text.split('\n').filter((l) => /^\| [a-z]/.test(l) && !l.startsWith('| row'));
      expect(lines(section('Ablation')).map((l) => l.split(':')[0])).toEqual(['| head-only', '| focal-loss', '| churn-boost']);
      expect(lines(section('Loss comparison')).map((l) => l.split(':')[0])).toEqual(['| bce', '| focal-g3']);
      expect(report).toContain('macro-F1 | frustration recall | churn_risk F1 | exact match | training time (s) | P50 latency (ms)');
      for (const l of [...lines(section('Ablation')), ...lines(section('Loss comparison'))]) {
        expect(l.split('|').slice(2, -1).every((cell) => /^ (\d+\.\d+|n\/a) $/.test(cell))).toBe(true);
      }
      // head-only, focal-loss (shared by churn-boost), gradual-unfreezing (the bce row) and focal-g3: four runs.
      expect([...first.outcome.runs.keys()].sort()).toEqual(['focal-g3', 'focal-loss', 'gradual-unfreezing', 'head-only']);
      expect([...first.outcome.runs.values()].every((r) => !r.reused)).toBe(true);
      for (const file of ['curves-head-only.svg', 'threshold-frustration.svg', 'pr-churn_risk.svg']) {
        expect(existsSync(join(first.outcome.root, 'report', file))).toBe(true);
      }
      expect(readFileSync(join(first.outcome.root, 'rows', 'focal-loss', 'config.json'), 'utf8')).toContain('"alpha"');

      // The kept model is the run with the best macro-F1 at 0.5, in the quickstart's layout, thresholds calibrated.
      const atHalf = [...first.outcome.runs.values()].map((run) => ({ id: run.id, f1: rowMetrics(run.scores, {}).macroF1 }));
      const best = Math.max(...atHalf.map((r) => r.f1));
      expect(first.outcome.kept).toMatchObject({ run: atHalf.find((r) => r.f1 === best)!.id, macroF1: best, dir: join(root, 'kept', 'model') });
      for (const file of ['config.json', 'model.safetensors', 'tokenizer.json', 'thresholds.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx']) {
        expect(existsSync(join(root, 'kept', 'model', file))).toBe(true);
      }
      const thresholds = JSON.parse(readFileSync(join(root, 'kept', 'model', 'thresholds.json'), 'utf8')) as { thresholds: Record<string, number> };
      expect(thresholds.thresholds).toEqual(first.outcome.kept!.thresholds);
      expect(Object.keys(thresholds.thresholds).sort()).toEqual(['churn_risk', 'confusion', 'frustration', 'neutral', 'satisfaction', 'urgency']);
      expect(report).toContain(`best model: run ${first.outcome.kept!.run}`);
      expect(report).toMatch(/4 run\(s\) trained by it and 0 reused from an earlier invocation; training time of all 4 runs: \d+ s/);
      // Progress: one line per epoch, tagged with the run.
      expect(stderr.mock.calls.map((call) => String(call[0])).join('')).toMatch(/^\[focal-g3\] epoch 1: groups/m);

      const second = await runAblationCommand({ config: configPath, backend: 'cpu' });
      expect([...second.outcome.runs.values()].every((r) => r.reused)).toBe(true);
      expect(readFileSync(second.report, 'utf8')).toContain('0 run(s) trained by it and 4 reused from an earlier invocation');
      expect(second.outcome.rows.map((r) => r.metrics)).toEqual(first.outcome.rows.map((r) => r.metrics));
    } finally {
      stderr.mockRestore();
    }
  }, 120_000);
});
