// Float64 reference formulas, written independently of the plugins (plain Math, no log-sigmoid tricks where the
// probabilities are moderate), for comparing values and analytic gradients.

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
export const logit = (p: number): number => Math.log(p / (1 - p));

/** −[y log p + (1 − y) log(1 − p)]. */
export function bce(z: number, y: number): number {
  const p = sigmoid(z);
  return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
}

/** d bce / dz = σ(z) − y. */
export const bceGrad = (z: number, y: number): number => sigmoid(z) - y;

/** −α [y (1 − p)^γ log p + (1 − y) p^γ log(1 − p)]. */
export function focal(z: number, y: number, gamma: number, alpha = 1): number {
  const p = sigmoid(z);
  return -alpha * (y * (1 - p) ** gamma * Math.log(p) + (1 - y) * p ** gamma * Math.log(1 - p));
}

/**
 * d focal / dz, derived by hand: with dp/dz = p(1 − p),
 * d[(1 − p)^γ log p]/dz = (1 − p)^γ [(1 − p) − γ p log p] and d[p^γ log(1 − p)]/dz = p^γ [γ (1 − p) log(1 − p) − p].
 */
export function focalGrad(z: number, y: number, gamma: number, alpha = 1): number {
  const p = sigmoid(z);
  const positive = (1 - p) ** gamma * (1 - p - gamma * p * Math.log(p));
  const negative = p ** gamma * (gamma * (1 - p) * Math.log(1 - p) - p);
  return -alpha * (y * positive + (1 - y) * negative);
}

/** Ridnik et al. 2021: −w [y (1 − p)^γ+ log p + (1 − y) p_m^γ− log(1 − p_m)], p_m = max(p − m, 0). */
export function asl(z: number, y: number, gammaPos: number, gammaNeg: number, clip: number, weight = 1): number {
  const p = sigmoid(z);
  const pm = Math.max(p - clip, 0);
  return -weight * (y * (1 - p) ** gammaPos * Math.log(p) + (1 - y) * pm ** gammaNeg * Math.log(1 - pm));
}

/** d asl / dz: positives as focal with γ+; negatives (p > m) d[p_m^γ log(1 − p_m)]/dz = p(1 − p)·[γ p_m^(γ−1) log(1 − p_m) − p_m^γ/(1 − p_m)]. */
export function aslGrad(z: number, y: number, gammaPos: number, gammaNeg: number, clip: number, weight = 1): number {
  const p = sigmoid(z);
  const pm = Math.max(p - clip, 0);
  const positive = (1 - p) ** gammaPos * (1 - p - gammaPos * p * Math.log(p));
  const dNegDpm = pm > 0 ? gammaNeg * pm ** (gammaNeg - 1) * Math.log(1 - pm) - pm ** gammaNeg / (1 - pm) : 0;
  const negative = p * (1 - p) * dNegDpm;
  return -weight * (y * positive + (1 - y) * negative);
}

/** Deterministic uniform numbers in [0, 1) (mulberry32), so synthetic data is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A reduction computed on only the unmasked elements (mask 1), independently of the plugins: the kept elements are
 * listed first, then added up (`sum`), averaged over their number (`mean`, 0 when none is kept), or placed in an
 * otherwise zero matrix (`none`). `elementLoss(n, l)` is called for kept elements only.
 */
export function unmaskedReference(
  elementLoss: (n: number, l: number) => number,
  mask: readonly (readonly number[])[],
  reduction: 'mean' | 'sum' | 'none',
): number | number[][] {
  const kept = mask.flatMap((row, n) => row.flatMap((m, l) => (m === 1 ? [{ n, l, value: elementLoss(n, l) }] : [])));
  if (reduction === 'none') {
    const matrix = mask.map((row) => row.map(() => 0));
    for (const { n, l, value } of kept) matrix[n]![l] = value;
    return matrix;
  }
  const total = kept.reduce((acc, { value }) => acc + value, 0);
  return reduction === 'sum' ? total : kept.length === 0 ? 0 : total / kept.length;
}

/**
 * Kendall's uncertainty-weighted loss with per-label means over the unmasked elements, as documented for the masked
 * `mean`: (1/A)·Σ_{labels with ≥ 1 kept element} [exp(−s_l)·mean of BCE over the kept elements + s_l], A = the number
 * of such labels (0 when there is none). Built label by label from the kept elements' list.
 */
export function uncertaintyWeightedMaskedMean(
  logits: readonly (readonly number[])[],
  targets: readonly (readonly number[])[],
  s: readonly number[],
  mask: readonly (readonly number[])[],
): number {
  const terms = s.flatMap((sl, l) => {
    const kept = logits.flatMap((row, n) => (mask[n]![l] === 1 ? [bce(row[l]!, targets[n]![l]!)] : []));
    if (kept.length === 0) return [];
    return [Math.exp(-sl) * (kept.reduce((a, b) => a + b, 0) / kept.length) + sl];
  });
  return terms.length === 0 ? 0 : terms.reduce((a, b) => a + b, 0) / terms.length;
}
