import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../__tests__/cpu-backend';
import { autodiff, worstRatio } from '../__tests__/gradient-check';
import { asMatrix, computeMasked } from '../__tests__/masked';
import { bce, bceGrad, seededRandom, uncertaintyWeightedMaskedMean, unmaskedReference } from '../__tests__/reference';
import { createLossRegistry } from '../registry';

const labels = ['frustration', 'satisfaction', 'neutral'];
const logits = [
  [2.0, -1.5, 0.3],
  [-0.7, 3.1, -2.2],
];
const targets = [
  [1, 0, 1],
  [0, 0, 1],
];

beforeAll(useCpuBackend);

const create = (options: object = {}, names: readonly string[] = labels) =>
  createLossRegistry().create('uncertainty-weighted', options, { labels: names });

function scalar(fn: () => tf.Tensor): number {
  return tf.tidy(() => fn().dataSync()[0]!);
}

describe('uncertainty-weighted', () => {
  it('owns one trainable log-variance per label, initialised from the options, freed by dispose()', () => {
    const before = tf.memory().numTensors;
    const loss = create({ initialLogVariance: 0.5 });
    const [s] = loss.trainableVariables();
    expect(loss.trainableVariables()).toHaveLength(1);
    expect(s!.trainable).toBe(true);
    expect(s!.shape).toEqual([labels.length]);
    expect(Array.from(s!.dataSync())).toEqual([0.5, 0.5, 0.5]);
    loss.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => loss.compute(tf.zeros([1, 3]), tf.zeros([1, 3]))).toThrow('after dispose()');
  });

  it('equals BCE while every s_l is 0, and Σ_l exp(−s_l)·BCE_l + s_l with sum over one example', () => {
    const loss = create();
    const bceLoss = createLossRegistry().create('bce', {}, { labels });
    const uw = scalar(() => loss.compute(tf.tensor2d(logits), tf.tensor2d(targets)));
    const plain = scalar(() => bceLoss.compute(tf.tensor2d(logits), tf.tensor2d(targets)));
    expect(uw).toBeCloseTo(plain, 6);

    const s = [0.3, -1.2, 2.0];
    loss.trainableVariables()[0]!.assign(tf.tensor1d(s));
    const summed = create({ reduction: 'sum' });
    summed.trainableVariables()[0]!.assign(tf.tensor1d(s));
    const one = scalar(() => summed.compute(tf.tensor2d([logits[0]!]), tf.tensor2d([targets[0]!])));
    const kendall = s.reduce((acc, sl, l) => acc + Math.exp(-sl) * bce(logits[0]![l]!, targets[0]![l]!) + sl, 0);
    expect(one).toBeCloseTo(kendall, 5);
    const mean = scalar(() => loss.compute(tf.tensor2d(logits), tf.tensor2d(targets)));
    const expectedMean =
      logits.flatMap((row, n) => row.map((z, l) => Math.exp(-s[l]!) * bce(z, targets[n]![l]!) + s[l]!)).reduce((a, b) => a + b) /
      (logits.length * labels.length);
    expect(mean).toBeCloseTo(expectedMean, 5);
    for (const l of [loss, summed, bceLoss]) l.dispose();
  });

  it('has gradients exp(−s_l)(σ(z) − y)/(N·L) for the logits and Σ_n (1 − exp(−s_l)·BCE)/(N·L) for s_l', () => {
    const loss = create();
    const s = [0.3, -1.2, 2.0];
    const variable = loss.trainableVariables()[0]!;
    variable.assign(tf.tensor1d(s));
    const count = logits.length * labels.length;
    const y = tf.tensor2d(targets);
    const dz = autodiff((z) => loss.compute(z, y), logits);
    const expectedDz = logits.map((row, n) => row.map((z, l) => (Math.exp(-s[l]!) * bceGrad(z, targets[n]![l]!)) / count));
    expect(worstRatio(dz, expectedDz, 1e-8, 1e-5)).toBeLessThanOrEqual(1);

    const { grads } = tf.variableGrads(() => loss.compute(tf.tensor2d(logits), y) as tf.Scalar, [variable]);
    const ds = Array.from(grads[variable.name]!.dataSync());
    const expectedDs = s.map(
      (sl, l) => logits.reduce((acc, row, n) => acc + 1 - Math.exp(-sl) * bce(row[l]!, targets[n]![l]!), 0) / count,
    );
    expect(worstRatio([ds], [expectedDs], 1e-7, 1e-5)).toBeLessThanOrEqual(1);
    tf.dispose(grads);
    y.dispose();
    loss.dispose();
  });

  it('learns lower weights exp(−s_l) for noisier labels with Adam on a synthetic noisy-label problem', () => {
    // A fixed model that knows the clean labels (logit ±2, p = 0.88); observed labels are flipped with probability
    // 0, 20% and 40%. Only s is trained; its optimum is s_l = log(mean BCE_l).
    const random = seededRandom(7);
    const noise = [0, 0.2, 0.4];
    const rows = 64;
    const clean = Array.from({ length: rows }, () => noise.map(() => (random() < 0.5 ? 1 : 0)));
    const observed = clean.map((row) => row.map((c, l) => (random() < noise[l]! ? 1 - c : c)));
    const z = tf.tensor2d(clean.map((row) => row.map((c) => (c === 1 ? 2 : -2))));
    const y = tf.tensor2d(observed);
    const loss = create({}, ['clean', 'noisy_20', 'noisy_40']);
    const variables = loss.trainableVariables();
    const optimizer = tf.train.adam(0.05);
    const step = () => optimizer.minimize(() => loss.compute(z, y) as tf.Scalar, false, variables);
    step(); // Adam creates its two moment slots on the first step
    const before = tf.memory().numTensors;
    for (let i = 1; i < 300; i += 1) step();
    expect(tf.memory().numTensors).toBe(before);

    const s = Array.from(variables[0]!.dataSync());
    const weights = s.map((sl) => Math.exp(-sl));
    expect(weights[0]).toBeGreaterThan(weights[1]!);
    expect(weights[1]).toBeGreaterThan(weights[2]!);
    const meanBce = noise.map((_, l) => observed.reduce((acc, row, n) => acc + bce(clean[n]![l] ? 2 : -2, row[l]!), 0) / rows);
    s.forEach((sl, l) => expect(Math.abs(sl - Math.log(meanBce[l]!))).toBeLessThan(0.05));
    optimizer.dispose();
    tf.dispose([z, y]);
    loss.dispose();
  });

  describe('with a mask: per-label means over the unmasked elements, labels with none left out', () => {
    // 4 examples; neutral is annotated by no example, the second example annotates nothing, and frustration and
    // satisfaction have different counts (3 and 1), so a per-label mean differs from a mean over kept elements.
    const z = [
      [2.0, -1.5, 0.3],
      [-0.7, 3.1, -2.2],
      [1.2, 0.4, 1.0],
      [-2.5, -0.3, 0.8],
    ];
    const y = [
      [1, 0, 1],
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 1],
    ];
    const mask = [
      [1, 0, 0],
      [0, 0, 0],
      [1, 1, 0],
      [1, 0, 0],
    ];
    const s = [0.3, -1.2, 2.0];
    const withS = (options: object) => {
      const loss = create(options);
      loss.trainableVariables()[0]!.assign(tf.tensor1d(s));
      return loss;
    };
    const element = (n: number, l: number) => Math.exp(-s[l]!) * bce(z[n]![l]!, y[n]![l]!) + s[l]!;

    it('mean is (1/A)·Σ_l [exp(−s_l)·(mean BCE over label l’s unmasked elements) + s_l] over the A labels kept', () => {
      const loss = withS({});
      const actual = computeMasked(loss, z, y, mask) as number;
      const expected = uncertaintyWeightedMaskedMean(z, y, s, mask);
      expect(actual).toBeCloseTo(expected, 5);
      // The fixture tells the per-label mean from a mean over the kept elements (which the mask-blind formula or a
      // plain elementwise reduction would give).
      const perElement = unmaskedReference(element, mask, 'mean') as number;
      expect(Math.abs(expected - perElement)).toBeGreaterThan(0.1);
      loss.dispose();
    });

    it.each(['sum', 'none'] as const)('%s is per element over the unmasked elements, like the other losses', (reduction) => {
      const loss = withS({ reduction });
      const actual = computeMasked(loss, z, y, mask);
      const expected = unmaskedReference(element, mask, reduction);
      expect(worstRatio(asMatrix(actual), asMatrix(expected), 1e-6, 1e-5)).toBeLessThanOrEqual(1);
      loss.dispose();
    });

    it('has ∂/∂z = m·exp(−s_l)(σ(z) − y)/(A·c_l), ∂/∂s_l = (1 − exp(−s_l)·mean BCE_l)/A, 0 for a label never kept', () => {
      const loss = withS({});
      const [variable] = loss.trainableVariables();
      const counts = s.map((_, l) => mask.reduce((acc, row) => acc + row[l]!, 0)); // [3, 1, 0]
      const active = counts.filter((c) => c > 0).length; // 2
      const yt = tf.tensor2d(y);
      const m = tf.tensor2d(mask);
      const dz = autodiff((t) => loss.compute(t, yt, m), z);
      const expectedDz = z.map((row, n) =>
        row.map((zl, l) => (mask[n]![l]! ? (Math.exp(-s[l]!) * bceGrad(zl, y[n]![l]!)) / (active * counts[l]!) : 0)),
      );
      expect(worstRatio(dz, expectedDz, 1e-7, 1e-5)).toBeLessThanOrEqual(1);
      const { grads } = tf.variableGrads(() => loss.compute(tf.tensor2d(z), yt, m) as tf.Scalar, [variable!]);
      const ds = Array.from(grads[variable!.name]!.dataSync());
      const expectedDs = s.map((sl, l) => {
        if (counts[l] === 0) return 0;
        const meanBce = z.reduce((acc, row, n) => acc + mask[n]![l]! * bce(row[l]!, y[n]![l]!), 0) / counts[l]!;
        return (1 - Math.exp(-sl) * meanBce) / active;
      });
      expect(worstRatio([ds], [expectedDs], 1e-7, 1e-5)).toBeLessThanOrEqual(1);
      expect(ds[2]).toBe(0);
      tf.dispose([grads, yt, m]);
      loss.dispose();
    });

    it('does not depend on the log-variance of a label with no unmasked element (neither its term nor s_l)', () => {
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        const loss = withS({ reduction });
        const before = computeMasked(loss, z, y, mask);
        loss.trainableVariables()[0]!.assign(tf.tensor1d([s[0]!, s[1]!, 7.5]));
        expect(computeMasked(loss, z, y, mask)).toEqual(before);
        loss.dispose();
      }
    });

    it('keeps the log-variance of a label no source annotates unchanged through Adam steps, and learns the others', () => {
      const loss = create();
      const variables = loss.trainableVariables();
      const [zt, yt, m] = [tf.tensor2d(z), tf.tensor2d(y), tf.tensor2d(mask)];
      const optimizer = tf.train.adam(0.05);
      for (let i = 0; i < 20; i += 1) optimizer.minimize(() => loss.compute(zt, yt, m) as tf.Scalar, false, variables);
      const learned = Array.from(variables[0]!.dataSync());
      expect(learned[2]).toBe(0);
      expect(Math.abs(learned[0]!)).toBeGreaterThan(0.1);
      expect(Math.abs(learned[1]!)).toBeGreaterThan(0.1);
      optimizer.dispose();
      tf.dispose([zt, yt, m]);
      loss.dispose();
    });
  });
});
