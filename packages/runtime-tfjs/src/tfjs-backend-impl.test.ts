import { isMangaAssistError } from '@mangaassist/common';
import type { TfjsBackendCandidate, TfjsBackendDevice, TfjsBackendName, TfjsModule } from './tfjs-backend';
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

/** A candidate that reports `device` through `findDevice` (or fails there with `failure`) and starts the cpu backend. */
function onDevice(name: TfjsBackendName, device: TfjsBackendDevice | string): TfjsBackendCandidate & { calls: number } {
  return Object.assign(fake(name), {
    async findDevice() {
      if (typeof device === 'string') throw new Error(device);
      return device;
    },
  });
}

const LAVAPIPE: TfjsBackendDevice = { kind: 'cpu', description: 'llvmpipe: Mesa 25.0.7', evidence: 'GPUAdapterInfo.isFallbackAdapter is true' };
const H200: TfjsBackendDevice = { kind: 'gpu', description: 'NVIDIA H200', evidence: 'not a fallback adapter' };

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

  describe('devices', () => {
    it('skips a backend on a CPU device under auto, says why, and never starts it', async () => {
      const webgpu = onDevice('webgpu', LAVAPIPE);
      const selection = await selectTfjsBackend({ candidates: [webgpu, fake('cpu')] });
      expect(selection.name).toBe('cpu');
      expect(webgpu.calls).toBe(0);
      expect(selection.skipped).toEqual([
        {
          name: 'webgpu',
          reason: 'llvmpipe: Mesa 25.0.7 is a CPU device (GPUAdapterInfo.isFallbackAdapter is true), slower than the cpu backend; request webgpu by name to use it',
        },
      ]);
      expect(selection.device).toBeUndefined();
    });

    it('does the same for any other backend that reports a CPU device, under tensorflow too', async () => {
      const onCpu: TfjsBackendDevice = { kind: 'cpu', description: 'libtensorflow CPU', evidence: 'no CUDA device' };
      const selection = await selectTfjsBackend({ backend: 'tensorflow', candidates: [onDevice('tfjs-node-gpu', onCpu), fake('tfjs-node')] });
      expect(selection.name).toBe('tfjs-node');
      expect(selection.skipped.map((s) => s.name)).toEqual(['tfjs-node-gpu']);
    });

    it('uses a CPU device when that backend is asked for by name, and notes it', async () => {
      const webgpu = onDevice('webgpu', LAVAPIPE);
      const selection = await selectTfjsBackend({ backend: 'webgpu', candidates: [webgpu, fake('cpu')] });
      expect(selection.name).toBe('webgpu');
      expect(webgpu.calls).toBe(1);
      expect(selection.device).toEqual(LAVAPIPE);
      expect(selection.message).toBe(
        'tfjs backend: webgpu (on the CPU: llvmpipe: Mesa 25.0.7 (GPUAdapterInfo.isFallbackAdapter is true); right for correctness checks, slow for training)',
      );
    });

    it('takes a GPU device under auto and names it', async () => {
      const selection = await selectTfjsBackend({ candidates: [onDevice('webgpu', H200), fake('cpu')] });
      expect(selection.name).toBe('webgpu');
      expect(selection.device).toEqual(H200);
      expect(selection.message).toBe('tfjs backend: webgpu (device: NVIDIA H200)');
    });

    it('never skips the cpu backend for being on the CPU', async () => {
      const selection = await selectTfjsBackend({ candidates: [onDevice('cpu', { kind: 'cpu', description: 'x86-64', evidence: 'always' })] });
      expect(selection.name).toBe('cpu');
    });

    it('reports a device search that fails like a start that fails', async () => {
      const webgpu = onDevice('webgpu', 'no WebGPU adapter');
      const selection = await selectTfjsBackend({ candidates: [webgpu, fake('cpu')] });
      expect(selection.skipped).toEqual([{ name: 'webgpu', reason: 'no WebGPU adapter' }]);
      expect(webgpu.calls).toBe(0);
    });
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
