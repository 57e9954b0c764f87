import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadMaskedLm, type DistilBertMaskedLm } from '@mangaassist/core-model';
import { useCpuBackend } from './__tests__/fixtures';
import { tinyMaskedLm, toyHeldOut, toySentences } from './__tests__/tiny-mlm';
import { readCheckpoint } from './checkpoint';
import { MetricsLog } from './metrics-log';
import { MLM_RUN_FILES, pretrainMaskedLm, type PretrainMaskedLmOptions } from './mlm-loop';
import type { MlmMetricsRecord, MlmStepRecord } from './mlm-records';
import { createLrScheduleRegistry } from './registries';

beforeAll(useCpuBackend);

const train = toySentences(256, 1);
const heldOut = toyHeldOut(64, 2);
const optimizer = { baseLr: 1e-2, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, gradClipNorm: 1 };

function options(model: DistilBertMaskedLm, runDir: string, overrides: Partial<PretrainMaskedLmOptions> = {}): PretrainMaskedLmOptions {
  return {
    model,
    train,
    heldOut,
    masking: model.maskingOptions(),
    lrSchedule: createLrScheduleRegistry().create('constant', {}, undefined),
    optimizer,
    epochs: 3,
    batchSize: 16,
    seed: 5,
    runDir,
    ...overrides,
  };
}

describe('pretrainMaskedLm', () => {
  const roots: string[] = [];
  const runDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlm-run-'));
    roots.push(dir);
    return dir;
  };
  afterAll(() => roots.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('lowers the held-out masked-LM loss of a tiny random model, saves it and writes the summary', async () => {
    const model = tinyMaskedLm();
    const dir = runDir();
    const tensors = tf.memory().numTensors;
    const summary = await pretrainMaskedLm(options(model, dir, { maxSteps: 40, logEverySteps: 5 }));
    // Only the optimizer's state (released at the end) may come and go; nothing leaks per step.
    expect(tf.memory().numTensors).toBe(tensors);
    model.dispose();
    expect(summary.stopReason).toBe('max-steps');
    expect(summary.globalStep).toBe(40);
    const { before, after } = summary.heldOut;
    // Chance over the 15 non-special words is ln(15) ≈ 2.7; the toy language is nearly deterministic.
    expect(before.loss).toBeGreaterThan(2.3);
    expect(after!.loss).toBeLessThan(before.loss - 1);
    expect(after!.perplexity).toBeCloseTo(Math.exp(after!.loss), 10);
    expect(Object.keys(before.bySource)).toEqual(['even', 'odd']);
    expect(before.bySource.even!.maskedTokens + before.bySource.odd!.maskedTokens).toBe(before.maskedTokens);
    // Before and after see the same targets.
    expect(after!.maskedTokens).toBe(before.maskedTokens);
    expect(summary.tokensTrained).toBe(40 * 16 * 8);
    expect(summary.tokensPerSecond).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(dir, MLM_RUN_FILES.summary), 'utf8'))).toEqual(summary);
    const records = MetricsLog.read<MlmMetricsRecord>(join(dir, MLM_RUN_FILES.metrics));
    expect(records.filter((r) => r.type === 'mlm-step').map((r) => (r as MlmStepRecord).globalStep)).toEqual([5, 10, 15, 20, 25, 30, 35, 40]);
    expect(records.filter((r) => r.type === 'mlm-eval').map((r) => r.type === 'mlm-eval' && r.stage)).toEqual(['before', 'after']);
    const saved = await loadMaskedLm(dir);
    expect(saved.report?.head).toBe('loaded');
    saved.dispose();
  }, 60_000);

  it('resumes a crashed run from its last checkpoint and ends exactly where an uninterrupted run ends', async () => {
    const settings = { maxSteps: 12, checkpointEverySteps: 4, evalEverySteps: 6, logEverySteps: 1 };
    const whole = tinyMaskedLm(3, 0.1);
    const reference = await pretrainMaskedLm(options(whole, runDir(), settings));
    const referenceWeights = await Promise.all(whole.trainableVariables().map((v) => v.data()));
    whole.dispose();

    // The process dies during step 7: the last checkpoint is the one after step 4 (and the evaluation after step 6 is lost).
    const dir = runDir();
    const first = tinyMaskedLm(3, 0.1);
    const crash = () => {
      throw new Error('simulated crash');
    };
    await expect(pretrainMaskedLm(options(first, dir, { ...settings, reporter: { onStep: (r) => void (r.globalStep === 7 && crash()) } }))).rejects.toThrow(
      'simulated crash',
    );
    first.dispose();
    expect(existsSync(join(dir, 'model.safetensors'))).toBe(false);

    // A fresh process: a model with other initial weights, restored from the checkpoint.
    const second = tinyMaskedLm(99, 0.1);
    const resumed = await pretrainMaskedLm(options(second, dir, { ...settings, resume: true }));
    const resumedWeights = await Promise.all(second.trainableVariables().map((v) => v.data()));
    second.dispose();
    expect(resumed.stopReason).toBe('max-steps');
    expect(resumed.heldOut.before).toEqual(reference.heldOut.before);
    expect(resumed.heldOut.during).toEqual(reference.heldOut.during);
    expect(resumed.heldOut.after).toEqual(reference.heldOut.after);
    expect(resumed.tokensTrained).toBe(reference.tokensTrained);
    resumedWeights.forEach((w, i) => expect(Buffer.from((w as Float32Array).buffer).equals(Buffer.from((referenceWeights[i] as Float32Array).buffer))).toBe(true));
    // The log was cut back to the checkpoint: no step is logged twice.
    const records = MetricsLog.read<MlmMetricsRecord>(join(dir, MLM_RUN_FILES.metrics));
    expect(records.filter((r) => r.type === 'mlm-step').map((r) => (r as MlmStepRecord).globalStep)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(records.filter((r) => r.type === 'resume')).toEqual([{ type: 'resume', epoch: 1, step: 4, globalStep: 4 }]);

    // Resuming a finished run changes nothing.
    const third = tinyMaskedLm(5);
    const again = await pretrainMaskedLm(options(third, dir, { ...settings, resume: true }));
    third.dispose();
    expect(again.heldOut).toEqual(resumed.heldOut);
    expect(again.modelDir).toBe(dir);
  }, 60_000);

  it('checkpoints and stops after the current step when aborted (Ctrl-C)', async () => {
    const dir = runDir();
    const controller = new AbortController();
    const model = tinyMaskedLm();
    const stopped = await pretrainMaskedLm(
      options(model, dir, { maxSteps: 12, signal: controller.signal, reporter: { onStep: (r) => void (r.globalStep === 3 && controller.abort()) } }),
    );
    model.dispose();
    expect(stopped.stopReason).toBe('interrupted');
    expect(stopped.modelDir).toBeNull();
    expect(stopped.heldOut.after).toBeNull();
    expect(readCheckpoint<{ globalStep: number }>(join(dir, MLM_RUN_FILES.checkpoint)).state.globalStep).toBe(3);
  });

  it('refuses a checkpoint of another configuration or data, naming the file', async () => {
    const dir = runDir();
    const model = tinyMaskedLm();
    await pretrainMaskedLm(options(model, dir, { maxSteps: 2, fingerprint: 'a' }));
    await expect(pretrainMaskedLm(options(model, dir, { maxSteps: 2, fingerprint: 'b', resume: true }))).rejects.toThrow(
      /checkpoint\.safetensors: was written by a different configuration/,
    );
    await expect(pretrainMaskedLm(options(model, dir, { maxSteps: 2, fingerprint: 'a', resume: true, train: train.slice(1) }))).rejects.toThrow(
      /was written for 256 training texts in 16 steps per epoch, but this run has 255 in 16/,
    );
    model.dispose();
  });
});
