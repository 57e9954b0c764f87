import { backend as activeBackend, getBackend, tensor, type NamedTensorMap, type Variable } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { toFloat32 } from '../kernels/tensor-data';
import { loadNativeBinding } from '../native-binding';

/** AdamW settings; defaults are `torch.optim.AdamW`'s. */
export interface AdamWHyperparameters {
  readonly learningRate: number;
  /** Default 0.9. */
  readonly beta1?: number;
  /** Default 0.999. */
  readonly beta2?: number;
  /** Default 1e-8. */
  readonly epsilon?: number;
  /** Decoupled weight decay; default 0.01. */
  readonly weightDecay?: number;
}

/** Which loop runs the update: the addon when built (`auto`), or one of them explicitly. */
export type AdamWImplementation = 'auto' | 'native' | 'js';

/** First and second moments and the step count of one variable. */
export interface AdamWSlot {
  readonly m: Float32Array;
  readonly v: Float32Array;
  step: number;
}

/**
 * Optimizer state of {@link applyAdamW}, one slot per variable name. Moments are plain `Float32Array`s (no tensors
 * to dispose); each variable counts its own steps, so a layer unfrozen late starts its bias correction at step 1,
 * as in PyTorch.
 *
 * @example
 * ```ts
 * const state = new AdamWState();
 * applyAdamW(variables, grads, state, { learningRate: 5e-5 });
 * console.log(state.slot(variables[0]).step); // 1
 * ```
 */
export class AdamWState {
  private readonly slots = new Map<string, AdamWSlot>();

  /** The slot of `variable`, created (zeroed, step 0) on first use. */
  slot(variable: Variable): AdamWSlot {
    let slot = this.slots.get(variable.name);
    if (!slot) {
      slot = { m: new Float32Array(variable.size), v: new Float32Array(variable.size), step: 0 };
      this.slots.set(variable.name, slot);
    }
    if (slot.m.length !== variable.size) {
      throw new RangeError(`AdamW state for "${variable.name}" has ${slot.m.length} elements, the variable has ${variable.size}`);
    }
    return slot;
  }

  /** Names of the variables with state. */
  names(): string[] {
    return [...this.slots.keys()];
  }
}

function checkHyperparameters(h: AdamWHyperparameters): Required<AdamWHyperparameters> {
  const full = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01, ...h };
  const check = (name: keyof AdamWHyperparameters, ok: boolean, allowed: string) => {
    if (!ok) throw new RangeError(`hparams.${name} must be ${allowed}, got ${full[name]}`);
  };
  check('learningRate', Number.isFinite(full.learningRate) && full.learningRate >= 0, 'a finite number >= 0');
  check('beta1', full.beta1 >= 0 && full.beta1 < 1, 'in [0, 1)');
  check('beta2', full.beta2 >= 0 && full.beta2 < 1, 'in [0, 1)');
  check('epsilon', full.epsilon > 0, '> 0');
  check('weightDecay', Number.isFinite(full.weightDecay) && full.weightDecay >= 0, 'a finite number >= 0');
  return full;
}

/** The JavaScript loop of the update; same formula as `native/src/adamw.cc`. */
function adamwJs(
  paramIn: Float32Array,
  paramOut: Float32Array,
  grad: Float32Array,
  slot: AdamWSlot,
  h: Required<AdamWHyperparameters>,
): void {
  const { m, v } = slot;
  const { beta1, beta2, epsilon } = h;
  const decay = 1 - h.learningRate * h.weightDecay;
  const stepSize = h.learningRate / (1 - Math.pow(beta1, slot.step));
  const invSqrtBc2 = 1 / Math.sqrt(1 - Math.pow(beta2, slot.step));
  for (let i = 0; i < paramIn.length; i++) {
    const g = grad[i];
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    paramOut[i] = paramIn[i] * decay - (stepSize * mi) / (Math.sqrt(vi) * invSqrtBc2 + epsilon);
  }
}

/**
 * One AdamW step (decoupled weight decay, `torch.optim.AdamW`'s formula) for `variables`, with the gradients keyed
 * by variable name as `tf.variableGrads` returns them. Each variable is updated in one fused loop — native when the
 * addon is built, JavaScript otherwise — instead of a dozen tensor ops; on the cpu backend the variable's buffer is
 * updated in place when no other tensor shares it. On any other backend (WebGPU) gradients and weights are read
 * asynchronously — a GPU backend cannot read synchronously in Node — and the updated weights written back: correct,
 * but a round trip through host memory each step. Call it once per parameter group to give groups different
 * learning rates. The gradients are not disposed.
 *
 * @example
 * ```ts
 * const state = new AdamWState();
 * const { value, grads } = tf.variableGrads(() => loss(batch), trainable);
 * await applyAdamW(trainable, grads, state, { learningRate: 5e-5, weightDecay: 0.01 });
 * tf.dispose([value, ...Object.values(grads)]);
 * ```
 */
export async function applyAdamW(
  variables: readonly Variable[],
  gradients: NamedTensorMap,
  state: AdamWState,
  hparams: AdamWHyperparameters,
  implementation: AdamWImplementation = 'auto',
): Promise<void> {
  const h = checkHyperparameters(hparams);
  const binding = implementation === 'js' ? undefined : loadNativeBinding();
  if (implementation === 'native' && !binding) {
    throw new Error('applyAdamW: implementation "native" requested but the native addon is not available');
  }
  const cpu = getBackend() === 'cpu' ? (activeBackend() as MathBackendCPU) : undefined;
  for (const variable of variables) {
    const gradient = gradients[variable.name];
    if (!gradient) throw new TypeError(`gradients: no gradient for variable "${variable.name}"`);
    if (variable.dtype !== 'float32' || gradient.dtype !== 'float32') {
      throw new TypeError(`applyAdamW: variable "${variable.name}" and its gradient must be float32`);
    }
    if (gradient.size !== variable.size) {
      throw new RangeError(`gradients["${variable.name}"] has shape [${gradient.shape}], the variable [${variable.shape}]`);
    }
    const slot = state.slot(variable);
    const grad = toFloat32(await gradient.data());
    const own = cpu?.data.get(variable.dataId);
    const inPlace = own !== undefined && own.values instanceof Float32Array && cpu!.refCount(variable.dataId) === 1;
    const paramIn = inPlace ? (own.values as Float32Array) : toFloat32(await variable.data());
    // Counted after the reads, so a read that fails leaves the step count as it was.
    slot.step += 1;
    const paramOut = inPlace ? paramIn : new Float32Array(paramIn.length);
    if (binding) {
      binding.adamw(paramIn, paramOut, grad, slot.m, slot.v, h.learningRate, h.beta1, h.beta2, h.epsilon, h.weightDecay, slot.step);
    } else {
      adamwJs(paramIn, paramOut, grad, slot, h);
    }
    if (!inPlace) {
      const updated = tensor(paramOut, variable.shape, 'float32');
      variable.assign(updated);
      updated.dispose();
    }
  }
}
