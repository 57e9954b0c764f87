import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMangaAssistError } from '@mangaassist/common';
import { writeSafetensors } from '@mangaassist/model-format';
import { atomicWriteFile } from './atomic-file';
import { readCheckpoint, writeCheckpoint } from './checkpoint';

const dir = () => mkdtempSync(join(tmpdir(), 'trainer-ckpt-'));
const tensors = (fill: number) => new Map([['model/head/0', { shape: [2, 3], data: new Float32Array(6).fill(fill) }]]);

describe('checkpoints', () => {
  it('round-trip tensors and state exactly', () => {
    const path = join(dir(), 'checkpoint.safetensors');
    const data = Float32Array.from([0.1, -2.5e-7, 3.4028e38, 1e-45, -0, 42]);
    writeCheckpoint(path, { tensors: new Map([['w', { shape: [3, 2], data }]]), state: { epoch: 2, loss: 0.1 + 0.2, best: null } });
    const { tensors: read, state } = readCheckpoint<{ epoch: number; loss: number; best: null }>(path);
    expect([...read.get('w')!.data]).toEqual([...data]);
    expect(read.get('w')!.shape).toEqual([3, 2]);
    expect(state).toEqual({ epoch: 2, loss: 0.1 + 0.2, best: null });
  });

  it('replace the previous checkpoint and leave no temporary files, even stale ones', () => {
    const d = dir();
    const path = join(d, 'checkpoint.safetensors');
    writeCheckpoint(path, { tensors: tensors(1), state: { n: 1 } });
    // What a process killed while writing leaves behind: a half-written temporary file.
    writeFileSync(join(d, '.checkpoint.safetensors.999999.tmp'), Buffer.from([1, 2, 3]));
    expect(readCheckpoint<{ n: number }>(path).state.n).toBe(1);
    writeCheckpoint(path, { tensors: tensors(2), state: { n: 2 } });
    expect(readCheckpoint<{ n: number }>(path).state.n).toBe(2);
    expect(readdirSync(d)).toEqual(['checkpoint.safetensors']);
  });

  it('keep the previous checkpoint when writing fails', () => {
    const path = join(dir(), 'checkpoint.safetensors');
    writeCheckpoint(path, { tensors: tensors(1), state: { n: 1 } });
    const bad = new Map([['w', { shape: [5], data: new Float32Array(2) }]]);
    expect(() => writeCheckpoint(path, { tensors: bad, state: { n: 2 } })).toThrow(RangeError);
    expect(readCheckpoint<{ n: number }>(path).state.n).toBe(1);
    expect(readdirSync(join(path, '..'))).toEqual(['checkpoint.safetensors']);
  });

  it('refuse files that are not trainer checkpoints, naming them', () => {
    const d = dir();
    const model = join(d, 'model.safetensors');
    writeSafetensors(model, tensors(0), { format: 'pt' });
    const expectCode = (path: string, code: string, message: RegExp) => {
      try {
        readCheckpoint(path);
        throw new Error('expected a failure');
      } catch (error) {
        expect(isMangaAssistError(error)).toBe(true);
        expect((error as { code: string }).code).toBe(code);
        expect((error as Error).message).toMatch(message);
      }
    };
    expectCode(model, 'CHECKPOINT_INVALID', /model\.safetensors: not a trainer checkpoint/);
    expectCode(join(d, 'absent.safetensors'), 'NOT_FOUND', /absent\.safetensors/);
    const truncated = join(d, 'truncated.safetensors');
    atomicWriteFile(truncated, Buffer.from([8, 0, 0, 0, 0, 0, 0, 0, 123]));
    expectCode(truncated, 'CHECKPOINT_INVALID', /truncated\.safetensors: truncated file/);
  });
});
