/**
 * Options of {@link minimizeLbfgs}.
 *
 * @example
 * ```ts
 * const options: LbfgsOptions = { memory: 10, maxIterations: 500, gradientTolerance: 1e-8 };
 * ```
 */
export interface LbfgsOptions {
  /** Correction pairs kept for the inverse-Hessian estimate. Default 10 (scipy's L-BFGS-B keeps 10, as scikit-learn calls it). */
  readonly memory?: number;
  /** Most iterations. Default 1000. */
  readonly maxIterations?: number;
  /** Stop when the largest absolute gradient component is at most this. Default 1e-8. */
  readonly gradientTolerance?: number;
  /** Stop when an iteration lowers the objective by at most this fraction of max(|f|, 1). Default 1e-12. */
  readonly relativeDecrease?: number;
}

/** What {@link minimizeLbfgs} found. */
export interface LbfgsResult {
  /** The minimiser found (a new array). */
  readonly x: Float64Array;
  /** The objective there. */
  readonly value: number;
  /** Iterations taken. */
  readonly iterations: number;
  /** Largest absolute gradient component at `x`. */
  readonly gradientNorm: number;
  /** Whether a tolerance was met (rather than `maxIterations` or a failed line search). */
  readonly converged: boolean;
}

/**
 * Minimises a smooth function with limited-memory BFGS (Nocedal & Wright, *Numerical Optimization*, 2nd ed.,
 * algorithms 7.4 and 7.5): the two-loop recursion for the search direction, the initial inverse Hessian scaled by
 * sᵀy / yᵀy, and a backtracking line search to the Armijo condition. A pair whose curvature sᵀy is not positive is not
 * stored, so the estimate stays positive definite. Written for the convex objectives of logistic regression, where
 * it reaches the optimum that scikit-learn's `lbfgs` solver reaches.
 *
 * `objective(x, gradient)` returns f(x) and writes ∇f(x) into `gradient`.
 *
 * @example
 * ```ts
 * // f(x) = (x₀ − 3)² + 10·(x₁ + 1)²
 * const result = minimizeLbfgs((x, g) => {
 *   g[0] = 2 * (x[0]! - 3);
 *   g[1] = 20 * (x[1]! + 1);
 *   return (x[0]! - 3) ** 2 + 10 * (x[1]! + 1) ** 2;
 * }, new Float64Array(2));
 * result.x; // ≈ [3, −1]
 * ```
 */
export function minimizeLbfgs(objective: (x: Float64Array, gradient: Float64Array) => number, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const memory = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 1000;
  const gradientTolerance = options.gradientTolerance ?? 1e-8;
  const relativeDecrease = options.relativeDecrease ?? 1e-12;
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = objective(x, g);
  if (!Number.isFinite(f)) throw new RangeError(`minimizeLbfgs: the objective is ${f} at the starting point`);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(memory);
  const direction = new Float64Array(n);
  const trial = new Float64Array(n);
  const trialGradient = new Float64Array(n);

  let iterations = 0;
  let converged = maxAbs(g) <= gradientTolerance;
  while (!converged && iterations < maxIterations) {
    // Two-loop recursion: direction = −H·g.
    direction.set(g);
    for (let i = s.length - 1; i >= 0; i--) {
      alpha[i] = (rho[i] as number) * dot(s[i] as Float64Array, direction);
      axpy(-(alpha[i] as number), y[i] as Float64Array, direction);
    }
    const newest = s.length - 1;
    // Without curvature pairs yet, a first step of unit length along −g (scipy's choice) sets the scale.
    const gamma = newest >= 0 ? dot(s[newest] as Float64Array, y[newest] as Float64Array) / dot(y[newest] as Float64Array, y[newest] as Float64Array) : 1 / Math.max(Math.sqrt(dot(g, g)), 1e-300);
    for (let j = 0; j < n; j++) direction[j] = (direction[j] as number) * gamma;
    for (let i = 0; i < s.length; i++) {
      const beta = (rho[i] as number) * dot(y[i] as Float64Array, direction);
      axpy((alpha[i] as number) - beta, s[i] as Float64Array, direction);
    }
    for (let j = 0; j < n; j++) direction[j] = -(direction[j] as number);
    let slope = dot(g, direction);
    if (!(slope < 0)) {
      // Not a descent direction (rounding): forget the estimate and go down the gradient.
      s.length = y.length = rho.length = 0;
      for (let j = 0; j < n; j++) direction[j] = -(g[j] as number) / Math.max(Math.sqrt(dot(g, g)), 1e-300);
      slope = dot(g, direction);
    }

    // Backtracking to the Armijo condition f(x + t·d) ≤ f(x) + 1e-4·t·gᵀd, halving t.
    let step = 1;
    let fTrial = Number.NaN;
    let accepted = false;
    for (let tries = 0; tries < 60; tries++) {
      for (let j = 0; j < n; j++) trial[j] = (x[j] as number) + step * (direction[j] as number);
      fTrial = objective(trial, trialGradient);
      if (Number.isFinite(fTrial) && fTrial <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step /= 2;
    }
    iterations++;
    if (!accepted) break;

    const sNew = new Float64Array(n);
    const yNew = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      sNew[j] = (trial[j] as number) - (x[j] as number);
      yNew[j] = (trialGradient[j] as number) - (g[j] as number);
    }
    const curvature = dot(sNew, yNew);
    if (curvature > 1e-16 * dot(yNew, yNew)) {
      if (s.length === memory) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sNew);
      y.push(yNew);
      rho.push(1 / curvature);
    }
    const decrease = f - fTrial;
    x.set(trial);
    g.set(trialGradient);
    f = fTrial;
    converged = maxAbs(g) <= gradientTolerance || decrease <= relativeDecrease * Math.max(Math.abs(f), 1);
  }
  return { x, value: f, iterations, gradientNorm: maxAbs(g), converged };
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] = (y[i] as number) + a * (x[i] as number);
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] as number));
  return max;
}
