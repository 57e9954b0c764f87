import { spawn } from 'node:child_process';
import { join } from 'node:path';

// Real processes: jest's sandboxed `process` does not receive signals sent to the test process.
const register = join(__dirname, '..', '..', '..', '..', 'tools', 'jest', 'register-ts.cjs');
const child = join(__dirname, '__tests__', 'stop-child.ts');

async function stopped(signal: NodeJS.Signals, options: { times?: number; stuck?: boolean } = {}) {
  const proc = spawn(process.execPath, ['-r', register, child, ...(options.stuck ? ['stuck'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('close', (code, sig) => resolve({ code, signal: sig })));
  await new Promise<void>((resolve) =>
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('ready\n')) resolve();
    }),
  );
  for (let i = 0; i < (options.times ?? 1); i++) {
    proc.kill(signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { ...(await exited), stdout, stderr };
}

describe('checkpointOnInterrupt', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('turns %s into "checkpoint after the current step", then exits with %i', async (signal, code) => {
    const result = await stopped(signal);
    expect(result).toMatchObject({ code, signal: null });
    expect(result.stdout).toContain(`{"reason":"${signal}"}`);
    expect(result.stderr).toContain(`${signal}: checkpointing after the current step`);
  }, 30_000);

  it('quits at once on a second signal while the first waits for the step to end', async () => {
    const result = await stopped('SIGTERM', { times: 2, stuck: true });
    expect(result).toMatchObject({ code: 143, signal: null });
    expect(result.stdout).not.toContain('reason');
  }, 30_000);
});
