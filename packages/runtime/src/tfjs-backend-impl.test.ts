import { isMangaAssistError } from '@mangaassist/common';
import type { TfjsBackendCandidate, TfjsBackendName, TfjsModule } from './tfjs-backend';
import { selectTfjsBackend, TFJS_BACKEND_REQUESTS } from './tfjs-backend-impl';
import { cpuBackend } from './tfjs-backends';

/** A candidate that records its calls and either fails with `failure` or activates the real cpu backend. */
function fake(name: TfjsBackendName, failure?: string): TfjsBackendCandidate & { calls: number } {
  const candidate = {
    name,
    calls: 0,
    async start(tf: TfjsModule) {
      candidate.calls += 1;
      if (failure) throw new Error(`${failure}\nsecond line that the report leaves out`);
      await cpuBackend.start(tf);
    },
  };
  return candidate;
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('selectTfjsBackend', () => {
  it('takes the first candidate that starts and reports why the ones before it were skipped', async () => {
    const candidates = [fake('tfjs-node-gpu', 'not installed'), fake('webgpu', 'no adapter'), fake('tfjs-node'), fake('cpu')];
    const selection = await selectTfjsBackend({ candidates });
    expect(selection.name).toBe('tfjs-node');
    expect(selection.skipped).toEqual([
      { name: 'tfjs-node-gpu', reason: 'not installed' },
      { name: 'webgpu', reason: 'no adapter' },
    ]);
    expect(selection.message).toBe('tfjs backend: tfjs-node (skipped tfjs-node-gpu: not installed; webgpu: no adapter)');
    expect(candidates.map((c) => c.calls)).toEqual([1, 1, 1, 0]);
  });

  it('tries candidates in priority order whatever order they are given in', async () => {
    const candidates = [fake('cpu'), fake('webgpu', 'no adapter')];
    const selection = await selectTfjsBackend({ candidates });
    expect(selection.name).toBe('cpu');
    expect(candidates[1]!.calls).toBe(1);
  });

  it('lists every failure in one BACKEND_UNAVAILABLE error when nothing starts', async () => {
    const candidates = [fake('webgpu', 'no adapter'), fake('cpu', 'kernels missing')];
    const error = await rejection(selectTfjsBackend({ candidates }));
    expect(isMangaAssistError(error, 'BACKEND_UNAVAILABLE')).toBe(true);
    expect(error.message).toBe(
      'no TensorFlow.js backend could start (requested: auto):\n  webgpu: no adapter\n  cpu: kernels missing',
    );
  });

  it('tries only the forced backend', async () => {
    const candidates = [fake('webgpu'), fake('cpu')];
    const selection = await selectTfjsBackend({ backend: 'cpu', candidates });
    expect(selection.name).toBe('cpu');
    expect(selection.skipped).toEqual([]);
    expect(candidates[0]!.calls).toBe(0);
    const error = await rejection(selectTfjsBackend({ backend: 'webgpu', candidates: [fake('webgpu', 'no adapter'), fake('cpu')] }));
    expect(error.message).toContain('requested: webgpu');
    expect(error.message).toContain('webgpu: no adapter');
  });

  it('maps "tensorflow" to either libtensorflow build, GPU first', async () => {
    const candidates = [fake('tfjs-node-gpu', 'no CUDA device'), fake('webgpu'), fake('tfjs-node'), fake('cpu')];
    const selection = await selectTfjsBackend({ backend: 'tensorflow', candidates });
    expect(selection.name).toBe('tfjs-node');
    expect(candidates.map((c) => c.calls)).toEqual([1, 0, 1, 0]);
  });

  it('rejects an unknown backend with a RangeError listing the allowed values', async () => {
    const error = await rejection(selectTfjsBackend({ backend: 'tpu' as never }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe(`backend must be one of ${TFJS_BACKEND_REQUESTS.join(', ')}; got "tpu"`);
    expect(TFJS_BACKEND_REQUESTS).toEqual(['auto', 'tensorflow', 'tfjs-node-gpu', 'webgpu', 'tfjs-node', 'cpu']);
  });

  describe('accelerateCpu hook', () => {
    it('runs with the TensorFlow.js module once cpu is chosen', async () => {
      const seen: TfjsModule[] = [];
      const selection = await selectTfjsBackend({ candidates: [fake('cpu')], accelerateCpu: (tf) => void seen.push(tf) });
      expect(seen).toEqual([selection.tf]);
      expect(selection.notes).toEqual(['cpu accelerator registered']);
      expect(selection.message).toBe('tfjs backend: cpu (cpu accelerator registered)');
    });

    it('is not called when another backend wins', async () => {
      const hook = jest.fn();
      await selectTfjsBackend({ candidates: [fake('webgpu'), fake('cpu')], accelerateCpu: hook });
      expect(hook).not.toHaveBeenCalled();
    });

    it('keeps the plain cpu backend and reports the failure when the hook throws', async () => {
      const selection = await selectTfjsBackend({
        candidates: [fake('cpu')],
        accelerateCpu: () => {
          throw new Error('libopenblas.so.0: cannot open shared object file');
        },
      });
      expect(selection.name).toBe('cpu');
      expect(selection.notes).toEqual([
        'cpu accelerator failed, plain cpu kernels kept: libopenblas.so.0: cannot open shared object file',
      ]);
    });
  });

  describe('real candidates', () => {
    it('starts the pure-JS cpu backend and computes with it without leaking tensors', async () => {
      const { tf, name, tfjsName } = await selectTfjsBackend({ backend: 'cpu' });
      expect([name, tfjsName]).toEqual(['cpu', 'cpu']);
      const before = tf.memory().numTensors;
      const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync());
      expect(sum).toEqual([4, 6]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('explains an absent optional accelerator by its package name', async () => {
      let installed = true;
      try {
        require.resolve('@tensorflow/tfjs-node');
      } catch {
        installed = false;
      }
      if (installed) {
        expect((await selectTfjsBackend({ backend: 'tfjs-node' })).name).toBe('tfjs-node');
      } else {
        const error = await rejection(selectTfjsBackend({ backend: 'tfjs-node' }));
        expect(isMangaAssistError(error, 'BACKEND_UNAVAILABLE')).toBe(true);
        expect(error.message).toContain('tfjs-node: @tensorflow/tfjs-node is not installed');
      }
    });
  });
});
