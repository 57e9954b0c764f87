import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedAsset } from '@mangaassist/common';
import { DISTILBERT_ACTIVATIONS, randomClassifierTensors, readSafetensors } from '@mangaassist/model-format';
import * as ort from 'onnxruntime-node';
import { TINY_CONFIG, TINY_DIMS } from '../__tests__/tiny-model-dir';
import { distilBertDims } from '../distilbert-dims';
import { encodeModel } from '../onnx-graph-builder';
import { WeightSource } from '../weight-source';
import { buildEncoderModel } from './build-model';
import type { FusionMode } from './matmul';
import { maxAbsDiff } from '../__tests__/max-abs-diff';

const FIXTURE = 'fixtures/hf/tiny-distilbert';
const dir = sharedAsset(FIXTURE);
const describeWithFixture = dir ? describe : describe.skip;
if (!dir) console.warn(`encoder parity skipped: ${FIXTURE} is not available (set MANGAASSIST_SHARED_DIR)`);

interface Reference {
  input_ids: number[][];
  attention_mask: number[][];
  last_hidden_state: number[][][];
}

function feeds(reference: Reference): Record<string, ort.Tensor> {
  const batch = reference.input_ids.length;
  const seq = reference.input_ids[0]!.length;
  const int64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [batch, seq]);
  return { input_ids: int64(reference.input_ids), attention_mask: int64(reference.attention_mask) };
}

describeWithFixture(`DistilBERT encoder graph vs Hugging Face (${FIXTURE})`, () => {
  const reference = dir ? (JSON.parse(readFileSync(join(dir, 'reference_outputs.json'), 'utf8')) as Reference) : undefined;

  async function run(bytes: Uint8Array | string): Promise<Float32Array> {
    const session = await ort.InferenceSession.create(bytes as Uint8Array, { graphOptimizationLevel: 'all' });
    try {
      const { last_hidden_state: out } = await session.run(feeds(reference!));
      return out!.data as Float32Array;
    } finally {
      await session.release();
    }
  }

  function build(fusion: FusionMode): Uint8Array {
    const configFile = join(dir!, 'config.json');
    const dims = distilBertDims(JSON.parse(readFileSync(configFile, 'utf8')), configFile);
    const weightsFile = join(dir!, 'model.safetensors');
    return encodeModel(buildEncoderModel(new WeightSource(readSafetensors(weightsFile).tensors, weightsFile), dims, { fusion }));
  }

  // Every position is compared, padded ones included: the graph must mask keys exactly as Hugging Face does.
  it.each<FusionMode>(['standard', 'contrib'])('%s operators reproduce last_hidden_state within 1e-4', async (fusion) => {
    const expected = reference!.last_hidden_state.flat(2);
    const diff = maxAbsDiff(await run(build(fusion)), expected);
    console.log(`encoder ${fusion}: max |Δ| vs reference_outputs.json = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-4);
  });

  it('matches torch.onnx reference.onnx run by the same ONNX Runtime within 1e-4', async () => {
    const theirs = await run(join(dir!, 'reference.onnx'));
    const diff = maxAbsDiff(await run(build('contrib')), theirs);
    console.log(`encoder contrib: max |Δ| vs reference.onnx = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-4);
  });
});

describe('contrib and standard graphs agree for every supported activation', () => {
  it.each(DISTILBERT_ACTIVATIONS)('%s', async (activation) => {
    const dims = { ...TINY_DIMS, activation };
    const tensors = randomClassifierTensors({ ...TINY_CONFIG, activation }, { labels: ['l0', 'l1'], headHidden: 4, head: { hidden: 'h', output: 'o' }, std: 0.5 });
    const weights = new WeightSource(tensors, 'random');
    const input = {
      input_ids: [[2, 10, 11, 12, 3], [2, 20, 3, 0, 0]],
      attention_mask: [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]],
      last_hidden_state: [],
    };
    const outputs: Float32Array[] = [];
    for (const fusion of ['standard', 'contrib'] as const) {
      const session = await ort.InferenceSession.create(encodeModel(buildEncoderModel(weights, dims, { fusion })));
      outputs.push((await session.run(feeds(input))).last_hidden_state!.data as Float32Array);
      await session.release();
    }
    expect(maxAbsDiff(outputs[0]!, outputs[1]!)).toBeLessThan(1e-5);
  });
});
