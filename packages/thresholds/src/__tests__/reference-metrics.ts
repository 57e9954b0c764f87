// Independent, deliberately naive reference implementations for the tests: one pass over every example per
// threshold, no sorting, no binary search.

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
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

/** Precision, recall, F-β by direct counting (same conventions: 0 for 0/0). */
export function naiveMetrics(probabilities: readonly number[], targets: readonly number[], threshold: number, beta = 1) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  probabilities.forEach((p, i) => {
    const predicted = p >= threshold;
    if (predicted && targets[i] === 1) tp += 1;
    else if (predicted) fp += 1;
    else if (targets[i] === 1) fn += 1;
  });
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const b2 = beta * beta;
  const fbeta = precision + recall === 0 ? 0 : ((1 + b2) * precision * recall) / (b2 * precision + recall);
  return { tp, fp, fn, precision, recall, fbeta };
}

/** A noisy but informative classifier's column: positives score higher on average. */
export function syntheticColumn(seed: number, size: number, positiveRate: number) {
  const random = seededRandom(seed);
  const probabilities: number[] = [];
  const targets: number[] = [];
  for (let i = 0; i < size; i += 1) {
    const positive = random() < positiveRate;
    const noise = (random() + random() + random()) / 3;
    // Rounded to 3 decimals so that ties between examples and thresholds on the 0.005 grid really happen.
    probabilities.push(Math.round(Math.min(0.999, Math.max(0.001, positive ? 0.25 + 0.7 * noise : 0.6 * noise)) * 1000) / 1000);
    targets.push(positive ? 1 : 0);
  }
  return { probabilities, targets };
}
