import * as tf from '@tensorflow/tfjs-core';
import { AdamWState as FusedState, applyAdamW } from '@mangaassist/cpu-kernels';

/** Hyper-parameters of {@link AdamW}. */
export interface AdamWOptions {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Decoupled weight decay: each step multiplies decayed weights by `1 - lr·weightDecay`. */
  readonly weightDecay: number;
  /**
   * Which variables are decayed. Default: those of rank 2 and above, so biases and LayerNorm gains/shifts (rank 1)
   * are not pulled towards zero — the usual BERT fine-tuning practice, decided by shape rather than by name.
   */
  readonly decays?: (variable: tf.Variable) => boolean;
  /**
   * `tensor`: the update as TensorFlow.js ops (any backend). `fused`: one loop per variable over its buffer
   * (`applyAdamW` of `@mangaassist/cpu-kernels`, native when built; reads and writes host memory, so only sensible
   * on the `cpu` backend). `auto` (default): `fused` when the active backend is `cpu`, else `tensor`.
   */
  readonly implementation?: 'auto' | 'tensor' | 'fused';
}

/** One variable's update request: its gradient and learning rate for this step. */
export interface AdamWUpdate {
  readonly variable: tf.Variable;
  readonly gradient: tf.Tensor;
  readonly lr: number;
}

/** Optimizer state of one variable, as plain arrays (for checkpoints). */
export interface AdamWVariableState {
  /** Updates applied so far to this variable (its own bias-correction clock). */
  readonly step: number;
  readonly m: Float32Array;
  readonly v: Float32Array;
}

interface SlotState {
  step: number;
  m: tf.Tensor;
  v: tf.Tensor;
}

/**
 * AdamW (Loshchilov & Hutter) with per-variable learning rates, as PyTorch's `torch.optim.AdamW` computes it:
 * `p ← p·(1 − lr·wd)`, `m ← β1·m + (1 − β1)·g`, `v ← β2·v + (1 − β2)·g²`,
 * `p ← p − lr/(1 − β1^t) · m / (√v/√(1 − β2^t) + ε)`.
 * State is created on a variable's first update, so frozen variables (never passed to {@link step}) hold none; each
 * variable keeps its own step count, so a group unfrozen late gets a correct bias correction.
 *
 * @example
 * ```ts
 * const adam = new AdamW({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 });
 * await adam.step([{ variable: w, gradient: dw, lr: 3e-5 }]);
 * adam.dispose();
 * ```
 */
export class AdamW {
  private readonly slots = new Map<tf.Variable, SlotState>();
  private fusedState: FusedState | undefined;
  private readonly fusedVariables = new Set<tf.Variable>();
  private readonly decays: (variable: tf.Variable) => boolean;
  /** The implementation in use (`auto` resolved against the backend active at construction). */
  readonly implementation: 'tensor' | 'fused';

  constructor(private readonly options: AdamWOptions) {
    const { beta1, beta2, epsilon, weightDecay } = options;
    if (!(beta1 >= 0 && beta1 < 1)) throw new RangeError(`beta1 must be in [0, 1), got ${beta1}`);
    if (!(beta2 >= 0 && beta2 < 1)) throw new RangeError(`beta2 must be in [0, 1), got ${beta2}`);
    if (!(epsilon > 0)) throw new RangeError(`epsilon must be positive, got ${epsilon}`);
    if (!(weightDecay >= 0)) throw new RangeError(`weightDecay must be >= 0, got ${weightDecay}`);
    this.decays = options.decays ?? ((variable) => variable.rank >= 2);
    const wanted = options.implementation ?? 'auto';
    this.implementation = wanted === 'auto' ? (tf.getBackend() === 'cpu' ? 'fused' : 'tensor') : wanted;
    if (this.implementation === 'fused') this.fusedState = new FusedState();
  }

  /**
   * Applies one update to each listed variable. Gradients are not disposed (the caller owns them). Asynchronous
   * because the fused update reads gradients back from the backend, which a GPU backend only does asynchronously.
   */
  async step(updates: readonly AdamWUpdate[]): Promise<void> {
    const { beta1, beta2, epsilon, weightDecay } = this.options;
    for (const { variable, gradient, lr } of updates) {
      if (!(lr >= 0) || !Number.isFinite(lr)) throw new RangeError(`lr must be a finite number >= 0, got ${lr}`);
      if (!tf.util.arraysEqual(gradient.shape, variable.shape)) {
        throw new RangeError(`gradient shape [${gradient.shape}] does not match variable ${variable.name} [${variable.shape}]`);
      }
      const decaysThis = weightDecay > 0 && this.decays(variable);
      if (this.fusedState) {
        await applyAdamW([variable], { [variable.name]: gradient }, this.fusedState, {
          learningRate: lr,
          beta1,
          beta2,
          epsilon,
          weightDecay: decaysThis ? weightDecay : 0,
        });
        this.fusedVariables.add(variable);
        continue;
      }
      const slot = this.slots.get(variable) ?? this.createSlot(variable);
      const t = slot.step + 1;
      const decay = decaysThis ? lr * weightDecay : 0;
      const [m, v] = tf.tidy(() => {
        const m = tf.add(tf.mul(slot.m, beta1), tf.mul(gradient, 1 - beta1));
        const v = tf.add(tf.mul(slot.v, beta2), tf.mul(tf.square(gradient), 1 - beta2));
        const denominator = tf.add(tf.div(tf.sqrt(v), Math.sqrt(1 - beta2 ** t)), epsilon);
        const decayed = decay > 0 ? tf.mul(variable, 1 - decay) : variable;
        variable.assign(tf.sub(decayed, tf.mul(tf.div(m, denominator), lr / (1 - beta1 ** t))));
        return [m, v];
      });
      slot.m.dispose();
      slot.v.dispose();
      slot.m = m;
      slot.v = v;
      slot.step = t;
    }
  }

  /** True when `variable` has optimizer state (it has been updated at least once). */
  hasState(variable: tf.Variable): boolean {
    return this.slots.has(variable) || this.fusedVariables.has(variable);
  }

  /** Number of variables holding state. */
  get size(): number {
    return this.slots.size + this.fusedVariables.size;
  }

  /** The state of `variable` as arrays (copies), or `undefined` when it has none (read asynchronously: WebGPU can't read synchronously). */
  async getState(variable: tf.Variable): Promise<AdamWVariableState | undefined> {
    if (this.fusedState) {
      if (!this.fusedVariables.has(variable)) return undefined;
      const fused = this.fusedState.slot(variable);
      return { step: fused.step, m: fused.m.slice(), v: fused.v.slice() };
    }
    const slot = this.slots.get(variable);
    if (!slot) return undefined;
    const [m, v] = await Promise.all([slot.m.data(), slot.v.data()]);
    return { step: slot.step, m: (m as Float32Array).slice(), v: (v as Float32Array).slice() };
  }

  /** Restores the state of `variable` (from a checkpoint), replacing any it had. */
  setState(variable: tf.Variable, state: AdamWVariableState): void {
    const size = variable.size;
    if (state.m.length !== size || state.v.length !== size) {
      throw new RangeError(`optimizer state for ${variable.name} has ${state.m.length} values, expected ${size}`);
    }
    if (!Number.isSafeInteger(state.step) || state.step < 1) {
      throw new RangeError(`optimizer state step for ${variable.name} must be an integer >= 1, got ${state.step}`);
    }
    if (this.fusedState) {
      const fused = this.fusedState.slot(variable);
      fused.m.set(state.m);
      fused.v.set(state.v);
      fused.step = state.step;
      this.fusedVariables.add(variable);
      return;
    }
    this.disposeSlot(variable);
    this.slots.set(variable, {
      step: state.step,
      m: tf.tensor(state.m, variable.shape, 'float32'),
      v: tf.tensor(state.v, variable.shape, 'float32'),
    });
  }

  /** Releases every state tensor. */
  dispose(): void {
    for (const variable of [...this.slots.keys()]) this.disposeSlot(variable);
    if (this.fusedState) this.fusedState = new FusedState();
    this.fusedVariables.clear();
  }

  private createSlot(variable: tf.Variable): SlotState {
    const slot = { step: 0, m: tf.zerosLike(variable), v: tf.zerosLike(variable) };
    this.slots.set(variable, slot);
    return slot;
  }

  private disposeSlot(variable: tf.Variable): void {
    const slot = this.slots.get(variable);
    if (!slot) return;
    slot.m.dispose();
    slot.v.dispose();
    this.slots.delete(variable);
  }
}
