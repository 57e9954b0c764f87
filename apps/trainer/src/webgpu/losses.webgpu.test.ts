// Every loss plugin computes the same value and gradients on WebGPU as on the cpu backend (with and without a
// mask, every reduction). A new plugin must add its cases to CASES.
import { createLossRegistry } from '@mangaassist/losses';
import { describeOnWebgpu, useBackend, worstExcess } from './__tests__/webgpu-testing';

const labels = ['frustration', 'satisfaction', 'urgency', 'neutral'];
// Moderate logits and a few large ones (|z| = 12, 30), where the stable formulas (softplus, log-sigmoid) matter.
const LOGITS = [
  [2.0, -1.5, 0.3, -4.0],
  [-0.7, 3.1, -2.5, 0.0],
  [12.0, -30.0, 1.1, -0.2],
];
const TARGETS = [
  [1, 0, 1, 0],
  [0, 1, 0, 1],
  [1, 1, 0, 0],
];
const MASK = [
  [1, 1, 0, 1],
  [0, 1, 0, 1],
  [1, 0, 0, 1],
];

const CASES: Record<string, object[]> = {
  bce: [{}],
  focal: [{}, { gamma: 0.5, alpha: [0.4, 1, 2.57, 6] }],
  asymmetric: [{}, { gammaPos: 1, gammaNeg: 2, clip: 0.1, weights: { urgency: 2 } }],
  'uncertainty-weighted': [{ initialLogVariance: 0.3 }],
};

// Both backends compute in float32, but WebGPU's shaders evaluate exp/log/pow with their own approximations (WGSL
// allows a few ULP) and sum in another order, so results differ by a few float32 ULP of the terms involved.
// Measured on lavapipe: at most 6e-8 on values and gradients of size ~1, 1.9e-6 on a sum of ~40 (5e-8 relative);
// the worst element uses 6% of 1e-6 + 1e-5·|x|, which is still far below any formula error (a wrong term moves
// these numbers by 1e-3 or more).
const ATOL = 1e-6;
const RTOL = 1e-5;

interface LossResult {
  readonly value: number[];
  /** d(loss summed)/d(logits) and d/d(each trainable variable of the loss), flattened. */
  readonly gradients: number[][];
}

async function computeLoss(backend: 'cpu' | 'webgpu', id: string, options: object, reduction: string, masked: boolean): Promise<LossResult> {
  const tf = await useBackend(backend);
  const loss = createLossRegistry().create(id, { ...options, reduction }, { labels });
  const logits = tf.variable(tf.tensor2d(LOGITS));
  const targets = tf.tensor2d(TARGETS);
  const mask = masked ? tf.tensor2d(MASK) : undefined;
  try {
    const variables = [logits, ...loss.trainableVariables()];
    // `none` gives a matrix: its sum is the scalar whose gradient is compared.
    const { value, grads } = tf.variableGrads(() => tf.sum(loss.compute(logits, targets, mask)), variables);
    const full = loss.compute(logits, targets, mask);
    const result = {
      value: Array.from(await full.data()),
      gradients: await Promise.all(variables.map(async (v) => Array.from(await grads[v.name]!.data()))),
    };
    tf.dispose([value, full, ...Object.values(grads)]);
    return result;
  } finally {
    tf.dispose([logits, targets, ...(mask ? [mask] : [])]);
    loss.dispose();
  }
}

const cases = Object.entries(CASES).flatMap(([id, list]) =>
  list.flatMap((options) => ['mean', 'sum', 'none'].flatMap((reduction) => [false, true].map((masked) => [id, options, reduction, masked] as const))),
);

describe('WebGPU loss cases', () => {
  it('cover every registered loss', () => {
    expect(Object.keys(CASES).sort()).toEqual(createLossRegistry().ids());
  });
});

describeOnWebgpu('every loss plugin', () => {
  it.each(cases)('%s %j, reduction %s, masked %s: value and gradients equal the cpu backend', async (id, options, reduction, masked) => {
    const cpu = await computeLoss('cpu', id, options, reduction, masked);
    const webgpu = await computeLoss('webgpu', id, options, reduction, masked);
    expect(webgpu.value).toHaveLength(reduction === 'none' ? 12 : 1);
    expect(worstExcess(webgpu.value, cpu.value, ATOL, RTOL)).toBeLessThanOrEqual(1);
    expect(webgpu.gradients.map((g) => g.length)).toEqual(cpu.gradients.map((g) => g.length));
    cpu.gradients.forEach((expected, i) => expect(worstExcess(webgpu.gradients[i]!, expected, ATOL, RTOL)).toBeLessThanOrEqual(1));
    // The comparison must not pass vacuously: the logits' gradient is not all zeros.
    expect(cpu.gradients[0]!.some((g) => Math.abs(g) > 1e-3)).toBe(true);
  });
});
