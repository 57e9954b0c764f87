import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import { MangaAssistError } from '@mangaassist/common';
import type { AdamW } from './adamw';
import { readCheckpoint, writeCheckpoint } from './checkpoint';

/** A trained variable under the stable key it has in a checkpoint (TensorFlow.js names change between processes). */
export interface CheckpointedVariable {
  readonly key: string;
  readonly variable: tf.Variable;
}

/** The part of a saved training state that {@link saveTrainingCheckpoint} fills: Adam's step count per key. */
export interface OptimizerStepsState {
  readonly optimizerSteps: Readonly<Record<string, number>>;
}

/**
 * Checkpoints a run: every variable's values and AdamW state (`adam.m/<key>`, `adam.v/<key>`) as tensors, and
 * `state` plus the per-key Adam step counts (`optimizerSteps`) as metadata, atomically (see `writeCheckpoint`).
 * The fine-tuning loop and the masked-LM loop both save through it.
 *
 * @example
 * ```ts
 * await saveTrainingCheckpoint('run/checkpoint.safetensors', { epoch: 2, step: 10 }, [{ key: 'model/0', variable }], adam);
 * ```
 */
export async function saveTrainingCheckpoint(path: string, state: object, variables: readonly CheckpointedVariable[], adam: AdamW): Promise<void> {
  const tensors = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  const optimizerSteps: Record<string, number> = {};
  for (const { key, variable } of variables) {
    tensors.set(key, { shape: variable.shape, data: (await variable.data()) as Float32Array });
    const slot = await adam.getState(variable);
    if (slot) {
      optimizerSteps[key] = slot.step;
      tensors.set(`adam.m/${key}`, { shape: variable.shape, data: slot.m });
      tensors.set(`adam.v/${key}`, { shape: variable.shape, data: slot.v });
    }
  }
  writeCheckpoint(path, { tensors, state: { ...state, optimizerSteps } });
}

/**
 * Restores a checkpoint written by {@link saveTrainingCheckpoint} into `variables` and `adam`, after `check` has
 * accepted its state (it returns why the checkpoint does not belong to this run, or `undefined`). With `schema`, the
 * state is validated by it first (see `readCheckpoint`), so `check` and the restore see well-formed fields.
 *
 * @throws MangaAssistError `NOT_FOUND` when there is no checkpoint; `CHECKPOINT_INVALID` naming the file when it is
 *   damaged (SHA-256 mismatch), `schema` or `check` refuses it, a variable's tensor is missing or has another shape, or its optimizer state is incomplete
 *
 * @example
 * ```ts
 * const state = restoreTrainingCheckpoint<MyState>(path, variables, adam, (s) => (s.fingerprint === fingerprint ? undefined : 'was written by another configuration'));
 * ```
 */
export function restoreTrainingCheckpoint<State extends OptimizerStepsState>(
  path: string,
  variables: readonly CheckpointedVariable[],
  adam: AdamW,
  check: (state: State) => string | undefined,
  schema?: z.ZodType<State>,
): State {
  if (!existsSync(path)) {
    throw new MangaAssistError('NOT_FOUND', `cannot resume: no checkpoint at ${path} (start without resume to begin a new run)`, { file: path });
  }
  const { tensors, state } = readCheckpoint<State>(path, schema);
  const invalid = (message: string) => new MangaAssistError('CHECKPOINT_INVALID', `${path}: ${message}`, { file: path });
  const refusal = check(state);
  if (refusal !== undefined) throw invalid(refusal);
  for (const { key, variable } of variables) {
    const saved = tensors.get(key);
    if (!saved) throw invalid(`has no tensor "${key}" (the model or loss differs from the checkpointed one)`);
    if (!tf.util.arraysEqual([...saved.shape], variable.shape)) {
      throw invalid(`tensor "${key}" has shape [${saved.shape}] but the model's variable has [${variable.shape}]`);
    }
    tf.tidy(() => variable.assign(tf.tensor(saved.data, variable.shape, 'float32')));
    const step = state.optimizerSteps[key];
    if (step !== undefined) {
      const m = tensors.get(`adam.m/${key}`);
      const v = tensors.get(`adam.v/${key}`);
      if (!m || !v) throw invalid(`optimizer state of "${key}" is incomplete`);
      adam.setState(variable, { step, m: m.data, v: v.data });
    }
  }
  return state;
}
