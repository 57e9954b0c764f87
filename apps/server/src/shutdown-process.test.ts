import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from './__tests__/helpers/server-process';

// SIGTERM on a real server process under steady load from keep-alive clients, as an orchestrator stops a replica.
// The clients act as a load balancer does: they keep sending until a health-check period after readiness failed,
// then send elsewhere. (A client that ignores readiness and connects at the very moment the listener closes can
// still be reset by the kernel: that is what the grace period is for.)
const GRACE_MS = 1500;
const HEALTH_CHECK_PERIOD_MS = 700;
const CLIENTS = 4;

interface Outcome {
  readonly at: number;
  readonly status?: number;
  readonly retryAfter?: string;
  readonly error?: string;
}

describe('SIGTERM under load on a real server process', () => {
  let dir: string;
  let server: ServerProcess;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shutdown-process-'));
    server = await startServerProcess(dir, { workers: 1, shutdownGraceMs: GRACE_MS, shutdownTimeoutMs: 5000 });
  }, 30_000);
  afterAll(async () => {
    await server.client.close();
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails readiness first, keeps serving for the grace period, answers every admitted request and exits 0', async () => {
    const outcomes: Outcome[] = [];
    const readiness: Outcome[] = [];
    let stopped = false;
    let notReadySince: number | undefined;
    const routedHere = () => !stopped && (notReadySince === undefined || Date.now() - notReadySince < HEALTH_CHECK_PERIOD_MS);
    const send = async (url: string, payload?: unknown): Promise<Outcome> => {
      try {
        const res = await server.client.send(payload === undefined ? { url } : { method: 'POST', url, payload });
        return { at: Date.now(), status: res.statusCode, ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}) };
      } catch (error) {
        return { at: Date.now(), error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
      }
    };
    // Each client sends until the server no longer accepts connections (a load balancer would have moved on).
    const client = async (k: number) => {
      for (let i = 0; routedHere(); i++) {
        const outcome = await send('/v1/classify', { text: `order ${k}-${i} is late again` });
        outcomes.push(outcome);
      }
    };
    const prober = async () => {
      while (!stopped) {
        const outcome = await send('/readyz');
        readiness.push(outcome);
        if (outcome.status === 503) notReadySince ??= outcome.at;
        if (outcome.error === 'ECONNREFUSED') return;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const load = [...Array.from({ length: CLIENTS }, (_, k) => client(k)), prober()];
    await new Promise((r) => setTimeout(r, 500));
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    const code = await server.exited;
    const exitedAt = Date.now();
    stopped = true;
    await Promise.all(load);

    expect(code).toBe(0);
    // Readiness failed at once (within one probe interval and a request), while classify still answered 200.
    const firstNotReady = readiness.find((r) => r.at > signalled && r.status === 503);
    expect(firstNotReady).toBeDefined();
    expect(firstNotReady!.at - signalled).toBeLessThan(500);
    const servedDuringGrace = outcomes.filter((o) => o.at > firstNotReady!.at && o.status === 200);
    expect(servedDuringGrace.length).toBeGreaterThan(10);
    expect(servedDuringGrace.every((o) => o.at - signalled < GRACE_MS)).toBe(true);
    expect(exitedAt - signalled).toBeGreaterThanOrEqual(GRACE_MS);
    // Every request got an answer (200 during the grace period), none was reset.
    const answered = outcomes.filter((o) => o.status !== undefined);
    expect(answered.every((o) => o.status === 200 || (o.status === 503 && o.retryAfter !== undefined))).toBe(true);
    expect(outcomes.filter((o) => o.error !== undefined).map((o) => `${o.error} at +${o.at - signalled} ms`)).toEqual([]);
    expect(answered.length).toBeGreaterThan(50);
  }, 30_000);
});
