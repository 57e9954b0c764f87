import { createRng } from '@mangaassist/common';
import type { SparseRow } from './tfidf';

/**
 * Options of {@link trainLogisticOvr}.
 *
 * @example
 * ```ts
 * const options: LogisticOptions = { l2: 1e-5, epochs: 15, classWeight: 'balanced' };
 * ```
 */
export interface LogisticOptions {
  /** L2 penalty on the weights (not the bias): the objective is mean log loss + l2/2·‖w‖². Default 1e-5 (chosen on a held-out split of the generated corpus). */
  readonly l2?: number;
  /** Passes over the data. Default 15. */
  readonly epochs?: number;
  /** Initial step size η₀ of the schedule η_t = η₀ / (1 + η₀·l2·t). Default 0.5. */
  readonly learningRate?: number;
  /** `balanced` weights positives and negatives of each label by n / (2·count), as scikit-learn does. Default balanced. */
  readonly classWeight?: 'balanced' | 'none';
  /** Seed of the order in which examples are visited. Default 0. */
  readonly seed?: number;
}

/**
 * One binary logistic regression per label over shared sparse features (one-vs-rest).
 *
 * @example
 * ```ts
 * const probabilities = model.predictProba(rows); // rows × labels
 * ```
 */
export interface LogisticOvrModel {
  readonly labelCount: number;
  /** The weights, `[featureCount, labelCount]` row-major (feature f, label l at `f · labelCount + l`). */
  readonly weights: Float64Array;
  /** The bias of each label. */
  readonly bias: Float64Array;
  /** Per row, the probability of each label. */
  predictProba(rows: readonly SparseRow[]): Float32Array[];
}

/**
 * Trains one-vs-rest L2-regularised logistic regression by stochastic gradient descent over sparse rows, with
 * the decaying step of Bottou's SGD (as scikit-learn's `SGDClassifier`). The L2 shrinkage is applied to all weights
 * at every step through a shared scale factor (w = s·v), which keeps each update as sparse as its row and the
 * result identical to dense SGD. `targets[i][l]` is 1 when row i carries label l.
 *
 * @example
 * ```ts
 * const model = trainLogisticOvr(tfidf.transform(texts), toMultiHot(examples, labels), tfidf.size);
 * ```
 */
export function trainLogisticOvr(
  rows: readonly SparseRow[],
  targets: readonly Float32Array[],
  featureCount: number,
  options: LogisticOptions = {},
): LogisticOvrModel {
  if (rows.length !== targets.length) throw new RangeError(`rows (${rows.length}) and targets (${targets.length}) must have the same length`);
  if (rows.length === 0) throw new RangeError('rows must not be empty');
  const labels = (targets[0] as Float32Array).length;
  const l2 = options.l2 ?? 1e-5;
  const epochs = options.epochs ?? 15;
  const eta0 = options.learningRate ?? 0.5;
  const n = rows.length;
  if (!(l2 >= 0)) throw new RangeError(`l2 must be >= 0, got ${l2}`);

  // Balanced class weights give rare labels (churn_risk ~4% of messages) a fair share of the loss.
  const positive = new Float64Array(labels);
  for (const target of targets) for (let l = 0; l < labels; l++) positive[l] += target[l] as number;
  const weightPos = new Float64Array(labels).fill(1);
  const weightNeg = new Float64Array(labels).fill(1);
  if (options.classWeight !== 'none') {
    for (let l = 0; l < labels; l++) {
      const pos = positive[l] as number;
      if (pos > 0 && pos < n) {
        weightPos[l] = n / (2 * pos);
        weightNeg[l] = n / (2 * (n - pos));
      }
    }
  }

  const v = new Float64Array(featureCount * labels);
  const bias = new Float64Array(labels);
  const grad = new Float64Array(labels);
  let scale = 1;
  let t = 0;
  const rng = createRng(options.seed ?? 0);
  const indices = Array.from({ length: n }, (_, i) => i);

  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const i of rng.shuffle(indices)) {
      const row = rows[i] as SparseRow;
      const target = targets[i] as Float32Array;
      const eta = eta0 / (1 + eta0 * l2 * t);
      t++;
      for (let l = 0; l < labels; l++) {
        let z = 0;
        for (let k = 0; k < row.indices.length; k++) z += (v[(row.indices[k] as number) * labels + l] as number) * (row.values[k] as number);
        const y = target[l] as number;
        const p = sigmoid(scale * z + (bias[l] as number));
        grad[l] = (p - y) * (y === 1 ? (weightPos[l] as number) : (weightNeg[l] as number));
      }
      scale *= 1 - eta * l2;
      for (let k = 0; k < row.indices.length; k++) {
        const base = (row.indices[k] as number) * labels;
        const step = (eta * (row.values[k] as number)) / scale;
        for (let l = 0; l < labels; l++) v[base + l] -= step * (grad[l] as number);
      }
      for (let l = 0; l < labels; l++) bias[l] -= eta * (grad[l] as number);
      if (scale < 1e-9) {
        // Fold the scale back into the weights before it underflows.
        for (let j = 0; j < v.length; j++) v[j] = (v[j] as number) * scale;
        scale = 1;
      }
    }
  }
  const weights = v.map((value) => value * scale);

  return {
    labelCount: labels,
    weights,
    bias,
    predictProba(input) {
      return input.map((row) => {
        const out = new Float32Array(labels);
        for (let l = 0; l < labels; l++) {
          let z = bias[l] as number;
          for (let k = 0; k < row.indices.length; k++) {
            const index = row.indices[k] as number;
            if (index < featureCount) z += (weights[index * labels + l] as number) * (row.values[k] as number);
          }
          out[l] = sigmoid(z);
        }
        return out;
      });
    },
  };
}

// Bound once: a global lookup per call is slow inside vm contexts (jest).
const exp = Math.exp;

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + exp(-z));
  const e = exp(z);
  return e / (1 + e);
}
