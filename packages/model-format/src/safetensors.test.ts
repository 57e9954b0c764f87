import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMangaAssistError, sharedAsset } from '@mangaassist/common';
import {
  bfloat16ToFloat,
  halfToFloat,
  readSafetensors,
  readSafetensorsHeader,
  writeSafetensors,
} from './safetensors';

/** Builds a safetensors file by hand so that tests do not depend on the writer they check. */
function rawFile(header: unknown, data: Buffer, headerText?: string): Buffer {
  const json = Buffer.from(headerText ?? JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, data]);
}

function errorOf(fn: () => unknown): Error & { code?: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('safetensors', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'safetensors-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const put = (name: string, bytes: Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  it('reads a hand-built F32 file with an unaligned data section and keeps the metadata', () => {
    const values = new Float32Array([1.5, -2, 3.25, 0]);
    const path = put(
      'a.safetensors',
      rawFile(
        { __metadata__: { format: 'pt' }, w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } },
        Buffer.from(values.buffer),
      ),
    );
    const { tensors, metadata } = readSafetensors(path);
    expect(metadata).toEqual({ format: 'pt' });
    const w = tensors.get('w')!;
    expect(w.dtype).toBe('F32');
    expect(w.shape).toEqual([2, 2]);
    expect(Array.from(w.data as Float32Array)).toEqual([1.5, -2, 3.25, 0]);
  });

  it('converts F16 and BF16 to float32 exactly, including subnormals and infinities', () => {
    expect(Array.from(halfToFloat(new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7c00, 0x3555])))).toEqual([
      1,
      -2,
      2 ** -24,
      Infinity,
      Math.fround(0.333251953125),
    ]);
    expect(Number.isNaN(halfToFloat(new Uint16Array([0x7e00]))[0])).toBe(true);
    expect(Array.from(bfloat16ToFloat(new Uint16Array([0x3f80, 0xc040, 0x4049])))).toEqual([1, -3, 3.140625]);

    const half = Buffer.from(new Uint16Array([0x3c00, 0xbc00]).buffer);
    const brain = Buffer.from(new Uint16Array([0x4000, 0x3f00]).buffer);
    const path = put(
      'h.safetensors',
      rawFile(
        {
          h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
          b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
        },
        Buffer.concat([half, brain]),
      ),
    );
    const { tensors } = readSafetensors(path);
    expect(tensors.get('h')!.dtype).toBe('F16');
    expect(Array.from(tensors.get('h')!.data as Float32Array)).toEqual([1, -1]);
    expect(Array.from(tensors.get('b')!.data as Float32Array)).toEqual([2, 0.5]);
  });

  it('keeps I64 tensors as BigInt64Array', () => {
    const path = put(
      'i.safetensors',
      rawFile({ ids: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, Buffer.from(new BigInt64Array([7n, -1n]).buffer)),
    );
    expect(Array.from(readSafetensors(path).tensors.get('ids')!.data as BigInt64Array)).toEqual([7n, -1n]);
  });

  it('round-trips through writeSafetensors, 8-byte aligned, leaving no temporary file behind', () => {
    const path = join(dir, 'model.safetensors');
    const w = new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    writeSafetensors(path, { 'b.weight': { shape: [2, 3], data: w }, 'a.ids': { shape: [1], data: new Int32Array([9]) } }, {
      format: 'pt',
    });
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    expect(readFileSync(path).readBigUInt64LE(0) % 8n).toBe(0n);
    const back = readSafetensors(path);
    expect([...back.tensors.keys()]).toEqual(['a.ids', 'b.weight']);
    expect(back.tensors.get('b.weight')!.data).toEqual(w);
    expect(back.tensors.get('a.ids')!.data).toEqual(new Int32Array([9]));
    expect(back.metadata).toEqual({ format: 'pt' });
    expect(readSafetensorsHeader(path).entries.get('b.weight')).toEqual({
      dtype: 'F32',
      shape: [2, 3],
      dataOffsets: [4, 28],
    });
  });

  it('rejects a data length that does not match the shape, naming the tensor', () => {
    const error = errorOf(() =>
      writeSafetensors(join(dir, 'x.safetensors'), { w: { shape: [2, 2], data: new Float32Array(3) } }),
    );
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toMatch(/tensor "w" has shape \[2,2\]/);
  });

  describe('invalid files fail with CHECKPOINT_INVALID naming the file', () => {
    const cases: { name: string; bytes: () => Buffer; message: RegExp; tensor?: string }[] = [
      { name: 'shorter than 8 bytes', bytes: () => Buffer.from([1, 2, 3]), message: /truncated file: 3 bytes/ },
      {
        name: 'header length beyond the file',
        bytes: () => rawFile({}, Buffer.alloc(0), '{}').subarray(0, 9),
        message: /truncated file: header needs 2 bytes/,
      },
      {
        name: 'absurd header length',
        bytes: () => Buffer.from([255, 255, 255, 255, 255, 255, 255, 127, 0]),
        message: /header length \d+ exceeds/,
      },
      {
        name: 'header that is not JSON',
        bytes: () => rawFile(undefined, Buffer.alloc(0), '{"w": {'),
        message: /malformed safetensors header: not valid JSON/,
      },
      {
        name: 'header that is a JSON array',
        bytes: () => rawFile([1, 2], Buffer.alloc(0)),
        message: /expected a JSON object/,
      },
      {
        name: 'unknown dtype',
        bytes: () => rawFile({ w: { dtype: 'F8', shape: [1], data_offsets: [0, 1] } }, Buffer.alloc(1)),
        message: /tensor "w" has unsupported dtype "F8"; allowed: F64, F32/,
        tensor: 'w',
      },
      {
        name: 'negative dimension',
        bytes: () => rawFile({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, Buffer.alloc(4)),
        message: /tensor "w" has an invalid shape \[-1\]/,
        tensor: 'w',
      },
      {
        name: 'offsets that disagree with the shape',
        bytes: () => rawFile({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, Buffer.alloc(8)),
        message: /tensor "w" \(F32 \[3\]\) needs 12 bytes but data_offsets span 8/,
        tensor: 'w',
      },
      {
        name: 'truncated data section',
        bytes: () =>
          rawFile(
            {
              a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
              b: { dtype: 'F32', shape: [4], data_offsets: [4, 20] },
            },
            Buffer.alloc(10),
          ),
        message: /truncated file: tensor "b" needs data bytes \[4, 20\) but the data section has only 10 bytes/,
        tensor: 'b',
      },
      {
        name: 'overlapping tensors',
        bytes: () =>
          rawFile(
            {
              a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
              b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
            },
            Buffer.alloc(8),
          ),
        message: /tensor "b" overlaps the previous tensor/,
        tensor: 'b',
      },
      {
        name: 'trailing bytes not described by the header',
        bytes: () => rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, Buffer.alloc(12)),
        message: /data section has 12 bytes but the header describes 4/,
      },
      {
        name: 'non-string metadata',
        bytes: () => rawFile({ __metadata__: { epoch: 3 } }, Buffer.alloc(0)),
        message: /"__metadata__.epoch" must be a string/,
      },
    ];
    it.each(cases)('$name', ({ bytes, message, tensor }) => {
      const path = put('bad.safetensors', bytes());
      for (const read of [readSafetensors, readSafetensorsHeader]) {
        const error = errorOf(() => read(path));
        expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
        expect(error.message).toContain(path);
        expect(error.message).toMatch(message);
        if (tensor) expect(error.details).toMatchObject({ file: path, tensor });
      }
    });
  });

  const tiny = sharedAsset('fixtures/hf/tiny-distilbert/model.safetensors');
  (tiny ? it : it.skip)(
    `reads the Hugging Face tiny-distilbert checkpoint${tiny ? '' : ' (skipped: fixtures/hf/tiny-distilbert/model.safetensors is not available)'}`,
    () => {
      const { tensors, metadata } = readSafetensors(tiny!);
      expect(metadata).toEqual({ format: 'pt' });
      expect(tensors.size).toBe(36);
      expect(tensors.get('embeddings.word_embeddings.weight')!.shape).toEqual([30522, 32]);
      expect(tensors.get('transformer.layer.1.ffn.lin1.weight')!.shape).toEqual([64, 32]);
      // Values read independently with Python's struct module: a wrong byte offset would not reproduce them.
      const ln = tensors.get('embeddings.LayerNorm.weight')!.data;
      expect([ln[0], ln[1], ln[31]]).toEqual([1.0082563161849976, 0.9274975657463074, 1.005473017692566]);
      const bias = tensors.get('transformer.layer.1.ffn.lin2.bias')!.data;
      expect([bias[0], bias[31]]).toEqual([0.06300375610589981, 0.02914387360215187]);
    },
  );
});
