import { createRng } from '@mangaassist/common';
import { minimizeLbfgs } from './lbfgs';
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
  /**
   * `sgd` (default): a fixed number of passes of stochastic gradient descent, which stops short of the optimum.
   * `lbfgs`: L-BFGS to the optimum, per label, as scikit-learn's `LogisticRegression(solver='lbfgs')` with
   * C = 1 / (n · l2) for n rows (its objective C·Σ loss + ½‖w‖² is n·C times this one; neither penalises the bias).
   */
  readonly solver?: 'sgd' | 'lbfgs';
  /** `sgd`: passes over the data. Default 15. */
  readonly epochs?: number;
  /** `sgd`: initial step size η₀ of the schedule η_t = η₀ / (1 + η₀·l2·t). Default 0.5. */
  readonly learningRate?: number;
  /** `lbfgs`: most iterations per label. Default 2000. */
  readonly maxIterations?: number;
  /** `balanced` weights positives and negatives of each label by n / (2·count), as scikit-learn does. Default balanced. */
  readonly classWeight?: 'balanced' | 'none';
  /** `sgd`: seed of the order in which examples are visited. Default 0. */
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
 * Trains one-vs-rest L2-regularised logistic regression over sparse rows. `targets[i][l]` is 1 when row i carries
 * label l.
 *
 * The default solver is stochastic gradient descent with the decaying step of Bottou's SGD (as scikit-learn's
 * `SGDClassifier`) for a fixed number of passes; the L2 shrinkage is applied to all weights at every step through a
 * shared scale factor (w = s·v), which keeps each update as sparse as its row and the result identical to dense SGD.
 * `solver: 'lbfgs'` minimises the same objective to convergence instead (see {@link LogisticOptions.solver}).
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

  const problem: Problem = { rows, targets, featureCount, labels, l2, weightPos, weightNeg };
  const { weights, bias } = options.solver === 'lbfgs' ? fitLbfgs(problem, options.maxIterations ?? 2000) : fitSgd(problem, epochs, eta0, options.seed ?? 0);

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

/** What both solvers minimise: the rows and targets, the penalty, and each label's weight of positives and negatives. */
interface Problem {
  readonly rows: readonly SparseRow[];
  readonly targets: readonly Float32Array[];
  readonly featureCount: number;
  readonly labels: number;
  readonly l2: number;
  readonly weightPos: Float64Array;
  readonly weightNeg: Float64Array;
}

function fitSgd(problem: Problem, epochs: number, eta0: number, seed: number): { weights: Float64Array; bias: Float64Array } {
  const { rows, targets, featureCount, labels, l2, weightPos, weightNeg } = problem;
  const n = rows.length;
  const v = new Float64Array(featureCount * labels);
  const bias = new Float64Array(labels);
  const grad = new Float64Array(labels);
  let scale = 1;
  let t = 0;
  const rng = createRng(seed);
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
  return { weights: v.map((value) => value * scale), bias };
}

/**
 * One L-BFGS fit per label of (1/n)·Σ cᵢ·logloss(zᵢ, yᵢ) + (l2/2)·‖w‖², cᵢ the class weight of row i. Only features
 * that occur in some row get a parameter (the others' optimum is 0), so a large hashed feature space costs nothing.
 */
function fitLbfgs(problem: Problem, maxIterations: number): { weights: Float64Array; bias: Float64Array } {
  const { rows, targets, featureCount, labels, l2, weightPos, weightNeg } = problem;
  const n = rows.length;
  // Compressed rows over the features that occur, renumbered 0 … used − 1.
  const compact = new Int32Array(featureCount).fill(-1);
  const used: number[] = [];
  const starts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) starts[i + 1] = (starts[i] as number) + (rows[i] as SparseRow).indices.length;
  const columns = new Int32Array(starts[n] as number);
  const values = new Float64Array(starts[n] as number);
  rows.forEach((row, i) => {
    for (let k = 0; k < row.indices.length; k++) {
      const feature = row.indices[k] as number;
      if (feature >= featureCount) throw new RangeError(`row ${i} has feature ${feature}, outside the ${featureCount} features`);
      if (compact[feature] === -1) {
        compact[feature] = used.length;
        used.push(feature);
      }
      columns[(starts[i] as number) + k] = compact[feature] as number;
      values[(starts[i] as number) + k] = row.values[k] as number;
    }
  });
  const m = used.length;
  const weights = new Float64Array(featureCount * labels);
  const bias = new Float64Array(labels);
  const z = new Float64Array(n);
  for (let l = 0; l < labels; l++) {
    const y = Float64Array.from(targets, (target) => target[l] as number);
    const c = Float64Array.from(y, (yi) => (yi === 1 ? (weightPos[l] as number) : (weightNeg[l] as number)) / n);
    // x = [w (m), b]
    const objective = (x: Float64Array, gradient: Float64Array): number => {
      let loss = 0;
      const b = x[m] as number;
      for (let i = 0; i < n; i++) {
        let zi = b;
        for (let k = starts[i] as number; k < (starts[i + 1] as number); k++) zi += (x[columns[k] as number] as number) * (values[k] as number);
        z[i] = zi;
        // log(1 + e^z) − y·z, stable for either sign of z.
        loss += (c[i] as number) * ((zi > 0 ? zi + Math.log1p(exp(-zi)) : Math.log1p(exp(zi))) - (y[i] as number) * zi);
      }
      gradient.fill(0);
      let gb = 0;
      for (let i = 0; i < n; i++) {
        const r = (c[i] as number) * (sigmoid(z[i] as number) - (y[i] as number));
        gb += r;
        for (let k = starts[i] as number; k < (starts[i + 1] as number); k++) gradient[columns[k] as number] = (gradient[columns[k] as number] as number) + r * (values[k] as number);
      }
      let penalty = 0;
      for (let j = 0; j < m; j++) {
        penalty += (x[j] as number) * (x[j] as number);
        gradient[j] = (gradient[j] as number) + l2 * (x[j] as number);
      }
      gradient[m] = gb;
      return loss + 0.5 * l2 * penalty;
    };
    // Ten times tighter than scikit-learn's default (gradient 1e-4 on its n·C-times-larger objective).
    const result = minimizeLbfgs(objective, new Float64Array(m + 1), { maxIterations, gradientTolerance: Math.max(1e-5 * l2, 1e-13) });
    for (let j = 0; j < m; j++) weights[(used[j] as number) * labels + l] = result.x[j] as number;
    bias[l] = result.x[m] as number;
  }
  return { weights, bias };
}

// Bound once: a global lookup per call is slow inside vm contexts (jest).
const exp = Math.exp;

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + exp(-z));
  const e = exp(z);
  return e / (1 + e);
}
