import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../__tests__/cpu-backend';
import { autodiff, worstRatio } from '../__tests__/gradient-check';
import { bce, bceGrad, seededRandom } from '../__tests__/reference';
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
});
