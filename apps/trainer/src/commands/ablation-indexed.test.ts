/**
 * The ablation at scale: one row per process, as the pods of the emitted Kubernetes Indexed Job run it, and the
 * report collected from the row files — which must be the report the in-process runner writes for the same rows.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigFile } from '@mangaassist/common';
import { ablationPlan, ablationRowFileName, loadAblationConfig, TRAINER_IMAGE_MAIN } from '@mangaassist/pipelines';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ablationCommand, emitAblationIndexedJob, runAblationCommand, runAblationRowCommand } from './ablation';
import { writeTinyEncoder } from './__tests__/tiny-encoder';
import { runCommand } from '../__tests__/run-command';

const WORDS = ['late', 'again', 'love', 'this', 'where', 'is', 'my', 'order', 'confused', 'how', 'cancel', 'fine'];
const repo = join(__dirname, '..', '..', '..', '..');

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

// Sources load through SWC in the child processes, as in jest.
const register = join(repo, 'tools', 'jest', 'register-ts.cjs');
const main = join(__dirname, '..', 'main.ts');

interface Container {
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: { name: string; value?: string; valueFrom?: { fieldRef: { fieldPath: string } } }[];
  securityContext: unknown;
  volumeMounts: { name: string; mountPath: string }[];
}
interface JobManifest {
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    completionMode: string;
    completions: number;
    parallelism: number;
    template: { spec: { restartPolicy: string; securityContext: unknown; containers: Container[]; volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[] } };
  };
}

/** One pod of the Job, as a local process: its args with the completion index filled in, and its environment. */
function runPod(container: Container, index: number): Promise<{ code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MANGAASSIST_CFG__')));
  for (const variable of container.env) env[variable.name] = variable.value ?? String(index);
  const args = container.args.map((arg) => arg.replace('$(JOB_COMPLETION_INDEX)', env.JOB_COMPLETION_INDEX!));
  const proc = spawn(process.execPath, ['-r', register, main, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  proc.stdout.resume();
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stderr })));
}

/** The report without what differs between two commands over the same runs: the command, the backend line, wall time, and the baseline's timings. */
function comparable(report: string): string {
  return report
    .split('\n')
    .filter((line) => !/^- (command|machine|wall time):/.test(line))
    .map((line) => (line.startsWith('| tfidf-baseline:') ? line.split(' | ').map((cell, i) => (i === 5 || i === 6 ? '<time>' : cell)).join(' | ') : line))
    .join('\n');
}

describe('ablation as an Indexed Job: one row per process, then collect', () => {
  const root = mkdtempSync(join(tmpdir(), 'ablation-indexed-'));
  const configPath = join(root, 'tiny.yaml');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  beforeAll(() => {
    writeTinyEncoder(join(root, 'encoder'), { words: WORDS, maxPositions: 32 });
    writeData(join(root, 'train.jsonl'), 40, 0);
    writeData(join(root, 'validation.jsonl'), 15, 2);
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
        'rows: [head-only, threshold-optimisation]',
        'lossRows: [focal-g2-alpha]',
        'latency: { runs: 3, tokens: 10 }',
        'handwritten: { slices: [dev] }',
      ].join('\n'),
    );
  });

  it('plans one index per training run: rows that share a model share its index', () => {
    const plan = ablationPlan(loadAblationConfig(configPath, {}));
    expect(plan.map(({ index, run, rows }) => ({ index, run, rows }))).toEqual([
      { index: 0, run: 'head-only', rows: ['head-only'] },
      { index: 1, run: 'focal-loss', rows: ['threshold-optimisation', 'focal-g2-alpha'] },
    ]);
  });

  it('emits one valid batch/v1 Indexed Job on the trainer image, a completion per row, sharing the claim', () => {
    const file = join(root, 'job.yaml');
    emitAblationIndexedJob({ config: configPath, backend: 'cpu', emitIndexedJob: file, pvc: 'ablation-data', mountPath: root });
    const manifest = readConfigFile(file, {}) as JobManifest;
    expect(() => new Job(manifest as never).validate()).not.toThrow();
    expect(manifest.spec).toMatchObject({ completionMode: 'Indexed', completions: 2, parallelism: 2 });
    const pod = manifest.spec.template.spec;
    const [container] = pod.containers;
    expect(container!.args).toEqual(['ablation', '--config', configPath, '--row', '$(JOB_COMPLETION_INDEX)', '--out', join(root, 'runs', 'tiny', 'row-results'), '--backend', 'cpu']);
    expect(container!.env).toContainEqual({ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } });
    expect(container!.env).toContainEqual({ name: 'MANGAASSIST_CFG__OUT_ROOT', value: join(root, 'runs') });
    expect(pod.volumes.find((v) => v.name === 'shared')?.persistentVolumeClaim).toEqual({ claimName: 'ablation-data' });
    expect(container!.volumeMounts).toContainEqual({ name: 'shared', mountPath: root });

    // The trainer image's conventions: its entry point (another command of the same CLI), image, user and hardening.
    const trainerStage = readFileSync(join(repo, 'deploy', 'Dockerfile'), 'utf8').split(/^FROM \S+ AS trainer$/m)[1]!;
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(trainerStage)![1]!) as string[];
    expect(container!.command).toEqual(entrypoint.slice(0, 2));
    expect(TRAINER_IMAGE_MAIN).toBe(entrypoint[1]);
    const trainingJob = readConfigFile(join(repo, 'deploy', 'k8s', 'training-job.yaml'), {}) as JobManifest;
    const trainingPod = trainingJob.spec.template.spec;
    expect(container!.image).toBe(trainingPod.containers[0]!.image);
    expect(pod.securityContext).toEqual(trainingPod.securityContext);
    expect(container!.securityContext).toEqual(trainingPod.containers[0]!.securityContext);
    expect(pod.restartPolicy).toBe('Never');
    expect(manifest.metadata.labels['app.kubernetes.io/name']).toBe(trainingJob.metadata.labels['app.kubernetes.io/name']);
  });

  it('refuses options that do not go together, and a row outside the plan', async () => {
    await expect(runCommand(ablationCommand, ['--config', configPath, '--row', '0'])).rejects.toThrow('--row needs --out <dir>');
    await expect(runCommand(ablationCommand, ['--config', configPath, '--row', '0', '--out', root, '--collect', root])).rejects.toThrow(
      'give one of --row, --collect and --emit-indexed-job, not --row and --collect',
    );
    await expect(runCommand(ablationCommand, ['--config', configPath, '--emit-indexed-job', join(root, 'x.yaml')])).rejects.toThrow('--emit-indexed-job needs --pvc <claim>');
    await expect(runCommand(ablationCommand, ['--config', configPath, '--pvc', 'data'])).rejects.toThrow('--pvc: only with --emit-indexed-job <file>');
    await expect(runAblationRowCommand({ config: configPath, backend: 'cpu', row: '2', out: join(root, 'nowhere') })).rejects.toThrow(
      /--row must be an integer from 0 to 1 \(the 2 runs of .*tiny\.yaml: head-only, focal-loss\); got 2/,
    );
    await expect(runAblationRowCommand({ config: configPath, backend: 'cpu', row: 'one', out: root })).rejects.toThrow('--row must be a row index (0, 1, …), got one');
  });

  it('runs the two rows as two processes and collects the report the in-process runner writes for the same rows', async () => {
    const manifest = readConfigFile(join(root, 'job.yaml'), {}) as JobManifest;
    const container = manifest.spec.template.spec.containers[0]!;
    const results = join(root, 'runs', 'tiny', 'row-results');
    // Both pods at once, as parallelism 2 starts them: nothing is shared between them but the files they write.
    const pods = await Promise.all([runPod(container, 0), runPod(container, 1)]);
    pods.forEach((pod, i) => expect({ row: i, code: pod.code, stderr: pod.code === 0 ? '' : pod.stderr }).toEqual({ row: i, code: 0, stderr: '' }));
    expect(pods[1]!.stderr).toContain('row 1 of 2: run focal-loss (table rows threshold-optimisation, focal-g2-alpha)');
    // One file per row, and no temporary file left behind.
    expect(readdirSync(results).sort()).toEqual([ablationRowFileName(0), ablationRowFileName(1)]);

    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const collected = await runAblationCommand({ config: configPath, backend: 'cpu', collect: results });
      const collectedReport = readFileSync(collected.report, 'utf8');
      expect(collected.outcome.missing).toEqual([]);
      expect([...collected.outcome.runs.values()].map((r) => r.reused)).toEqual([false, false]);
      expect(collectedReport).toContain('2 run(s) trained by the row processes and 0 reused');

      // The in-process runner over the same config finds the runs the pods trained and scores them itself.
      const inProcess = await runAblationCommand({ config: configPath, backend: 'cpu' });
      expect([...inProcess.outcome.runs.values()].every((r) => r.reused)).toBe(true);
      const inProcessReport = readFileSync(inProcess.report, 'utf8');
      expect(collected.outcome.rows).toEqual(inProcess.outcome.rows);
      expect(collected.outcome.rows.map((r) => r.id)).toEqual(['head-only', 'threshold-optimisation', 'focal-g2-alpha']);
      for (const key of ['metrics', 'handwritten', 'ownRule', 'trainExamples', 'sameTrainingSet'] as const) {
        expect(collected.outcome.baseline[key]).toEqual(inProcess.outcome.baseline[key]);
      }
      for (const [id, run] of inProcess.outcome.runs) expect(collected.outcome.runs.get(id)!.scores).toEqual(run.scores);
      expect(comparable(collectedReport)).toEqual(comparable(inProcessReport));
      expect(comparable(collectedReport).split('\n').length).toBeGreaterThan(15);

      // A missing row: the report is built from the rows found, and says which row is missing.
      const partial = join(root, 'partial');
      mkdirSync(partial);
      copyFileSync(join(results, ablationRowFileName(0)), join(partial, ablationRowFileName(0)));
      writeFileSync(join(partial, `.${ablationRowFileName(1)}.999.tmp`), '{"format": "mangaassist-ablation-row", "vers');
      const incomplete = await runAblationCommand({ config: configPath, backend: 'cpu', collect: partial });
      expect(incomplete.outcome.missing).toEqual([{ index: 1, run: 'focal-loss', rows: ['threshold-optimisation', 'focal-g2-alpha'] }]);
      expect(incomplete.outcome.rows.map((r) => r.id)).toEqual(['head-only']);
      expect(readFileSync(incomplete.report, 'utf8')).toContain('- INCOMPLETE: 1 of 2 rows have no row file, and their table lines are left out: row 1 (run focal-loss: threshold-optimisation, focal-g2-alpha)');
    } finally {
      stderr.mockRestore();
    }
  }, 240_000);

  it('fails naming the row file when one is corrupt, belongs elsewhere, or the folder is missing', async () => {
    const results = join(root, 'runs', 'tiny', 'row-results');
    const corrupt = (name: string, text: string) => {
      const dir = mkdtempSync(join(root, 'corrupt-'));
      copyFileSync(join(results, ablationRowFileName(0)), join(dir, ablationRowFileName(0)));
      writeFileSync(join(dir, name), text);
      return { dir, file: join(dir, name) };
    };
    const row1 = readFileSync(join(results, ablationRowFileName(1)), 'utf8');
    const truncated = corrupt(ablationRowFileName(1), row1.slice(0, row1.length / 2));
    await expect(runAblationCommand({ config: configPath, backend: 'cpu', collect: truncated.dir })).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringContaining(`ablation row file ${truncated.file} is not valid JSON`),
    });
    const incomplete = JSON.parse(row1) as Record<string, unknown>;
    delete incomplete.scores;
    const noScores = corrupt(ablationRowFileName(1), JSON.stringify(incomplete));
    await expect(runAblationCommand({ config: configPath, backend: 'cpu', collect: noScores.dir })).rejects.toThrow(
      new RegExp(`ablation row file ${noScores.file.replace(/[.]/g, '\\.')} is not a valid row \\(scores: `),
    );
    const misplaced = corrupt(ablationRowFileName(1), readFileSync(join(results, ablationRowFileName(0)), 'utf8'));
    await expect(runAblationCommand({ config: configPath, backend: 'cpu', collect: misplaced.dir })).rejects.toThrow(`ablation row file ${misplaced.file} does not fit: it holds row 0, not 1`);
    await expect(runAblationCommand({ config: configPath, backend: 'cpu', collect: join(root, 'no-such-dir') })).rejects.toThrow(/no such folder/);
    expect(existsSync(join(root, 'no-such-dir'))).toBe(false);
  });
});
