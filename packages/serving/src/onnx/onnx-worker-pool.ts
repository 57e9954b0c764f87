import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MangaAssistError } from '@mangaassist/common';
import { ServingError } from '../serving-error';
import type { TextClassifier } from '../text-classifier';
import type { WordPieceView } from '../attribution/words';
import { readExportDir, wordPieceView } from './export-dir';
import type { OnnxTextClassifierOptions } from './onnx-text-classifier';
import { deserializeError, type FromWorker, type ToWorker, type WorkerInit } from './worker-protocol';

/** Options of {@link OnnxWorkerPool.load}. */
export interface OnnxWorkerPoolOptions extends OnnxTextClassifierOptions {
  /** Worker threads, each with its own ONNX Runtime session; default 1. */
  readonly workers?: number;
  /** Starts one worker; default `new Worker(entry, { workerData, env })`. Tests inject one to stop a worker. */
  readonly createWorker?: (entry: string, workerData: WorkerInit) => Worker;
  /**
   * A batch a worker has not answered within this many milliseconds marks the worker as hung: its batches fail with
   * `MODEL_UNAVAILABLE` (503, retry), the thread is terminated and a new one started. Default 10 000 — far above one
   * batch's inference — so that a stuck session costs seconds, not the service.
   */
  readonly batchDeadlineMs?: number;
  /** First wait before retrying a worker that failed to restart (ms), doubling up to 30 s. Default 1000. */
  readonly restartRetryMs?: number;
  /** Told of every worker lost, restarted or failing to restart (for logs and metrics); must not throw. */
  readonly onWorkerEvent?: (event: WorkerEvent) => void;
}

/** What happened to an inference worker, as {@link OnnxWorkerPoolOptions.onWorkerEvent} reports it. */
export type WorkerEvent =
  | { readonly type: 'lost'; readonly worker: number; readonly reason: string }
  | { readonly type: 'restarted'; readonly worker: number }
  | { readonly type: 'restart-failed'; readonly worker: number; readonly error: string; readonly retryInMs: number };

/** Longest wait between restart attempts of one worker. */
const MAX_RESTART_RETRY_MS = 30_000;

interface Pending {
  readonly resolve: (rows: Float32Array[]) => void;
  readonly reject: (error: unknown) => void;
  readonly deadline: NodeJS.Timeout;
}

interface Slot {
  readonly index: number;
  worker: Worker;
  live: boolean;
  readonly pending: Map<number, Pending>;
  restartFailures: number;
}

interface Ready {
  readonly labels: readonly string[];
  readonly modelId: string;
  readonly modelThresholds: Readonly<Record<string, number>>;
  readonly modelFile: string;
  readonly modelFingerprint: string;
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

/** Request id of the warm-up inference every worker runs before it takes traffic. */
const WARM_UP_ID = -1;

/**
 * Starts one worker and resolves once its session is loaded and one warm-up inference gave one score per label; rejects with the worker's own error (e.g.
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
    let ready: Ready | undefined;
    const onMessage = (message: FromWorker) => {
      if (message.type === 'ready') {
        // One inference before taking traffic: a model whose output does not match its labels fails here, at load,
        // not on the first customer's request.
        ready = message;
        worker.postMessage({ type: 'predict', id: WARM_UP_ID, texts: ['warm-up'] } satisfies ToWorker);
      } else if (message.type === 'result' && message.id === WARM_UP_ID && ready) {
        if (message.width !== ready.labels.length || message.probabilities.length !== message.width) {
          fail(
            new MangaAssistError(
              'CHECKPOINT_INVALID',
              `the model in ${init.dir} outputs ${message.width} scores per text but its config names ${ready.labels.length} labels`,
              { file: init.dir },
            ),
          );
          return;
        }
        cleanup();
        resolveStart({ worker, ready });
      } else if (message.type === 'failed' && message.id === WARM_UP_ID) {
        fail(deserializeError(message.error));
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
 * A worker that dies, or does not answer a batch within `batchDeadlineMs` (a hung session), fails its requests with
 * `MODEL_UNAVAILABLE` (503, retry) and is replaced; a replacement that fails to start is retried with a doubling
 * wait, and must load the same model (id, labels and file) as the others. Nothing waits forever.
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
    private readonly supervision: { batchDeadlineMs: number; restartRetryMs: number; onWorkerEvent: (event: WorkerEvent) => void },
    /** The word pieces the workers read (the same tokenizer and limit, loaded on this thread). */
    readonly wordPieces: WordPieceView,
  ) {
    this.labels = ready.labels;
    this.modelId = ready.modelId;
    this.modelThresholds = ready.modelThresholds;
    this.modelFile = ready.modelFile;
    this.modelFingerprint = ready.modelFingerprint;
    this.providerMessage = ready.providerMessage;
    for (const slot of slots) this.watch(slot);
  }

  readonly labels: readonly string[];
  readonly modelId: string;
  /** The thresholds shipped with the model (`thresholds.json`); see `TextClassifier.modelThresholds`. */
  readonly modelThresholds: Readonly<Record<string, number>>;
  /** The ONNX file in use. */
  readonly modelFile: string;
  /** How the execution provider was chosen (for the startup log). */
  readonly providerMessage: string;
  /** Size and modification time of {@link modelFile} when the pool started. */
  private readonly modelFingerprint: string;

  /**
   * Starts the workers and waits until every one has loaded the model. Throws what loading throws (`NOT_FOUND`,
   * `CHECKPOINT_INVALID` naming the file) with no worker left running.
   */
  static async load(dir: string, options: OnnxWorkerPoolOptions = {}): Promise<OnnxWorkerPool> {
    const { workers = 1, createWorker, batchDeadlineMs = 10_000, restartRetryMs = 1000, onWorkerEvent = () => undefined, ...classifierOptions } = options;
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
    if (!(batchDeadlineMs > 0)) throw new RangeError(`batchDeadlineMs must be > 0, got ${batchDeadlineMs}`);
    if (!(restartRetryMs > 0)) throw new RangeError(`restartRetryMs must be > 0, got ${restartRetryMs}`);
    const init: WorkerInit = {
      dir,
      options: { ...classifierOptions, intraOpNumThreads: classifierOptions.intraOpNumThreads ?? Math.max(1, Math.floor(availableParallelism() / workers)) },
    };
    // The environment is passed explicitly: a Worker otherwise copies the process's native one, which misses changes
    // made through a sandboxed `process.env` (test runners; how fault injection is switched on there).
    const create = createWorker ?? ((entry, workerData) => new Worker(entry, { workerData, env: { ...process.env } }));
    const started = await Promise.allSettled(Array.from({ length: workers }, () => startWorker(create, init)));
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) {
      await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.worker.terminate() : undefined)));
      throw failure.reason;
    }
    const ok = started.map((s) => (s as PromiseFulfilledResult<{ worker: Worker; ready: Ready }>).value);
    // The workers loaded this directory already, so reading it here cannot fail on a file they accepted.
    const info = readExportDir(dir);
    return new OnnxWorkerPool(
      ok.map(({ worker }, index) => ({ index, worker, live: true, pending: new Map(), restartFailures: 0 })),
      init,
      create,
      ok[0]!.ready,
      { batchDeadlineMs, restartRetryMs, onWorkerEvent },
      wordPieceView(info.tokenizer, classifierOptions.maxLength ?? info.maxLength),
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
    const worker = slot.worker;
    return new Promise((resolvePredict, rejectPredict) => {
      const { batchDeadlineMs } = this.supervision;
      const deadline = setTimeout(() => {
        if (target.pending.has(id)) this.lose(target, worker, `no answer to a batch within ${batchDeadlineMs} ms`, true);
      }, batchDeadlineMs);
      deadline.unref();
      target.pending.set(id, { resolve: resolvePredict, reject: rejectPredict, deadline });
      try {
        target.worker.postMessage({ type: 'predict', id, texts: [...texts] } satisfies ToWorker);
      } catch (error) {
        // A value that cannot be cloned to the worker (e.g. a symbol): nothing was sent, nothing will answer.
        clearTimeout(deadline);
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
      clearTimeout(pending.deadline);
      if (message.type === 'failed') {
        pending.reject(deserializeError(message.error));
        return;
      }
      const { probabilities, width } = message;
      pending.resolve(Array.from({ length: probabilities.length / width }, (_, i) => probabilities.subarray(i * width, (i + 1) * width)));
    });
    worker.on('error', (error: Error) => this.lose(slot, worker, error.message, false));
    worker.on('exit', (code: number) => this.lose(slot, worker, `exit code ${code}`, false));
  }

  /** Takes a dead or hung worker out of service, fails its batches and starts its replacement. */
  private lose(slot: Slot, worker: Worker, reason: string, terminate: boolean): void {
    if (slot.worker !== worker || !slot.live || this.disposed) return;
    slot.live = false;
    this.report({ type: 'lost', worker: slot.index, reason });
    this.failPending(slot, new ServingError('MODEL_UNAVAILABLE', `the inference worker stopped (${reason}); retry`));
    // A hung thread is not awaited: terminate() returns only once the thread yields, which a stuck run may never do.
    if (terminate) void worker.terminate();
    void this.restart(slot);
  }

  private async restart(slot: Slot): Promise<void> {
    while (!this.disposed) {
      try {
        const { worker, ready } = await startWorker(this.create, this.init);
        if (this.disposed) {
          await worker.terminate();
          return;
        }
        const changed = this.differsFrom(ready);
        if (changed) {
          await worker.terminate();
          throw new MangaAssistError('CHECKPOINT_INVALID', `the model in ${this.init.dir} changed since the server started (${changed}); restart the server to serve it`, {
            file: this.init.dir,
          });
        }
        slot.worker = worker;
        slot.live = true;
        slot.restartFailures = 0;
        this.watch(slot);
        this.report({ type: 'restarted', worker: slot.index });
        return;
      } catch (error) {
        // The model loaded at start but no longer does (file replaced, removed or changed): the slot stays down,
        // `liveWorkers` tells readiness checks so, and the start is retried with a doubling wait.
        slot.restartFailures += 1;
        const retryInMs = Math.min(MAX_RESTART_RETRY_MS, this.supervision.restartRetryMs * 2 ** (slot.restartFailures - 1));
        this.report({ type: 'restart-failed', worker: slot.index, error: (error as Error).message, retryInMs });
        await new Promise((resolveWait) => setTimeout(resolveWait, retryInMs).unref());
      }
    }
  }

  /** What differs between a restarted worker's model and the one served so far, or undefined when nothing does. */
  private differsFrom(ready: Ready): string | undefined {
    if (ready.modelId !== this.modelId) return `model id ${ready.modelId}, was ${this.modelId}`;
    if (ready.modelFile !== this.modelFile) return `file ${ready.modelFile}, was ${this.modelFile}`;
    if (ready.modelFingerprint !== this.modelFingerprint) return `${ready.modelFile} was rewritten`;
    if (ready.labels.join(',') !== this.labels.join(',')) return `labels ${ready.labels.join(', ')}, were ${this.labels.join(', ')}`;
    return undefined;
  }

  private report(event: WorkerEvent): void {
    try {
      this.supervision.onWorkerEvent(event);
    } catch {
      // An observer's failure must not take the pool down.
    }
  }

  private failPending(slot: Slot, error: Error): void {
    const pending = [...slot.pending.values()];
    slot.pending.clear();
    for (const p of pending) {
      clearTimeout(p.deadline);
      p.reject(error);
    }
  }
}
