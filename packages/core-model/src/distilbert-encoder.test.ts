import * as tf from '@tensorflow/tfjs-core';
import { tinyConfig } from './__tests__/tiny-model';
import { useCpuBackend } from './__tests__/tf-setup';
import { DistilBertEncoder } from './distilbert-encoder';
import { initDistilBertWeights, sinusoidalPositions } from './distilbert-weights';
import { ACTIVATIONS } from './layers';

const ids = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

describe('DistilBertEncoder', () => {
  beforeAll(useCpuBackend);

  it('uses the exact erf GELU (not the tanh approximation)', () => {
    const x = tf.tensor1d([1, -0.5, 2, -3, 0.1]);
    const y = Array.from(ACTIVATIONS.gelu(x).dataSync());
    // Reference values from Python: 0.5 * x * (1 + math.erf(x / sqrt(2))); the tanh form differs by up to 4e-4 here.
    const exact = [0.8413447460685429, -0.15426876936299344, 1.9544997361036416, -0.00404969409489031, 0.053982783727702904];
    y.forEach((value, i) => expect(Math.abs(value - exact[i]!)).toBeLessThan(2e-6));
    const tanh = Array.from(ACTIVATIONS.gelu_new(x).dataSync());
    expect(Math.abs(tanh[3]! - exact[3]!)).toBeGreaterThan(3e-4);
    x.dispose();
  });

  it('gives real tokens the same outputs whatever padding follows them, and leaks no tensors', () => {
    const config = tinyConfig();
    const encoder = new DistilBertEncoder(config, initDistilBertWeights(config, 3));
    const before = tf.memory().numTensors;
    const inputs = [ids([[2, 5, 6, 7, 3]]), ids([[1, 1, 1, 1, 1]]), ids([[2, 5, 6, 7, 3, 9, 12, 0]]), ids([[1, 1, 1, 1, 1, 0, 0, 0]])];
    const allOnes = ids([[1, 1, 1, 1, 1, 1, 1, 1]]);
    const short = encoder.apply(inputs[0]!, inputs[1]!);
    // Padding ids are arbitrary on purpose: masked keys must not matter whatever token they hold.
    const padded = encoder.apply(inputs[2]!, inputs[3]!);
    const a = short.arraySync()[0]!;
    const b = padded.arraySync()[0]!.slice(0, 5);
    a.forEach((row, t) => row.forEach((v, d) => expect(Math.abs(v - b[t]![d]!)).toBeLessThan(1e-5)));
    // A masked-out token that is unmasked must change the outputs (the mask is really applied).
    const unmasked = encoder.apply(inputs[2]!, allOnes);
    expect(Math.abs(unmasked.arraySync()[0]![0]![0]! - a[0]![0]!)).toBeGreaterThan(1e-4);
    tf.dispose([short, padded, unmasked]);
    // Only the inputs remain: every intermediate of the three passes was released.
    expect(tf.memory().numTensors).toBe(before + 5);
    tf.dispose([...inputs, allOnes]);
    encoder.dispose();
  });

  it('applies dropout only in training, with masks that change between steps', () => {
    const config = tinyConfig({ dropout: 0.3, attention_dropout: 0.3 });
    const encoder = new DistilBertEncoder(config, initDistilBertWeights(config, 4), { seed: 9 });
    const [x, m] = [ids([[2, 5, 6, 3]]), ids([[1, 1, 1, 1]])];
    const run = (training: boolean) => tf.tidy(() => Array.from(encoder.apply(x, m, { training }).dataSync()));
    expect(run(false)).toEqual(run(false));
    const [first, second] = [run(true), run(true)];
    expect(first).not.toEqual(run(false));
    expect(first).not.toEqual(second);
    // A pass seed fixes the masks whatever ran before (what a resumed training run relies on).
    const seeded = () => tf.tidy(() => Array.from(encoder.apply(x, m, { training: true, seed: 5 }).dataSync()));
    const once = seeded();
    run(true);
    expect(seeded()).toEqual(once);
    expect(once).not.toEqual(run(false));
    tf.dispose([x, m]);
    encoder.dispose();
  });

  it('has gradients that agree with finite differences (through embeddings, attention, GELU and LayerNorm)', () => {
    const config = tinyConfig({ n_layers: 1 });
    const encoder = new DistilBertEncoder(config, initDistilBertWeights(config, 5));
    const [x, m] = [ids([[2, 5, 6, 7, 3, 0]]), ids([[1, 1, 1, 1, 1, 0]])];
    // A fixed random projection makes the loss depend on every output value.
    const projection = tf.randomNormal([1, 6, config.dim], 0, 1, 'float32', 11);
    const loss = () => tf.sum(tf.mul(encoder.apply(x, m), projection)) as tf.Scalar;
    const checked = ['transformer.layer.0.ffn.lin1.weight', 'transformer.layer.0.attention.q_lin.weight', 'embeddings.LayerNorm.bias'];
    const { grads } = tf.variableGrads(loss, checked.map((n) => encoder.variables.get(n)!));
    for (const name of checked) {
      const variable = encoder.variables.get(name)!;
      const analytic = grads[variable.name]!.dataSync();
      const values = variable.dataSync().slice();
      for (const index of [0, 3, 7]) {
        const at = (delta: number) => {
          const shifted = values.slice();
          shifted[index]! += delta;
          variable.assign(tf.tensor(shifted, variable.shape));
          return tf.tidy(() => loss().dataSync()[0]!);
        };
        const h = 1e-2;
        const numeric = (at(h) - at(-h)) / (2 * h);
        variable.assign(tf.tensor(values, variable.shape));
        expect(Math.abs(numeric - analytic[index]!)).toBeLessThan(2e-2 * Math.max(1, Math.abs(analytic[index]!)));
      }
    }
    tf.dispose([x, m, projection, ...Object.values(grads)]);
    encoder.dispose();
  });

  it('builds fixed sinusoidal positions as Hugging Face does', () => {
    const table = sinusoidalPositions(3, 4);
    expect(Array.from(table.slice(4, 8))).toEqual(
      [Math.sin(1), Math.cos(1), Math.sin(1 / 100), Math.cos(1 / 100)].map(Math.fround),
    );
    const config = tinyConfig({ sinusoidal_pos_embds: true });
    const encoder = new DistilBertEncoder(config, initDistilBertWeights(config, 1));
    const positions = encoder.variables.get('embeddings.position_embeddings.weight')!;
    expect(positions.trainable).toBe(false);
    expect(encoder.trainableVariablesByLayer().embeddings).not.toContain(positions);
    encoder.dispose();
  });

  it('rejects inputs it cannot encode, naming the problem', () => {
    const config = tinyConfig({ max_position_embeddings: 4 });
    const encoder = new DistilBertEncoder(config, initDistilBertWeights(config, 1));
    const long = ids([[2, 5, 6, 7, 3]]);
    expect(() => encoder.apply(long, ids([[1, 1, 1, 1, 1]]))).toThrow(
      new RangeError('inputIds length 5 exceeds max_position_embeddings 4'),
    );
    expect(() => encoder.apply(long, ids([[1, 1]]))).toThrow('attentionMask shape [1,2] must equal inputIds shape [1,5]');
    const weights = initDistilBertWeights(config, 1);
    weights.delete('transformer.layer.1.ffn.lin2.bias');
    expect(() => new DistilBertEncoder(config, weights)).toThrow('weights is missing "transformer.layer.1.ffn.lin2.bias"');
    encoder.dispose();
    expect(() => encoder.apply(long, long)).toThrow('disposed');
  });
});
