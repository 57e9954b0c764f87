import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint } from './checkpoint';
import { MetricsLog } from './metrics-log';
import type { EpochRecord, StepRecord } from './train-records';

// Real processes: one is killed with SIGKILL in the middle of an epoch, after steps that no checkpoint holds.
const child = join(__dirname, '__tests__', 'train-child.ts');
const register = join(__dirname, '__tests__', 'register-ts.cjs');
const args = (runDir: string, ...flags: string[]) => ['-r', register, child, runDir, ...flags];

function runToEnd(runDir: string, ...flags: string[]): { stopReason: string; globalStep: number } {
  const result = spawnSync(process.execPath, args(runDir, ...flags), { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`training process failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

async function killMidEpoch(runDir: string, hangAt: number): Promise<StepRecord> {
  const proc = spawn(process.execPath, args(runDir, '--hang-at', String(hangAt)), { stdio: ['ignore', 'ignore', 'pipe'] });
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
    const summary = (dir: string) => {
      const { trainSeconds: _t, runDir: _r, bestModelDir: _b, history: _h, best, ...rest } = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      return { ...rest, best: { epoch: best.epoch, macroF1: best.macroF1 } };
    };
    expect(summary(killed)).toEqual(summary(straight));
    const bestModel = (dir: string) => readFileSync(join(dir, 'best-model', 'model.safetensors'));
    expect(bestModel(killed).equals(bestModel(straight))).toBe(true);
  }, 120_000);
});
