import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMangaAssistError } from '@mangaassist/common';
import { bceLoss, LABELS, toyExamples, useCpuBackend, VOCAB } from './__tests__/fixtures';
import { createLrScheduleRegistry, createUnfreezingRegistry } from './registries';
import { lockRunDir, readRunLock, RUN_LOCK_FILE } from './run-lock';
import { createTinyClassifier } from './testing/tiny-classifier';
import { trainClassifier } from './train-loop';

const dir = () => mkdtempSync(join(tmpdir(), 'trainer-lock-'));
const writeLock = (runDir: string, holder: object) => writeFileSync(join(runDir, RUN_LOCK_FILE), JSON.stringify(holder));
/** The pid of a process that has exited (and so is not alive). */
const deadPid = () => spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout.trim();

describe('the run-directory lock', () => {
  it('records pid, host and start time, nests within a process and is removed on release', () => {
    const runDir = dir();
    const release = lockRunDir(runDir);
    const holder = readRunLock(runDir)!;
    expect(holder).toEqual({ pid: process.pid, host: hostname(), startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const inner = lockRunDir(runDir);
    inner();
    expect(existsSync(join(runDir, RUN_LOCK_FILE))).toBe(true); // the outer holder still has it
    release();
    release(); // releasing twice is harmless
    expect(existsSync(join(runDir, RUN_LOCK_FILE))).toBe(false);
  });

  it('refuses a directory held by a live process, naming the holder', () => {
    const runDir = dir();
    // The parent (jest's runner) is alive for as long as this test runs.
    writeLock(runDir, { pid: process.ppid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' });
    let error: unknown;
    try {
      lockRunDir(runDir);
    } catch (e) {
      error = e;
    }
    expect(isMangaAssistError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toBe(
      `run directory ${runDir} is in use by process ${process.ppid} on ${hostname()} (since 2026-01-01T00:00:00.000Z); ` +
        `wait for it to finish, stop it, or remove ${join(runDir, RUN_LOCK_FILE)} if that process is gone`,
    );
    // A holder on another host cannot be checked from here: refused too.
    writeLock(runDir, { pid: Number(deadPid()), host: `${hostname()}-elsewhere`, startedAt: '2026-01-01T00:00:00.000Z' });
    expect(() => lockRunDir(runDir)).toThrow(/in use by process \d+ on .*-elsewhere/);
  });

  it('takes over the lock of a process that is gone, saying so', () => {
    const runDir = dir();
    const pid = Number(deadPid());
    writeLock(runDir, { pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' });
    const lines: string[] = [];
    const release = lockRunDir(runDir, { log: (line) => lines.push(line) });
    expect(lines).toEqual([
      `${join(runDir, RUN_LOCK_FILE)}: taking over the lock of process ${pid} on ${hostname()} (since 2026-01-01T00:00:00.000Z), which is no longer running`,
    ]);
    expect(JSON.parse(readFileSync(join(runDir, RUN_LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('keeps a second trainer out of a run directory in use, before it touches any file', async () => {
    await useCpuBackend();
    const runDir = dir();
    writeLock(runDir, { pid: process.ppid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' });
    // What another process's checkpoint write in progress looks like; the stale-temporary cleanup would delete it.
    const theirs = join(runDir, `.checkpoint.safetensors.${process.ppid}.tmp`);
    writeFileSync(theirs, 'in progress');
    const run = trainClassifier({
      classifier: createTinyClassifier({ labels: LABELS, vocabSize: VOCAB, dim: 8, seed: 3 }),
      loss: bceLoss(),
      train: toyExamples(16, 1),
      validation: toyExamples(8, 2),
      unfreezing: createUnfreezingRegistry().create('full', {}, undefined),
      lrSchedule: createLrScheduleRegistry().create('constant', {}, undefined),
      optimizer: { baseLr: 1e-2, lrDecay: 1, weightDecay: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, gradClipNorm: 1 },
      epochs: 1,
      batchSize: 8,
      seed: 1,
      runDir,
    });
    await expect(run).rejects.toThrow(/is in use by process/);
    expect(readFileSync(theirs, 'utf8')).toBe('in progress');
  }, 30_000);
});
