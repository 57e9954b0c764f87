import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from './__tests__/helpers/server-process';

// A real server process on the tiny exported model, with the inference worker's test-only fault hook switched on:
// a batch holding "[[fault:hang]]" blocks the worker thread for good, one holding "[[fault:exit]]" ends it.
const REQUEST_TIMEOUT_MS = 1000;
const INFERENCE_DEADLINE_MS = 1500;
const SHUTDOWN_TIMEOUT_MS = 2000;

const classify = (server: ServerProcess, text: string) => server.client.send({ method: 'POST', url: '/v1/classify', payload: { text } });

async function waitUntil(condition: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return condition();
}

describe('fault injection on a real server process', () => {
  let dir: string;
  let server: ServerProcess;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fault-injection-'));
    server = await startServerProcess(
      dir,
      { workers: 1, requestTimeoutMs: REQUEST_TIMEOUT_MS, inferenceDeadlineMs: INFERENCE_DEADLINE_MS, shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS, shutdownGraceMs: 0 },
      { MANGAASSIST_FAULT_INJECTION: '1' },
    );
  }, 30_000);
  afterAll(async () => {
    await server.client.close();
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a batch stuck in a hung worker with 503 + Retry-After, replaces the worker, and recovers', async () => {
    expect((await classify(server, 'where is my order?')).statusCode).toBe(200);
    const started = Date.now();
    const stuck = await classify(server, '[[fault:hang]]');
    expect(stuck.statusCode).toBe(503);
    expect(stuck.headers['retry-after']).toEqual(expect.any(String));
    expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS + 1000);
    // The worker is declared hung at the deadline, replaced, and the service serves again.
    expect(await waitUntil(async () => server.logs.some((l) => l.includes('inference worker replaced')), 15_000)).toBe(true);
    expect(server.logs.some((l) => /no answer to a batch within 1500 ms/.test(l))).toBe(true);
    expect(await waitUntil(async () => (await server.client.send({ url: '/readyz' })).statusCode === 200, 10_000)).toBe(true);
    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => classify(server, `late order number ${i}`)));
    expect(after.map((r) => r.statusCode)).toEqual(Array.from({ length: 20 }, () => 200));
  }, 40_000);

  it('answers the batch of a worker that dies with 503 MODEL_UNAVAILABLE at once, and recovers', async () => {
    const died = await classify(server, '[[fault:exit]]');
    expect(died.statusCode).toBe(503);
    expect(died.json().error.code).toBe('MODEL_UNAVAILABLE');
    expect(died.headers['retry-after']).toEqual(expect.any(String));
    expect(await waitUntil(async () => (await classify(server, 'thanks!')).statusCode === 200, 15_000)).toBe(true);
  }, 30_000);

  it('exits 0 on SIGTERM within its deadlines even while a batch is stuck', async () => {
    const stuck = classify(server, '[[fault:hang]]').catch((error: Error) => error);
    await new Promise((r) => setTimeout(r, 200));
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    const code = await server.exited;
    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(INFERENCE_DEADLINE_MS + SHUTDOWN_TIMEOUT_MS + 3000);
    const answer = await stuck;
    // Its request was answered (503 past its deadline) or its connection closed by the exit, never left hanging.
    expect(answer instanceof Error || answer.statusCode === 503).toBe(true);
  }, 30_000);
});
