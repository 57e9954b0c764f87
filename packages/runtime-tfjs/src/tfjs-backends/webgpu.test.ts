import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectTfjsBackend } from '../tfjs-backend-impl';
import { cpuBackend } from './cpu';
import { createWebgpuBackend, missingVulkanLoader, webgpuAdapterDevice, type DawnModule, type WebgpuAdapterLike } from './webgpu';

describe('missingVulkanLoader', () => {
  const empty = mkdtempSync(join(tmpdir(), 'no-vulkan-'));
  const withLoader = mkdtempSync(join(tmpdir(), 'vulkan-'));
  writeFileSync(join(withLoader, 'libvulkan.so.1'), '');

  it('says why WebGPU cannot start on Linux without the loader', () => {
    expect(missingVulkanLoader('linux', {}, [empty])).toBe(`no Vulkan loader (libvulkan.so.1 not found in ${empty}), so no WebGPU adapter`);
  });

  it('finds the loader in the system folders or on LD_LIBRARY_PATH', () => {
    expect(missingVulkanLoader('linux', {}, [empty, withLoader])).toBeNull();
    expect(missingVulkanLoader('linux', { LD_LIBRARY_PATH: `/nowhere:${withLoader}` }, [empty])).toBeNull();
  });

  it('does not look on other platforms (Dawn uses Metal or D3D12 there)', () => {
    expect(missingVulkanLoader('darwin', {}, [empty])).toBeNull();
  });
});

// What adapters report, as measured (lavapipe: Mesa 25.0.7 from bookworm-backports under Dawn 0.6.2) or as their
// implementations document it (SwiftShader, WARP, a discrete GPU).
const ADAPTERS = {
  lavapipe: {
    info: {
      vendor: 'mesa',
      architecture: 'software',
      device: 'llvmpipe-llvm-15-0-6-256-bits-',
      description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1',
      isFallbackAdapter: true,
    },
  },
  lavapipeWithoutFlag: { info: { vendor: 'mesa', architecture: '', device: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } },
  swiftshader: { info: { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader Device (Subzero)' } },
  warp: { info: { vendor: 'microsoft', architecture: '', device: '', description: 'Microsoft Basic Render Driver' } },
  olderFallbackFlag: { info: { vendor: 'acme', description: 'Acme Soft Adapter' }, isFallbackAdapter: true },
  typedCpu: { info: { vendor: 'acme', description: 'Acme Adapter', type: 'CPU' } },
  h200: { info: { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200', isFallbackAdapter: false } },
  unnamed: { info: {} },
} satisfies Record<string, WebgpuAdapterLike>;

describe('webgpuAdapterDevice', () => {
  it.each([
    ['lavapipe', 'GPUAdapterInfo.isFallbackAdapter is true'],
    ['lavapipeWithoutFlag', 'GPUAdapterInfo.description "llvmpipe (LLVM 15.0.6, 256 bits)" names a software renderer'],
    ['swiftshader', 'GPUAdapterInfo.description "SwiftShader Device (Subzero)" names a software renderer'],
    ['warp', 'GPUAdapterInfo.description "Microsoft Basic Render Driver" names a software renderer'],
    ['olderFallbackFlag', 'GPUAdapter.isFallbackAdapter is true'],
    ['typedCpu', 'GPUAdapterInfo.type is "CPU"'],
  ] as const)('takes %s for a CPU device: %s', (name, evidence) => {
    expect(webgpuAdapterDevice(ADAPTERS[name])).toEqual({ kind: 'cpu', description: ADAPTERS[name].info.description, evidence });
  });

  it('takes an adapter that names no software renderer for a GPU', () => {
    expect(webgpuAdapterDevice(ADAPTERS.h200)).toMatchObject({ kind: 'gpu', description: 'NVIDIA H200' });
    expect(webgpuAdapterDevice(ADAPTERS.unnamed)).toMatchObject({ kind: 'gpu', description: 'an unnamed WebGPU adapter' });
    expect(webgpuAdapterDevice({})).toMatchObject({ kind: 'gpu' });
  });

  it('describes an adapter without a description by vendor and architecture', () => {
    expect(webgpuAdapterDevice({ info: { vendor: 'google', architecture: 'swiftshader' } })).toEqual({
      kind: 'cpu',
      description: 'google swiftshader',
      evidence: 'GPUAdapterInfo.architecture "swiftshader" names a software renderer',
    });
  });
});

/** A stand-in for the `webgpu` package whose only adapter is `adapter` (or none). */
function fakeDawn(adapter: WebgpuAdapterLike | null): DawnModule & { requests: object[]; instances: number } {
  const dawn = {
    requests: [] as object[],
    instances: 0,
    globals: {},
    create: () => {
      dawn.instances += 1;
      return { requestAdapter: async (options = {}) => (dawn.requests.push(options), adapter) };
    },
  };
  return dawn;
}

describe('createWebgpuBackend().findDevice', () => {
  it('asks Dawn for the adapter tfjs-backend-webgpu will use and reports what it is', async () => {
    const dawn = fakeDawn(ADAPTERS.lavapipe);
    const candidate = createWebgpuBackend({ loadDawn: () => dawn });
    await expect(candidate.findDevice!(tf)).resolves.toMatchObject({ kind: 'cpu', evidence: 'GPUAdapterInfo.isFallbackAdapter is true' });
    expect(dawn.requests).toEqual([{ powerPreference: 'high-performance' }]);
  });

  it('creates one Dawn instance per process, however often WebGPU is selected', async () => {
    const dawn = fakeDawn(ADAPTERS.h200);
    for (let i = 0; i < 3; i++) await createWebgpuBackend({ loadDawn: () => dawn }).findDevice!(tf);
    expect(dawn.instances).toBe(1);
    await createWebgpuBackend({ loadDawn: () => dawn, dawnOptions: ['backend=vulkan'] }).findDevice!(tf);
    expect(dawn.instances).toBe(2);
  });

  it('throws why when there is no adapter or the package cannot load', async () => {
    await expect(createWebgpuBackend({ loadDawn: () => fakeDawn(null) }).findDevice!(tf)).rejects.toThrow(/^no WebGPU adapter/);
    const unloadable = createWebgpuBackend({
      loadDawn: () => {
        throw new Error('webgpu is not installed');
      },
    });
    await expect(unloadable.findDevice!(tf)).rejects.toThrow('webgpu is not installed');
  });

  describe.each([
    ['lavapipe', ADAPTERS.lavapipe],
    ['SwiftShader', ADAPTERS.swiftshader],
    ['a fallback adapter', ADAPTERS.olderFallbackFlag],
  ])('on %s', (_, adapter) => {
    it('is skipped by auto with the reason, and the cpu backend is chosen', async () => {
      const selection = await selectTfjsBackend({ candidates: [createWebgpuBackend({ loadDawn: () => fakeDawn(adapter) }), cpuBackend] });
      expect(selection.name).toBe('cpu');
      expect(selection.skipped).toHaveLength(1);
      expect(selection.skipped[0]!.name).toBe('webgpu');
      expect(selection.skipped[0]!.reason).toMatch(/ is a CPU device \(.+\), slower than the cpu backend; request webgpu by name to use it$/);
      expect(selection.message).toContain(`webgpu: ${adapter.info.description} is a CPU device`);
    });
  });
});
