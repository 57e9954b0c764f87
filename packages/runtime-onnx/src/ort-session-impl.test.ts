import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMangaAssistError, sharedAsset } from '@mangaassist/common';
import { createOrtSession } from './ort-session-impl';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

interface Reference {
  input_ids: number[][];
  attention_mask: number[][];
  last_hidden_state: number[][][];
}

describe('createOrtSession', () => {
  it('rejects an empty or unknown provider list with a RangeError', async () => {
    await expect(createOrtSession('x.onnx', { providers: [] })).rejects.toThrow(RangeError);
    const error = await rejection(createOrtSession('x.onnx', { providers: ['tpu' as never] }));
    expect(error.message).toBe('providers must contain only cuda, cpu; got "tpu"');
  });

  it('lists each provider failure when no provider can open the model', async () => {
    const error = await rejection(
      createOrtSession(new Uint8Array([1, 2, 3]), { providers: ['cpu'], sessionOptions: { logSeverityLevel: 4 } }),
    );
    expect(isMangaAssistError(error, 'BACKEND_UNAVAILABLE')).toBe(true);
    expect(error.message).toMatch(/^no ONNX Runtime provider could open 3-byte model:\n {2}cpu: /);
  });

  const dir = sharedAsset('fixtures/hf/tiny-distilbert');
  (dir ? it : it.skip)(
    `reproduces the Hugging Face encoder outputs from reference.onnx${dir ? '' : ' (skipped: fixtures/hf/tiny-distilbert is not available)'}`,
    async () => {
      const handle = await createOrtSession(join(dir!, 'reference.onnx'));
      // Without the CUDA provider libraries the factory must fall back to the CPU and say why.
      if (handle.provider === 'cpu') {
        expect(handle.skipped.map((s) => s.name)).toEqual(['cuda']);
        expect(handle.message).toMatch(/^onnxruntime provider: cpu \(skipped cuda: .+\)$/);
      }
      const reference = JSON.parse(readFileSync(join(dir!, 'reference_outputs.json'), 'utf8')) as Reference;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Tensor } = require('onnxruntime-node') as typeof import('onnxruntime-node');
      const [batch, length] = [reference.input_ids.length, reference.input_ids[0]!.length];
      const feed = (rows: number[][]) => new Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [batch, length]);
      const out = await handle.session.run({
        input_ids: feed(reference.input_ids),
        attention_mask: feed(reference.attention_mask),
      });
      const actual = out.last_hidden_state!.data as Float32Array;
      const expected = reference.last_hidden_state.flat(2);
      expect(actual.length).toBe(expected.length);
      let maxDiff = 0;
      for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(actual[i]! - expected[i]!));
      expect(maxDiff).toBeLessThan(1e-5);
      await handle.session.release();
    },
  );
});
