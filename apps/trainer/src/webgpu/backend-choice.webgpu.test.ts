// The backend choice on this machine's real WebGPU adapter: `auto` passes over a CPU adapter (lavapipe in CI) and
// says why, takes a GPU; asking for `webgpu` by name uses whichever adapter there is, and it computes.
import { createWebgpuBackend, selectTfjsBackend, type TfjsBackendDevice } from '@mangaassist/runtime-tfjs';
import { describeOnWebgpu, useBackend, worstExcess } from './__tests__/webgpu-testing';

describeOnWebgpu('backend choice', () => {
  let device: TfjsBackendDevice;

  beforeAll(async () => {
    device = await createWebgpuBackend().findDevice!((await useBackend('cpu')));
  });

  it('auto skips the adapter, naming the evidence, exactly when it is a CPU device', async () => {
    const selection = await selectTfjsBackend({ backend: 'auto' });
    const webgpu = selection.skipped.find((s) => s.name === 'webgpu');
    if (device.kind === 'cpu') {
      expect(selection.name).toBe('cpu');
      expect(webgpu?.reason).toBe(`${device.description} is a CPU device (${device.evidence}), slower than the cpu backend; request webgpu by name to use it`);
      expect(selection.message).toContain(device.evidence);
    } else {
      expect(selection.name).toBe('webgpu');
      expect(selection.device).toEqual(device);
    }
  });

  it('webgpu asked for by name runs on the adapter and multiplies matrices as cpu does', async () => {
    const selection = await selectTfjsBackend({ backend: 'webgpu' });
    expect([selection.name, selection.tfjsName]).toEqual(['webgpu', 'webgpu']);
    expect(selection.device).toEqual(device);
    const { tf } = selection;
    const a = Array.from({ length: 64 * 48 }, (_, i) => Math.sin(i));
    const b = Array.from({ length: 48 * 32 }, (_, i) => Math.cos(i));
    const product = async () => {
      const out = tf.tidy(() => tf.matMul(tf.tensor2d(a, [64, 48]), tf.tensor2d(b, [48, 32])));
      const values = await out.data();
      out.dispose();
      return values;
    };
    const before = tf.memory().numTensors;
    const onWebgpu = await product();
    expect(tf.memory().numTensors).toBe(before);
    await useBackend('cpu');
    // Sums of 48 products of size ≤ 1, in float32 and another order: a few 1e-7 apart at most.
    expect(worstExcess(onWebgpu, await product(), 1e-5, 0)).toBeLessThanOrEqual(1);
  });
});
