import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMangaAssistError } from '@mangaassist/common';
import { writeSafetensors } from '@mangaassist/model-format';
import { z } from 'zod';
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

  it('refuse a checkpoint with any flipped byte that changes what it holds, naming the file', () => {
    const d = dir();
    const path = join(d, 'checkpoint.safetensors');
    const data = Float32Array.from([0.5, -1.25, 3, 1e-3, 7, -0]);
    const state = { epoch: 2, step: 3, globalStep: 15, best: { epoch: 1, macroF1: 0.5 } };
    writeCheckpoint(path, { tensors: new Map([['model/w', { shape: [2, 3], data }]]), state });
    const original = readFileSync(path);
    const damaged = join(d, 'damaged.safetensors');
    let refused = 0;
    for (let i = 0; i < original.length; i++) {
      const bytes = Buffer.from(original);
      bytes[i]! ^= 0x01;
      writeFileSync(damaged, bytes);
      let read: ReturnType<typeof readCheckpoint> | undefined;
      try {
        read = readCheckpoint(damaged);
      } catch (error) {
        expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
        expect((error as Error).message).toContain(damaged);
        refused++;
        continue;
      }
      // Accepted only when what it holds is unchanged (e.g. a flip inside JSON whitespace that stays whitespace).
      expect([...read.tensors.get('model/w')!.data]).toEqual([...data]);
      expect(read.tensors.get('model/w')!.shape).toEqual([2, 3]);
      expect(read.state).toEqual(state);
    }
    expect(refused).toBeGreaterThan(original.length * 0.9);
    // A flipped bit in a tensor's value: the recorded digest names it.
    const bytes = Buffer.from(original);
    bytes[bytes.length - 3]! ^= 0x40;
    writeFileSync(damaged, bytes);
    expect(() => readCheckpoint(damaged)).toThrow(/damaged\.safetensors: contents do not match the recorded SHA-256/);
  });

  it('validate the state with a schema, naming each bad field', () => {
    const path = join(dir(), 'checkpoint.safetensors');
    const schema = z.object({ epoch: z.number().int().positive(), best: z.object({ macroF1: z.number() }).nullable() });
    writeCheckpoint(path, { tensors: tensors(1), state: { epoch: 2, best: null } });
    expect(readCheckpoint(path, schema).state).toEqual({ epoch: 2, best: null });
    writeCheckpoint(path, { tensors: tensors(1), state: { epoch: 0, best: { macroF1: 'high' } } });
    expect(() => readCheckpoint(path, schema)).toThrow(/checkpoint\.safetensors: training state is invalid:\n {2}- state\.epoch: .*\n {2}- state\.best\.macroF1: /);
  });

  it('still read version-1 checkpoints (no digest) and refuse a version-1 label on a digested file', () => {
    const d = dir();
    const v1 = join(d, 'v1.safetensors');
    writeSafetensors(v1, tensors(3), { format: 'mangaassist-trainer-checkpoint', version: '1', state: JSON.stringify({ n: 1 }) });
    expect(readCheckpoint<{ n: number }>(v1).state.n).toBe(1);
    const relabelled = join(d, 'relabelled.safetensors');
    writeSafetensors(relabelled, tensors(3), { format: 'mangaassist-trainer-checkpoint', version: '1', state: JSON.stringify({ n: 1 }), sha256: 'ab' });
    expect(() => readCheckpoint(relabelled)).toThrow(/relabelled\.safetensors: checkpoint version "1" is not supported/);
  });
});
