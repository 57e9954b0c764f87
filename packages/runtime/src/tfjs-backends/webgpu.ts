import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { firstLine, requireFailure } from '../lazy-modules';
import type { TfjsBackendCandidate } from '../tfjs-backend';

/** The parts of the npm package `webgpu` (Dawn for Node.js) used here; see its `types.d.ts`. */
interface DawnModule {
  create(options: string[]): { requestAdapter(options?: object): Promise<unknown | null> };
  globals: object;
}

/** Options of {@link createWebgpuBackend}. */
export interface WebgpuBackendOptions {
  /** Dawn options passed to `create`, e.g. `['backend=vulkan']` or `['adapter=NVIDIA H200']`. */
  readonly dawnOptions?: readonly string[];
}

/**
 * Installs `navigator.gpu` for TensorFlow.js: Node 20 has no `navigator`, newer versions have one without `gpu`.
 */
function installNavigatorGpu(gpu: unknown): void {
  const host = globalThis as { navigator?: object };
  if (host.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(host.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  }
}

/**
 * On Linux Dawn needs the Vulkan loader. Without it, Dawn prints a native warning with a stack location on every
 * start; looking for the library first gives the same verdict quietly. Returns why WebGPU cannot start, or null.
 */
export function missingVulkanLoader(
  platform: string = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  systemDirs: readonly string[] = systemLibraryDirs(),
): string | null {
  if (platform !== 'linux') return null;
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...systemDirs];
  return dirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1')))
    ? null
    : `no Vulkan loader (libvulkan.so.1 not found in ${dirs.join(', ')}), so no WebGPU adapter`;
}

function systemLibraryDirs(): string[] {
  const multiarch = `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`;
  return [`/usr/lib/${multiarch}`, `/lib/${multiarch}`, '/usr/lib64', '/usr/lib', '/usr/local/lib'];
}

/**
 * WebGPU through Dawn (`webgpu`, optional) and `@tensorflow/tfjs-backend-webgpu` (optional). Skipped when either
 * package is absent or Dawn finds no adapter (no Vulkan/Metal/D3D12 device, as on machines without a GPU).
 *
 * @example
 * ```ts
 * await selectTfjsBackend({ backend: 'webgpu', candidates: [createWebgpuBackend({ dawnOptions: ['backend=vulkan'] })] });
 * ```
 */
export function createWebgpuBackend(options: WebgpuBackendOptions = {}): TfjsBackendCandidate {
  return {
    name: 'webgpu',
    async start(tf) {
      let dawn: DawnModule;
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        dawn = require('webgpu') as DawnModule;
      } catch (error) {
        throw new Error(requireFailure(error, 'webgpu'));
      }
      const noVulkan = missingVulkanLoader();
      if (noVulkan) throw new Error(noVulkan);
      // tfjs-backend-webgpu reads GPUBufferUsage, GPUMapMode… from the global scope, as in a browser.
      Object.assign(globalThis, dawn.globals);
      const gpu = dawn.create([...(options.dawnOptions ?? [])]);
      let adapter: unknown;
      try {
        adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      } catch (error) {
        throw new Error(`Dawn could not enumerate adapters: ${firstLine(error)}`);
      }
      if (!adapter) throw new Error('no WebGPU adapter (Dawn found no Vulkan, Metal or D3D12 device)');
      // The tfjs WebGPU backend registers itself on load only if navigator.gpu exists, so install it first.
      installNavigatorGpu(gpu);
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('@tensorflow/tfjs-backend-webgpu');
      } catch (error) {
        throw new Error(requireFailure(error, '@tensorflow/tfjs-backend-webgpu'));
      }
      if (!tf.findBackendFactory('webgpu')) {
        throw new Error('@tensorflow/tfjs-backend-webgpu was loaded before navigator.gpu existed and did not register');
      }
      if (!(await tf.setBackend('webgpu'))) throw new Error('tf.setBackend("webgpu") failed (device creation)');
    },
  };
}
