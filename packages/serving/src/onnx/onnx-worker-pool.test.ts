import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { isMangaAssistError } from '@mangaassist/common';
import { ServingError } from '../serving-error';
import { OnnxTextClassifier } from './onnx-text-classifier';
import { OnnxWorkerPool } from './onnx-worker-pool';
import type { WorkerInit } from './worker-protocol';

// The tiny exported classifier shared with onnx-text-classifier.test.ts.
const FIXTURE = join(__dirname, '__fixtures__', 'tiny-export');
const TEXTS = ['Where is my order?', 'I want to cancel, never again!', 'thanks, great fast delivery', 'ok'];
// Enough work that one run takes tens of milliseconds even on this tiny model.
const BIG_BATCH = Array.from({ length: 3000 }, (_, i) => `where is my order number ${i} it is late again and i want to cancel`);

// Each test starts worker threads that load a model (about a second each on a quiet machine); on a busy CI machine
// that alone can pass jest's default 5 s.
jest.setTimeout(30_000);

const work = mkdtempSync(join(tmpdir(), 'serving-pool-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Timer ticks (1 ms interval) the event loop manages while `task` runs: ~0 when something blocks the thread. */
async function ticksDuring(task: () => Promise<unknown>): Promise<{ ticks: number; ms: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const start = performance.now();
  try {
    await task();
  } finally {
    clearInterval(timer);
  }
  return { ticks, ms: performance.now() - start };
}

describe('OnnxWorkerPool', () => {
  it('gives the same probabilities as the in-process classifier, one worker or two', async () => {
    const reference = await OnnxTextClassifier.load(FIXTURE, { intraOpNumThreads: 1 });
    const expected = await Promise.all(TEXTS.map((t) => reference.predict([t])));
    await reference.dispose();
    // Word attributions map words to what the model reads: the fixture's tokenizer, cut at max_position_embeddings 64.
    expect(reference.wordPieces.pieces("Where's my order?")).toEqual(['where', '[UNK]', '[UNK]', 'my', 'order', '?']);
    expect(reference.wordPieces.maxPieces).toBe(62);
    for (const workers of [1, 2]) {
      const pool = await OnnxWorkerPool.load(FIXTURE, { workers, intraOpNumThreads: 1 });
      try {
        expect(pool.labels).toEqual(reference.labels);
        expect(pool.modelId).toBe('tiny-export');
        expect(pool.wordPieces.maxPieces).toBe(62);
        expect(pool.wordPieces.pieces("Where's my order?")).toEqual(reference.wordPieces.pieces("Where's my order?"));
        expect(pool.liveWorkers).toBe(workers);
        // Concurrent calls spread over the workers; each answer must still be its own text's.
        const results = await Promise.all(TEXTS.map((t) => pool.predict([t])));
        results.forEach((rows, i) => expect(Array.from(rows[0]!)).toEqual(Array.from(expected[i]![0]!)));
        expect(await pool.predict([])).toEqual([]);
      } finally {
        await pool.dispose();
      }
    }
  });

  it('keeps the event loop running during an inference (the in-process classifier blocks it)', async () => {
    const inProcess = await OnnxTextClassifier.load(FIXTURE, { intraOpNumThreads: 1 });
    const pool = await OnnxWorkerPool.load(FIXTURE, { intraOpNumThreads: 1 });
    try {
      const blocked = await ticksDuring(() => inProcess.predict(BIG_BATCH));
      const free = await ticksDuring(() => pool.predict(BIG_BATCH));
      // The control: the same work on the main thread leaves the timer almost no chance to run.
      expect(blocked.ms).toBeGreaterThan(20);
      expect(blocked.ticks).toBeLessThan(blocked.ms / 10);
      expect(free.ticks).toBeGreaterThan(free.ms / 5);
    } finally {
      await inProcess.dispose();
      await pool.dispose();
    }
  });

  it('fails at load with the worker’s own error naming a corrupt ONNX file', async () => {
    const dir = join(work, 'corrupt');
    cpSync(FIXTURE, dir, { recursive: true });
    const file = join(dir, 'onnx', 'model.onnx');
    writeFileSync(file, 'this is not a protobuf');
    const error = await OnnxWorkerPool.load(dir, { workers: 2, intraOpNumThreads: 1 }).then(
      () => new Error('expected a rejection'),
      (e: Error) => e,
    );
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect(error.message).toContain(`${file}: ONNX Runtime cannot load this model`);
  });

  it('fails the requests of a worker that dies with MODEL_UNAVAILABLE, then restarts it', async () => {
    const started: Worker[] = [];
    const createWorker = (entry: string, workerData: WorkerInit) => {
      const worker = new Worker(entry, { workerData });
      started.push(worker);
      return worker;
    };
    const pool = await OnnxWorkerPool.load(FIXTURE, { intraOpNumThreads: 1, createWorker });
    try {
      const inFlight = pool.predict(BIG_BATCH);
      await started[0]!.terminate();
      const error = await inFlight.then(() => new Error('expected a rejection'), (e: Error) => e);
      expect(error).toBeInstanceOf(ServingError);
      expect((error as ServingError).code).toBe('MODEL_UNAVAILABLE');
      // A replacement starts on its own; until it is ready requests are refused rather than left waiting.
      const deadline = Date.now() + 10_000;
      while (pool.liveWorkers === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(started).toHaveLength(2);
      expect(pool.liveWorkers).toBe(1);
      const [probs] = await pool.predict(['Where is my order?']);
      expect(probs).toHaveLength(6);
    } finally {
      await pool.dispose();
    }
  });

  it('rejects bad options and use after dispose', async () => {
    await expect(OnnxWorkerPool.load(FIXTURE, { workers: 0 })).rejects.toThrow(/workers must be a positive integer/);
    const pool = await OnnxWorkerPool.load(FIXTURE, { intraOpNumThreads: 1 });
    await expect(pool.predict('hi' as unknown as string[])).rejects.toThrow(TypeError);
    // Not a string: refused by the worker's tokenizer, or before sending when it cannot even be cloned.
    await expect(pool.predict([42 as unknown as string])).rejects.toThrow(/must be a string/);
    await expect(pool.predict([Symbol('x') as unknown as string])).rejects.toThrow(/array of strings/);
    expect((await pool.predict(['still fine']))[0]).toHaveLength(6);
    await pool.dispose();
    await pool.dispose();
    await expect(pool.predict(['hi'])).rejects.toThrow(/disposed/);
  });

  describe('supervision (fault injection on)', () => {
    const saved = process.env.MANGAASSIST_FAULT_INJECTION;
    beforeAll(() => {
      process.env.MANGAASSIST_FAULT_INJECTION = '1';
    });
    afterAll(() => {
      if (saved === undefined) delete process.env.MANGAASSIST_FAULT_INJECTION;
      else process.env.MANGAASSIST_FAULT_INJECTION = saved;
    });

    const waitFor = async (condition: () => boolean, ms = 10_000) => {
      const until = Date.now() + ms;
      while (!condition() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      return condition();
    };

    it('replaces a hung worker after batchDeadlineMs, failing its batch with MODEL_UNAVAILABLE', async () => {
      const events: string[] = [];
      const pool = await OnnxWorkerPool.load(FIXTURE, { intraOpNumThreads: 1, batchDeadlineMs: 300, onWorkerEvent: (e) => events.push(e.type) });
      try {
        const started = Date.now();
        const error = await pool.predict(['[[fault:hang]]']).then(() => new Error('expected a rejection'), (e: Error) => e);
        expect(Date.now() - started).toBeLessThan(5000);
        expect((error as ServingError).code).toBe('MODEL_UNAVAILABLE');
        expect(error.message).toMatch(/no answer to a batch within 300 ms/);
        expect(pool.liveWorkers).toBe(0);
        expect(await waitFor(() => pool.liveWorkers === 1)).toBe(true);
        expect(events).toEqual(['lost', 'restarted']);
        expect((await pool.predict(['Where is my order?']))[0]).toHaveLength(6);
      } finally {
        await pool.dispose();
      }
    });

    it('fails the requests of a worker that exits mid-batch, and serves again once replaced', async () => {
      const pool = await OnnxWorkerPool.load(FIXTURE, { intraOpNumThreads: 1 });
      try {
        const error = await pool.predict(['ok', '[[fault:exit]]']).then(() => new Error('expected a rejection'), (e: Error) => e);
        expect((error as ServingError).code).toBe('MODEL_UNAVAILABLE');
        expect(error.message).toMatch(/exit code 3/);
        expect(await waitFor(() => pool.liveWorkers === 1)).toBe(true);
        expect((await pool.predict(['still here']))[0]).toHaveLength(6);
      } finally {
        await pool.dispose();
      }
    });

    it('retries a restart that fails, with a doubling wait, and refuses a model rewritten in place', async () => {
      const dir = join(work, 'rewritten');
      cpSync(FIXTURE, dir, { recursive: true });
      const events: { type: string; retryInMs?: number; error?: string }[] = [];
      const pool = await OnnxWorkerPool.load(dir, { intraOpNumThreads: 1, restartRetryMs: 50, onWorkerEvent: (e) => events.push(e) });
      try {
        // The file changes under the running server (same path, new bytes): a restarted worker must not serve it.
        const file = join(dir, 'onnx', 'model.onnx');
        const later = new Date(Date.now() + 5000);
        const { utimesSync } = await import('node:fs');
        utimesSync(file, later, later);
        await pool.predict(['[[fault:exit]]']).catch(() => undefined);
        expect(await waitFor(() => events.filter((e) => e.type === 'restart-failed').length >= 3)).toBe(true);
        const failed = events.filter((e) => e.type === 'restart-failed');
        expect(failed.slice(0, 3).map((e) => e.retryInMs)).toEqual([50, 100, 200]);
        expect(failed[0]!.error).toMatch(/was rewritten/);
        expect(pool.liveWorkers).toBe(0);
        expect(pool.available).toBe(false);
      } finally {
        await pool.dispose();
      }
    });
  });

  it('fails at load when the model outputs a different number of scores than it has labels', async () => {
    const dir = join(work, 'wrong-width');
    cpSync(FIXTURE, dir, { recursive: true });
    const configFile = join(dir, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    // Seven labels named, six scores computed by the graph.
    config.id2label = { ...config.id2label, 6: 'sarcasm' };
    config.label2id = { ...config.label2id, sarcasm: 6 };
    writeFileSync(configFile, JSON.stringify(config));
    const error = await OnnxWorkerPool.load(dir, { intraOpNumThreads: 1 }).then(() => new Error('expected a rejection'), (e: Error) => e);
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect(error.message).toMatch(/logits have shape \[1, 6\], expected \[1, 7\]/);
  });
});
