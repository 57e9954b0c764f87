// The inference worker: one ONNX Runtime session in its own thread, so that a run (which holds its thread until the
// logits are ready) never blocks the server's event loop. Started by OnnxWorkerPool; not part of the public API.
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { OnnxTextClassifier } from './onnx-text-classifier';
import { serializeError, type FromWorker, type ToWorker, type WorkerInit } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('onnx-worker-entry must run in a worker thread (see OnnxWorkerPool)');
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

/*
 * Fault injection for the reliability tests, off unless MANGAASSIST_FAULT_INJECTION is 1: a batch holding the text
 * `[[fault:hang]]` blocks this thread for good (as a stuck native run would) and one holding `[[fault:exit]]` ends
 * it. Read once at start, so production workers never look at texts for it.
 */
const FAULTS = process.env.MANGAASSIST_FAULT_INJECTION === '1';

function injectFault(texts: readonly string[]): void {
  if (texts.includes('[[fault:exit]]')) process.exit(3);
  if (texts.includes('[[fault:hang]]')) {
    const forever = new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(forever, 0, 0);
  }
}

async function main(init: WorkerInit): Promise<void> {
  let classifier: OnnxTextClassifier;
  try {
    classifier = await OnnxTextClassifier.load(init.dir, init.options);
  } catch (error) {
    send({ type: 'load-failed', error: serializeError(error) });
    return;
  }
  port!.on('message', (message: ToWorker) => {
    if (message.type === 'dispose') {
      void classifier.dispose().finally(() => send({ type: 'disposed' }));
      return;
    }
    if (FAULTS) injectFault(message.texts);
    classifier.predict(message.texts).then(
      (rows) => {
        const width = classifier.labels.length;
        const probabilities = new Float32Array(rows.length * width);
        rows.forEach((row, i) => probabilities.set(row, i * width));
        // The buffer moves to the main thread instead of being copied.
        send({ type: 'result', id: message.id, probabilities, width }, [probabilities.buffer as ArrayBuffer]);
      },
      (error: unknown) => send({ type: 'failed', id: message.id, error: serializeError(error) }),
    );
  });
  send({
    type: 'ready',
    labels: classifier.labels,
    modelId: classifier.modelId,
    modelThresholds: classifier.modelThresholds,
    modelFile: classifier.modelFile,
    modelFingerprint: fingerprint(classifier.modelFile),
    providerMessage: classifier.providerMessage,
  });
}

void main(workerData as WorkerInit);

function fingerprint(file: string): string {
  const { size, mtimeMs } = statSync(file);
  return `${size}:${mtimeMs}`;
}
