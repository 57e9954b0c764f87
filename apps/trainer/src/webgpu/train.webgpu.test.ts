// Training, evaluation and the training benchmark on WebGPU, through the commands people run: one training step's
// updated weights equal the cpu backend's, evaluation reports the same metrics, and `bench train --steps 2` runs.
// These are the paths where a synchronous read (impossible on WebGPU in Node) would throw.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@mangaassist/model-format';
import { trainBenchReport } from '../commands/bench/train';
import type { CommandModule } from '../commands/command-module';
import type { EvaluateReport } from '@mangaassist/pipelines';
import { evaluateCommand } from '../commands/evaluate';
import { trainCommand } from '../commands/train';
import { writeTinyEncoder } from '../commands/__tests__/tiny-encoder';
import { describeOnWebgpu, maxAbsDifference, worstExcess } from './__tests__/webgpu-testing';
import { runCommand } from '../__tests__/run-command';

const WORDS = ['late', 'again', 'love', 'this', 'where', 'is', 'my', 'order', 'confused', 'how', 'ok', 'fine'];
const KINDS = [
  ['where is my order late again', 'frustration'],
  ['love this', 'satisfaction'],
  ['how is this ok confused', 'confusion'],
  ['ok fine', 'neutral'],
];
// 40 examples, 8 held out for validation: the 32 left make one batch, so the run is exactly one optimizer step.
const EXAMPLES = 40;
const LR = 1e-3;

/** The float32 tensors of a safetensors file (the models here hold nothing else), by name. */
function float32Tensors(path: string): Map<string, Float32Array> {
  const { tensors } = readSafetensors(path);
  return new Map([...tensors].map(([name, t]) => [name, t.data as Float32Array]));
}

const cli = async (command: CommandModule, args: string[]): Promise<string> => (await runCommand(command, args)).stdout;

/** The job file of a run into `outDir`: the same job on either backend. */
function jobConfig(root: string, dataPath: string, outDir: string): string {
  return [
    'model:',
    `  pretrained: ${join(root, 'encoder')}`,
    '  maxLength: 12',
    // The deep head alone and the design's discriminative rates (the tolerance below is sized on them), best epoch kept.
    '  head: { hiddenDim: 8, dropout: 0.1, innerDropout: 0.1, wide: { enabled: false } }',
    'data:',
    `  train: { path: ${dataPath} }`,
    '  valFraction: 0.2',
    'loss: { id: focal }',
    // Every layer trains, so the step runs the whole encoder's backward pass and every variable's update.
    'schedule: { epochs: 1, unfreezing: { id: full }, lr: { id: constant } }',
    `optimizer: { baseLr: ${LR}, lrDecay: 2.6 }`,
    `training: { outDir: ${outDir}, batchSize: 32, seed: 3, modelSelection: best-validation }`,
  ].join('\n');
}

describeOnWebgpu('train, evaluate and bench train', () => {
  const root = mkdtempSync(join(tmpdir(), 'webgpu-train-'));
  const dataPath = join(root, 'data.jsonl');
  const backends = ['cpu', 'webgpu'] as const;
  const configs = { cpu: join(root, 'cpu.yaml'), webgpu: join(root, 'webgpu.yaml') };
  const runs = { cpu: join(root, 'run-cpu'), webgpu: join(root, 'run-webgpu') };

  beforeAll(() => {
    writeTinyEncoder(join(root, 'encoder'), { words: WORDS, maxPositions: 16 });
    const lines = Array.from({ length: EXAMPLES }, (_, i) => JSON.stringify({ text: KINDS[i % 4]![0], labels: [KINDS[i % 4]![1]] }));
    writeFileSync(dataPath, `${lines.join('\n')}\n`);
    for (const backend of backends) writeFileSync(configs[backend], jobConfig(root, dataPath, runs[backend]));
  });

  // Tolerance on each weight after the step. AdamW's first step moves a weight by lr_group·g/(|g| + ε) ≈ ±lr_group
  // wherever |g| ≫ ε, so gradient rounding barely reaches the weights; what remains is float32 rounding of w and of
  // the update, and the two optimizer implementations (fused loop on cpu, tensor ops on WebGPU). Measured on
  // lavapipe: at most 2.6e-8. 1e-6 is 40x that, and 1/20 of the smallest step (lr 1e-3 / 2.6^4 = 2.2e-5 for the
  // embeddings, discriminative rates): an update of the wrong size or sign on any weight fails.
  const WEIGHT_ATOL = 1e-6;

  it('one training step gives the weights the cpu backend gives', async () => {
    const summaries: Record<string, { globalStep: number; bestModelDir: string }> = {};
    for (const backend of backends) {
      summaries[backend] = JSON.parse(await cli(trainCommand, ['--config', configs[backend], '--backend', backend, '--json']));
      expect(summaries[backend]!.globalStep).toBe(1);
    }
    const initial = float32Tensors(join(root, 'encoder', 'model.safetensors'));
    const [cpu, webgpu] = backends.map((b) => float32Tensors(join(summaries[b]!.bestModelDir, 'model.safetensors')));
    expect([...webgpu!.keys()]).toEqual([...cpu!.keys()]);
    const outOfTolerance: string[] = [];
    const still: string[] = [];
    for (const [name, expected] of cpu!) {
      const actual = webgpu!.get(name)!;
      if (!(worstExcess(actual, expected, WEIGHT_ATOL, 0) <= 1)) outOfTolerance.push(`${name}: ${maxAbsDifference(actual, expected)}`);
      const start = initial.get(name.replace(/^distilbert\./, ''));
      if (start && maxAbsDifference(expected, start) < 10 * WEIGHT_ATOL) still.push(name);
    }
    expect(outOfTolerance).toEqual([]);
    // Not vacuous: every encoder weight moved by more than 10x the tolerance, except the key biases, whose gradient
    // is 0 (softmax ignores a constant added to all of a query's scores).
    expect(still).toEqual(['distilbert.transformer.layer.0.attention.k_lin.bias', 'distilbert.transformer.layer.1.attention.k_lin.bias']);
  });

  it('evaluation on WebGPU reports what it reports on cpu', async () => {
    const model = join(runs.webgpu, 'best-model');
    // One after the other: the active backend is global to the process.
    const evaluate = async (backend: string) =>
      JSON.parse(await cli(evaluateCommand, ['--model', model, '--data', dataPath, '--json', '--backend', backend])) as EvaluateReport;
    const cpu = await evaluate('cpu');
    const webgpu = await evaluate('webgpu');
    expect(webgpu.n).toBe(EXAMPLES);
    expect(webgpu).toEqual(cpu);
  });

  it('bench train --steps 2 runs', async () => {
    const report = await trainBenchReport({
      synthetic: true,
      examples: '4',
      batch: '2',
      seq: '8',
      steps: '2',
      warmup: '0',
      trainable: 'full',
      backend: 'webgpu',
      kernels: 'native',
      pytorch: false,
    });
    expect(report).toMatchObject({ backend: 'webgpu', steps_timed: 2, steps_per_epoch: 2, projected: false });
    expect(report.backend_selection).toContain('tfjs backend: webgpu');
    expect(report.kernels.native).toBe(false);
    expect(report.step_ms_median).toBeGreaterThan(0);
    expect(report.trainable_parameters).toBeGreaterThan(1_000_000);
  });
});
