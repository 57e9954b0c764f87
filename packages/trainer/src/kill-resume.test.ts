import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyDistilBert } from './__tests__/fixtures';
import { readCheckpoint } from './checkpoint';
import { mulberry32 } from './rng';
import { RUN_LOCK_FILE } from './run-lock';
import { MetricsLog } from './metrics-log';
import type { EpochRecord, StepRecord } from './train-records';

// Real processes: one is killed with SIGKILL in the middle of an epoch, after steps that no checkpoint holds.
const child = join(__dirname, '__tests__', 'train-child.ts');
const register = join(__dirname, '..', '..', '..', 'tools', 'jest', 'register-ts.cjs');
const args = (runDir: string, ...flags: string[]) => ['-r', register, child, runDir, ...flags];

function runToEnd(runDir: string, ...flags: string[]): { stopReason: string; globalStep: number } {
  const result = spawnSync(process.execPath, args(runDir, ...flags), { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`training process failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

async function killMidEpoch(runDir: string, hangAt: number, ...flags: string[]): Promise<StepRecord> {
  const proc = spawn(process.execPath, args(runDir, '--hang-at', String(hangAt), ...flags), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const marker = join(runDir, 'hung.json');
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
  for (let waited = 0; !existsSync(marker); waited += 50) {
    if (proc.exitCode !== null || waited > 60_000) throw new Error(`training process ended before step ${hangAt}: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  proc.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return JSON.parse(readFileSync(marker, 'utf8')) as StepRecord;
}

interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the training process; with `stop`, waits for its `hung.json` marker (written after step `at` by `--wait-at`
 * or `--hang-at`) and sends it `signal`, once or `times` times.
 */
async function runChild(runDir: string, flags: readonly string[], stop?: { signal: NodeJS.Signals; times?: number }): Promise<ChildExit> {
  const marker = join(runDir, 'hung.json');
  rmSync(marker, { force: true });
  const proc = spawn(process.execPath, args(runDir, ...flags), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<ChildExit>((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  if (stop) {
    for (let waited = 0; !existsSync(marker); waited += 20) {
      if (proc.exitCode !== null || waited > 60_000) throw new Error(`training process ended before its stop point: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (let i = 0; i < (stop.times ?? 1); i++) {
      proc.kill(stop.signal);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return exited;
}

const lastLine = (exit: ChildExit) => JSON.parse(exit.stdout.trim().split('\n').pop()!) as { stopReason: string; globalStep: number };

const epochs = (runDir: string) =>
  MetricsLog.read(join(runDir, 'metrics.jsonl'))
    .filter((r): r is EpochRecord => r.type === 'epoch')
    .map(({ seconds: _seconds, ...rest }) => rest);
const steps = (runDir: string) =>
  MetricsLog.read(join(runDir, 'metrics.jsonl'))
    .filter((r): r is StepRecord => r.type === 'step')
    .map(({ examplesPerSecond: _speed, ...rest }) => rest);
const weights = (runDir: string) => {
  const { tensors } = readCheckpoint(join(runDir, 'checkpoint.safetensors'));
  return new Map([...tensors].map(([name, t]) => [name, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64')]));
};

const summaryOf = (dir: string) => {
  const { trainSeconds: _t, runDir: _r, bestModelDir: _b, modelDir: _m, history: _h, best, ...rest } = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  return { ...rest, best: { epoch: best.epoch, macroF1: best.macroF1 } };
};
const bestModelOf = (dir: string) => readFileSync(join(dir, 'best-model', 'model.safetensors'));
const lastModelOf = (dir: string) => readFileSync(join(dir, 'last-model', 'model.safetensors'));

describe('a training process killed mid-epoch', () => {
  it('resumes to exactly the metrics, log and weights of an uninterrupted run', async () => {
    const straight = mkdtempSync(join(tmpdir(), 'trainer-straight-'));
    expect(runToEnd(straight)).toEqual({ stopReason: 'completed', globalStep: 24 });

    const killed = mkdtempSync(join(tmpdir(), 'trainer-killed-'));
    // 6 steps per epoch, checkpoints every 4 steps: step 14 is in epoch 3, two steps after the checkpoint at 12.
    const hung = await killMidEpoch(killed, 14);
    expect(hung).toMatchObject({ epoch: 3, step: 1, globalStep: 14 });
    const checkpointed = readCheckpoint<{ epoch: number; step: number; globalStep: number }>(join(killed, 'checkpoint.safetensors')).state;
    expect(checkpointed).toMatchObject({ epoch: 3, step: 0, globalStep: 12 });
    expect(steps(killed).at(-1)!.globalStep).toBe(14); // logged by the killed process, then cut on resume

    expect(runToEnd(killed, '--resume')).toEqual({ stopReason: 'completed', globalStep: 24 });
    expect(epochs(killed)).toEqual(epochs(straight));
    expect(epochs(killed)).toHaveLength(4);
    expect(steps(killed)).toEqual(steps(straight));
    expect(weights(killed)).toEqual(weights(straight));
    expect(summaryOf(killed)).toEqual(summaryOf(straight));
    expect(bestModelOf(killed).equals(bestModelOf(straight))).toBe(true);
  }, 120_000);

  it("resumes a modelSelection last-epoch run to the same last-model/ as an uninterrupted one", async () => {
    const straight = mkdtempSync(join(tmpdir(), 'trainer-last-straight-'));
    expect(runToEnd(straight, '--last-epoch')).toEqual({ stopReason: 'completed', globalStep: 24 });
    const killed = mkdtempSync(join(tmpdir(), 'trainer-last-killed-'));
    // Step 14 is in epoch 3: last-model/ then holds epoch 2's model, which the resumed run must replace.
    expect(await killMidEpoch(killed, 14, '--last-epoch')).toMatchObject({ epoch: 3, globalStep: 14 });
    expect(existsSync(join(killed, 'last-model'))).toBe(true);
    expect(runToEnd(killed, '--resume', '--last-epoch')).toEqual({ stopReason: 'completed', globalStep: 24 });
    expect(epochs(killed)).toEqual(epochs(straight));
    expect(summaryOf(killed)).toEqual(summaryOf(straight));
    expect(summaryOf(killed)).toMatchObject({ modelSelection: 'last-epoch' });
    expect(existsSync(join(killed, 'best-model'))).toBe(false);
    expect(lastModelOf(killed).equals(lastModelOf(straight))).toBe(true);
  }, 120_000);
});

// 20 runs of a tiny random DistilBERT (2 layers, width 8), each stopped at seeded random steps by SIGTERM (the loop
// checkpoints at that step boundary and exits) or SIGKILL (the run falls back to its last checkpoint, up to 3 steps
// earlier), once or twice, then resumed to the end: every run must end bit-identical to the uninterrupted one.
describe('DistilBERT training stopped by SIGTERM or SIGKILL at seeded random points', () => {
  const RUNS = 20;
  const TOTAL_STEPS = 24; // 48 examples, batch 8, 4 epochs
  const root = mkdtempSync(join(tmpdir(), 'trainer-kills-'));
  const encoder = join(root, 'encoder');
  const model = ['--distilbert', encoder];
  let straight: string;

  beforeAll(async () => {
    writeTinyDistilBert(encoder, { words: Array.from({ length: 35 }, (_, i) => `w${i}`), layers: 2 });
    straight = join(root, 'straight');
    const exit = await runChild(straight, model);
    expect(exit.code).toBe(0);
    expect(lastLine(exit)).toEqual({ stopReason: 'completed', globalStep: TOTAL_STEPS });
  }, 60_000);

  /** The plan of run `i`: one or two stop points (increasing) and the signal of each. */
  function plan(i: number): { at: number; signal: 'SIGTERM' | 'SIGKILL' }[] {
    const random = mulberry32(0x5eed + i);
    const stops = random() < 0.3 ? 2 : 1;
    const points = new Set<number>();
    while (points.size < stops) points.add(1 + Math.floor(random() * TOTAL_STEPS));
    return [...points].sort((a, b) => a - b).map((at) => ({ at, signal: random() < 0.5 ? 'SIGTERM' : 'SIGKILL' }));
  }

  async function stopAndResume(i: number): Promise<{ plan: ReturnType<typeof plan>; runDir: string }> {
    const runDir = join(root, `run-${i}`);
    const checkpointPath = join(runDir, 'checkpoint.safetensors');
    // A run killed before its first checkpoint (every 4 steps) has nothing to resume: it starts again.
    const resume = () => (existsSync(checkpointPath) ? ['--resume'] : []);
    const stops = plan(i);
    for (const { at, signal } of stops) {
      const flags = [...model, ...resume(), signal === 'SIGTERM' ? '--wait-at' : '--hang-at', String(at)];
      const exit = await runChild(runDir, flags, { signal });
      const checkpointed = existsSync(checkpointPath) ? readCheckpoint<{ globalStep: number }>(checkpointPath).state.globalStep : 0;
      if (signal === 'SIGTERM') {
        // A clean stop: checkpointed exactly at the step boundary, lock released, exit 0.
        expect({ run: i, at, code: exit.code, stopped: lastLine(exit), checkpointed }).toEqual({
          run: i,
          at,
          code: 0,
          stopped: { stopReason: 'interrupted', globalStep: at },
          checkpointed: at,
        });
        expect(existsSync(join(runDir, RUN_LOCK_FILE))).toBe(false);
      } else {
        expect({ run: i, at, signal: exit.signal }).toEqual({ run: i, at, signal: 'SIGKILL' });
        expect(checkpointed).toBeLessThanOrEqual(at);
        expect(existsSync(join(runDir, RUN_LOCK_FILE))).toBe(true); // left behind, taken over on resume
      }
    }
    const resumed = await runChild(runDir, [...model, ...resume()]);
    expect({ run: i, code: resumed.code, end: resumed.code === 0 ? lastLine(resumed) : resumed.stderr }).toEqual({
      run: i,
      code: 0,
      end: { stopReason: 'completed', globalStep: TOTAL_STEPS },
    });
    if (stops.at(-1)!.signal === 'SIGKILL') expect(resumed.stderr).toMatch(/taking over the lock of process \d+ .*no longer running/);
    return { plan: stops, runDir };
  }

  it(`ends each of ${RUNS} stopped and resumed runs bit-identical (weights, optimizer state, metrics, best model)`, async () => {
    // Two at a time: the processes are mostly start-up and the machine has two cores.
    const results: { plan: ReturnType<typeof plan>; runDir: string }[] = [];
    for (let i = 0; i < RUNS; i += 2) results.push(...(await Promise.all([stopAndResume(i), stopAndResume(i + 1)])));
    const signals = results.flatMap((r) => r.plan.map((s) => s.signal));
    // The seeded plans cover both signals and both one and two stops.
    expect(new Set(signals)).toEqual(new Set(['SIGTERM', 'SIGKILL']));
    expect(results.some((r) => r.plan.length === 2)).toBe(true);
    let identical = 0;
    for (const { runDir } of results) {
      expect(epochs(runDir)).toEqual(epochs(straight));
      expect(steps(runDir)).toEqual(steps(straight));
      expect(weights(runDir)).toEqual(weights(straight));
      expect(summaryOf(runDir)).toEqual(summaryOf(straight));
      expect(bestModelOf(runDir).equals(bestModelOf(straight))).toBe(true);
      identical++;
    }
    expect(identical).toBe(RUNS);
  }, 600_000);

  it('exits at once on a second SIGTERM while the first waits for a step to end', async () => {
    const runDir = join(root, 'twice');
    // --hang-at never finishes its step, so only the second signal can end the process.
    const exit = await runChild(runDir, [...model, '--hang-at', '5'], { signal: 'SIGTERM', times: 2 });
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 143, signal: null });
  }, 60_000);
});
