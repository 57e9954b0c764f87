import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MangaAssistError } from '@mangaassist/common';
import { ServingError } from '../serving-error';
import type { TextClassifier } from '../text-classifier';
import type { OnnxTextClassifierOptions } from './onnx-text-classifier';
import { deserializeError, type FromWorker, type ToWorker, type WorkerInit } from './worker-protocol';

/** Options of {@link OnnxWorkerPool.load}. */
export interface OnnxWorkerPoolOptions extends OnnxTextClassifierOptions {
  /** Worker threads, each with its own ONNX Runtime session; default 1. */
  readonly workers?: number;
  /** Starts one worker; default `new Worker(entry, { workerData })`. Tests inject one to stop a worker. */
  readonly createWorker?: (entry: string, workerData: WorkerInit) => Worker;
}

interface Pending {
  readonly resolve: (rows: Float32Array[]) => void;
  readonly reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  live: boolean;
  readonly pending: Map<number, Pending>;
}

interface Ready {
  readonly labels: readonly string[];
  readonly modelId: string;
  readonly modelFile: string;
  readonly providerMessage: string;
}

/** The compiled worker script: beside this file in a build, or in the package's build when running from sources. */
function workerEntry(): string {
  const beside = join(__dirname, 'onnx-worker-entry.js');
  if (existsSync(beside)) return beside;
  // From TypeScript sources (the tests), a worker still needs JavaScript: the package's own build provides it.
  const built = resolve(__dirname, '..', '..', 'dist', 'onnx', 'onnx-worker-entry.js');
  if (existsSync(built)) return built;
  throw new MangaAssistError('NOT_FOUND', `the inference worker script ${beside} is missing; build the package (npx tsc -b packages/serving)`, {
    file: beside,
  });
}

/**
 * Starts one worker and resolves once its session is loaded; rejects with the worker's own error (e.g.
 * `CHECKPOINT_INVALID` naming a corrupt ONNX file) or when the thread dies first.
 */
function startWorker(create: NonNullable<OnnxWorkerPoolOptions['createWorker']>, init: WorkerInit): Promise<{ worker: Worker; ready: Ready }> {
  const worker = create(workerEntry(), init);
  return new Promise((resolveStart, rejectStart) => {
    const fail = (error: unknown) => {
      cleanup();
      void worker.terminate();
      rejectStart(error);
    };
    const onMessage = (message: FromWorker) => {
      if (message.type === 'ready') {
        cleanup();
        resolveStart({ worker, ready: message });
      } else if (message.type === 'load-failed') {
        fail(deserializeError(message.error));
      }
    };
    const onError = (error: Error) =>
      fail(new MangaAssistError('BACKEND_UNAVAILABLE', `the inference worker for ${init.dir} failed while loading: ${error.message}`, undefined, { cause: error }));
    const onExit = (code: number) => fail(new MangaAssistError('BACKEND_UNAVAILABLE', `the inference worker for ${init.dir} exited (code ${code}) while loading`));
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/**
 * The serving classifier run in worker threads: each worker holds one ONNX Runtime session (see
 * `OnnxTextClassifier`) and tokenises its own texts, so an inference — which holds its thread for the whole run —
 * never blocks the event loop: requests keep being accepted and parsed, health checks answer and timeouts fire
 * while a batch runs. With several workers, several batches run at once (give the micro-batcher as many batches in
 * flight as there are workers); the cores are shared out between them (`intraOpNumThreads` defaults to
 * cores ÷ workers).
 *
 * A worker that dies fails its requests with `MODEL_UNAVAILABLE` (503, retry) and is restarted; nothing waits
 * forever.
 *
 * @example
 * ```ts
 * const classifier = await OnnxWorkerPool.load('runs/quickstart/model', { precision: 'int8', workers: 1 });
 * const [probs] = await classifier.predict(['Where is my order?! Third time asking.']);
 * await classifier.dispose();
 * ```
 */
export class OnnxWorkerPool implements TextClassifier {
  private nextId = 0;
  private disposed = false;

  private constructor(
    private readonly slots: Slot[],
    private readonly init: WorkerInit,
    private readonly create: NonNullable<OnnxWorkerPoolOptions['createWorker']>,
    ready: Ready,
  ) {
    this.labels = ready.labels;
    this.modelId = ready.modelId;
    this.modelFile = ready.modelFile;
    this.providerMessage = ready.providerMessage;
    for (const slot of slots) this.watch(slot);
  }

  readonly labels: readonly string[];
  readonly modelId: string;
  /** The ONNX file in use. */
  readonly modelFile: string;
  /** How the execution provider was chosen (for the startup log). */
  readonly providerMessage: string;

  /**
   * Starts the workers and waits until every one has loaded the model. Throws what loading throws (`NOT_FOUND`,
   * `CHECKPOINT_INVALID` naming the file) with no worker left running.
   */
  static async load(dir: string, options: OnnxWorkerPoolOptions = {}): Promise<OnnxWorkerPool> {
    const { workers = 1, createWorker, ...classifierOptions } = options;
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
    const init: WorkerInit = {
      dir,
      options: { ...classifierOptions, intraOpNumThreads: classifierOptions.intraOpNumThreads ?? Math.max(1, Math.floor(availableParallelism() / workers)) },
    };
    const create = createWorker ?? ((entry, workerData) => new Worker(entry, { workerData }));
    const started = await Promise.allSettled(Array.from({ length: workers }, () => startWorker(create, init)));
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) {
      await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.worker.terminate() : undefined)));
      throw failure.reason;
    }
    const ok = started.map((s) => (s as PromiseFulfilledResult<{ worker: Worker; ready: Ready }>).value);
    return new OnnxWorkerPool(
      ok.map(({ worker }) => ({ worker, live: true, pending: new Map() })),
      init,
      create,
      ok[0]!.ready,
    );
  }

  /** Workers ready to take work (fewer than configured while a crashed one restarts). */
  get liveWorkers(): number {
    return this.slots.filter((s) => s.live).length;
  }

  /** True while at least one worker can take work. */
  get available(): boolean {
    return !this.disposed && this.liveWorkers > 0;
  }

  predict(texts: readonly string[]): Promise<Float32Array[]> {
    if (this.disposed) return Promise.reject(new Error(`classifier ${this.modelId} was disposed`));
    if (!Array.isArray(texts)) return Promise.reject(new TypeError('texts must be an array of strings'));
    if (texts.length === 0) return Promise.resolve([]);
    let slot: Slot | undefined;
    for (const candidate of this.slots) {
      if (candidate.live && (!slot || candidate.pending.size < slot.pending.size)) slot = candidate;
    }
    if (!slot) return Promise.reject(new ServingError('MODEL_UNAVAILABLE', 'no inference worker is running (restarting)'));
    const id = this.nextId++;
    const target = slot;
    return new Promise((resolvePredict, rejectPredict) => {
      target.pending.set(id, { resolve: resolvePredict, reject: rejectPredict });
      try {
        target.worker.postMessage({ type: 'predict', id, texts: [...texts] } satisfies ToWorker);
      } catch (error) {
        // A value that cannot be cloned to the worker (e.g. a symbol): nothing was sent, nothing will answer.
        target.pending.delete(id);
        rejectPredict(new TypeError(`texts must be an array of strings (${(error as Error).message})`));
      }
    });
  }

  /** Lets each worker release its session, then stops the threads. Requests still running are rejected. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.live) {
          const done = new Promise<void>((resolveDone) => {
            const timer = setTimeout(resolveDone, 2000);
            slot.worker.on('message', (message: FromWorker) => {
              if (message.type === 'disposed') {
                clearTimeout(timer);
                resolveDone();
              }
            });
            slot.worker.once('exit', () => {
              clearTimeout(timer);
              resolveDone();
            });
          });
          slot.worker.postMessage({ type: 'dispose' } satisfies ToWorker);
          await done;
        }
        slot.live = false;
        this.failPending(slot, new ServingError('SHUTTING_DOWN', 'the classifier was disposed'));
        await slot.worker.terminate();
      }),
    );
  }

  private watch(slot: Slot): void {
    const worker = slot.worker;
    worker.on('message', (message: FromWorker) => {
      if (message.type !== 'result' && message.type !== 'failed') return;
      const pending = slot.pending.get(message.id);
      if (!pending) return;
      slot.pending.delete(message.id);
      if (message.type === 'failed') {
        pending.reject(deserializeError(message.error));
        return;
      }
      const { probabilities, width } = message;
      pending.resolve(Array.from({ length: probabilities.length / width }, (_, i) => probabilities.subarray(i * width, (i + 1) * width)));
    });
    const lost = (reason: string) => {
      if (slot.worker !== worker || !slot.live || this.disposed) return;
      slot.live = false;
      this.failPending(slot, new ServingError('MODEL_UNAVAILABLE', `the inference worker stopped (${reason}); retry`));
      void this.restart(slot);
    };
    worker.on('error', (error: Error) => lost(error.message));
    worker.on('exit', (code: number) => lost(`exit code ${code}`));
  }

  private async restart(slot: Slot): Promise<void> {
    try {
      const { worker } = await startWorker(this.create, this.init);
      if (this.disposed) {
        await worker.terminate();
        return;
      }
      slot.worker = worker;
      slot.live = true;
      this.watch(slot);
    } catch {
      // The model loaded at start but no longer does (file replaced or removed): the slot stays down and
      // `liveWorkers` tells readiness checks so.
    }
  }

  private failPending(slot: Slot, error: Error): void {
    const pending = [...slot.pending.values()];
    slot.pending.clear();
    for (const p of pending) p.reject(error);
  }
}
