import { spawnSync } from 'node:child_process';
import { createRng } from '@mangaassist/common';
import { trainLogisticOvr, type SparseRow } from '@mangaassist/data';
import { DEFAULT_PYTHON } from './train/pytorch-baseline';

// `trainLogisticOvr({ solver: 'lbfgs' })` claims scikit-learn's optimum; scikit-learn itself, run to a tolerance far
// below its default, is the reference it is held to.
const sklearn = spawnSync(DEFAULT_PYTHON, ['-c', 'import sklearn'], { encoding: 'utf8' });
const available = sklearn.status === 0;

const FIT = `
import json, sys
import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
p = json.load(sys.stdin)
x = csr_matrix((p["values"], p["indices"], p["starts"]), shape=(len(p["starts"]) - 1, p["features"]))
out = []
for l, y in enumerate(np.array(p["targets"]).T):
    m = LogisticRegression(C=p["C"], class_weight=p["classWeight"], tol=1e-12, max_iter=100000).fit(x, y)
    out.append({"coef": m.coef_[0].tolist(), "intercept": float(m.intercept_[0])})
print(json.dumps(out))
`;

function problem(seed: number, features: number, n: number): { rows: SparseRow[]; targets: Float32Array[] } {
  const rng = createRng(seed);
  const rows: SparseRow[] = [];
  const targets: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const used = [...new Set(Array.from({ length: 6 }, () => rng.int(0, features - 1)))].sort((a, b) => a - b);
    rows.push({ indices: Int32Array.from(used), values: Float32Array.from(used, () => 0.1 + rng.next()) });
    const score = used.reduce((sum, f) => sum + (f % 7 === 0 ? 1.5 : f % 5 === 0 ? -1 : 0), 0) + rng.next() - 0.8;
    targets.push(Float32Array.of(score > 0 ? 1 : 0, used.includes(3) || rng.chance(0.08) ? 1 : 0));
  }
  return { rows, targets };
}

(available ? describe : describe.skip)(`trainLogisticOvr lbfgs against scikit-learn${available ? '' : ` (skipped: ${DEFAULT_PYTHON} cannot import sklearn; apt-get install python3-sklearn)`}`, () => {
  it.each([
    ['balanced', 1],
    ['balanced', 64],
    ['none', 16],
  ] as const)('matches LogisticRegression(solver=lbfgs) with class_weight %s at C %d', (classWeight, c) => {
    const features = 60;
    const { rows, targets } = problem(c, features, 400);
    const n = rows.length;
    const model = trainLogisticOvr(rows, targets, features, { solver: 'lbfgs', l2: 1 / (n * c), classWeight });
    const starts = [0];
    for (const r of rows) starts.push(starts[starts.length - 1]! + r.indices.length);
    const input = JSON.stringify({
      C: c,
      classWeight: classWeight === 'balanced' ? 'balanced' : null,
      features,
      starts,
      indices: rows.flatMap((r) => Array.from(r.indices)),
      values: rows.flatMap((r) => Array.from(r.values)),
      targets: targets.map((t) => Array.from(t)),
    });
    const run = spawnSync(DEFAULT_PYTHON, ['-c', FIT], { input, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const reference = JSON.parse(run.stdout) as { coef: number[]; intercept: number }[];
    reference.forEach(({ coef, intercept }, l) => {
      const scale = Math.max(...coef.map(Math.abs), Math.abs(intercept));
      // Relative to the largest weight (up to 10 at C 64). scikit-learn stops on its relative-decrease test (ftol
      // 64·eps) about 5e-5 of that short of the optimum, which scipy's L-BFGS-B at gtol 1e-14 places within 3e-8 of
      // this solver's answer; 5e-4 leaves room for the former and still fails a fit stopped early.
      for (let f = 0; f < features; f++) expect(Math.abs(model.weights[f * 2 + l]! - coef[f]!) / scale).toBeLessThan(5e-4);
      expect(Math.abs(model.bias[l]! - intercept) / scale).toBeLessThan(5e-4);
    });
  });
});
