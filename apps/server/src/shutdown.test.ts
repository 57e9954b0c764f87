import { EventEmitter } from 'node:events';
import { request } from 'node:http';
import pino from 'pino';
import { parseConfig, serverConfigSchema } from '@mangaassist/common';
import { KeywordClassifier } from './__tests__/helpers/keyword-classifier';
import { MemoryThresholdStore } from './__tests__/helpers/memory-threshold-store';
import { startTestServer } from './__tests__/helpers/test-server';
import { installShutdownHandlers, type SignalSource } from './shutdown';
import { startServer } from './start-server';

describe('graceful shutdown', () => {
  it('finishes requests in flight, then refuses connections and disposes what it owns', async () => {
    const server = await startTestServer({ batching: { maxBatch: 2, maxWaitMs: 0, queueLimit: 100 } });
    server.classifier.delayMs = 80;
    const inFlight = Array.from({ length: 5 }, () => server.inject({ method: 'POST', url: '/v1/classify', payload: { text: 'angry' } }));
    // Close once all five have arrived (loopback is fast but not instant on a busy machine).
    while (server.logs.filter((line) => line.includes('incoming request')).length < 5) await new Promise((r) => setTimeout(r, 5));
    await server.close();
    const responses = await Promise.all(inFlight);
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(server.classifier.batches.flat()).toHaveLength(5);
    // The store and classifier were given by the caller: not closed/disposed by the server.
    expect(server.classifier.disposed).toBe(false);
    const refused = await new Promise<string>((resolve) => {
      request(`${server.url}/healthz`, (res) => resolve(String(res.statusCode)))
        .on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'))
        .end();
    });
    expect(refused).toBe('ECONNREFUSED');
    expect(server.logs.join('\n')).toMatch(/shutting down[\s\S]*stopped/);
  });

  it('disposes a classifier it loaded itself', async () => {
    const classifier = new KeywordClassifier();
    const loaded: string[] = [];
    const server = await startServer(parseConfig(serverConfigSchema, { serving: { port: 0, modelDir: 'models/x' } }), {
      loadClassifier: async (serving) => (loaded.push(serving.modelDir), classifier),
      store: new MemoryThresholdStore(),
      logger: pino({ level: 'silent' }),
      listen: false,
    });
    expect(loaded).toEqual(['models/x']);
    await server.close();
    await server.close(); // idempotent
    expect(classifier.disposed).toBe(true);
  });

  describe('signal handling', () => {
    class FakeProcess extends EventEmitter implements SignalSource {
      readonly exits: number[] = [];
      exit(code?: number): void {
        this.exits.push(code ?? 0);
      }
    }
    const silent = pino({ level: 'silent' });

    it('closes on SIGTERM and exits 0', async () => {
      const proc = new FakeProcess();
      let closed = 0;
      installShutdownHandlers({ close: async () => void (closed += 1) }, proc, silent);
      proc.emit('SIGTERM');
      await new Promise(setImmediate);
      expect(closed).toBe(1);
      expect(proc.exits).toEqual([0]);
    });

    it('exits 1 at once on a second signal while draining, and 1 when closing fails', async () => {
      const proc = new FakeProcess();
      let finish: (() => void) | undefined;
      installShutdownHandlers({ close: () => new Promise<void>((resolve) => (finish = resolve)) }, proc, silent);
      proc.emit('SIGINT');
      proc.emit('SIGINT');
      expect(proc.exits).toEqual([1]);
      finish!();
      await new Promise(setImmediate);
      expect(proc.exits).toEqual([1, 0]);

      const failing = new FakeProcess();
      installShutdownHandlers({ close: async () => Promise.reject(new Error('boom')) }, failing, silent);
      failing.emit('SIGTERM');
      await new Promise(setImmediate);
      expect(failing.exits).toEqual([1]);
    });
  });
});
