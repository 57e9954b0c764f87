import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { firstLine, requireFailure } from '../lazy-modules';
import type { TfjsBackendCandidate, TfjsBackendDevice } from '../tfjs-backend';

/** What is read here of a WebGPU `GPUAdapter`: its `info`, and the flag older WebGPU versions kept on the adapter. */
export interface WebgpuAdapterLike {
  readonly info?: {
    readonly vendor?: string;
    readonly architecture?: string;
    readonly device?: string;
    readonly description?: string;
    /** Not in the WebGPU standard; some implementations name the adapter type here (Dawn's C API: "CPU"). */
    readonly type?: string;
    readonly isFallbackAdapter?: boolean;
  };
  /** Where WebGPU kept the flag before it moved to `GPUAdapterInfo`. */
  readonly isFallbackAdapter?: boolean;
}

/** The parts of the npm package `webgpu` (Dawn for Node.js) used here; see its `types.d.ts`. */
export interface DawnModule {
  create(options: string[]): { requestAdapter(options?: object): Promise<WebgpuAdapterLike | null> };
  globals: object;
}

/** Options of {@link createWebgpuBackend}. */
export interface WebgpuBackendOptions {
  /** Dawn options passed to `create`, e.g. `['backend=vulkan']` or `['adapter=NVIDIA H200']`. */
  readonly dawnOptions?: readonly string[];
  /** Loads Dawn; default: the `webgpu` package, after checking for the Vulkan loader on Linux. Tests pass fakes. */
  readonly loadDawn?: () => DawnModule;
}

/** Names of software (CPU) implementations of Vulkan, D3D12 or WebGPU as adapters report them. */
const SOFTWARE_RENDERER = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|\bwarp\b/i;

const NAME_FIELDS = ['description', 'device', 'architecture', 'vendor'] as const;

/**
 * Tells a GPU from a CPU adapter by what the adapter reports, in this order: `GPUAdapterInfo.isFallbackAdapter`
 * (Dawn sets it for its CPU adapters: Mesa 25's lavapipe reports true), the older `GPUAdapter.isFallbackAdapter`,
 * a non-standard `GPUAdapterInfo.type` of "cpu", and the name of a known software renderer (llvmpipe, lavapipe,
 * softpipe, SwiftShader, WARP) in the description, device, architecture or vendor. Anything else counts as a GPU.
 *
 * @example
 * ```ts
 * webgpuAdapterDevice({ info: { vendor: 'mesa', description: 'llvmpipe: Mesa 25.0.7', isFallbackAdapter: true } });
 * // { kind: 'cpu', description: 'llvmpipe: Mesa 25.0.7', evidence: 'GPUAdapterInfo.isFallbackAdapter is true' }
 * ```
 */
export function webgpuAdapterDevice(adapter: WebgpuAdapterLike): TfjsBackendDevice {
  const info = adapter.info ?? {};
  const description =
    info.description || [info.vendor, info.architecture, info.device].filter(Boolean).join(' ') || 'an unnamed WebGPU adapter';
  const cpu = (evidence: string): TfjsBackendDevice => ({ kind: 'cpu', description, evidence });
  if (info.isFallbackAdapter === true) return cpu('GPUAdapterInfo.isFallbackAdapter is true');
  if (adapter.isFallbackAdapter === true) return cpu('GPUAdapter.isFallbackAdapter is true');
  if (typeof info.type === 'string' && info.type.toLowerCase() === 'cpu') return cpu(`GPUAdapterInfo.type is "${info.type}"`);
  for (const field of NAME_FIELDS) {
    const value = info[field];
    if (value && SOFTWARE_RENDERER.test(value)) return cpu(`GPUAdapterInfo.${field} "${value}" names a software renderer`);
  }
  return { kind: 'gpu', description, evidence: 'not a fallback adapter, and no software renderer named in GPUAdapterInfo' };
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

/** The `webgpu` package, once the Vulkan loader it needs on Linux is known to be there. */
function loadInstalledDawn(): DawnModule {
  let dawn: DawnModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    dawn = require('webgpu') as DawnModule;
  } catch (error) {
    throw new Error(requireFailure(error, 'webgpu'));
  }
  const noVulkan = missingVulkanLoader();
  if (noVulkan) throw new Error(noVulkan);
  return dawn;
}

/**
 * Dawn instances by module and options: selecting WebGPU again in the same process (each command does) reuses the
 * instance whose device TensorFlow.js's backend already holds. A second instance, dropped and collected while that
 * device is in use, crashed the process (segmentation fault).
 */
const dawnInstances = new WeakMap<DawnModule, Map<string, ReturnType<DawnModule['create']>>>();

function dawnInstance(dawn: DawnModule, options: readonly string[]): ReturnType<DawnModule['create']> {
  const byOptions = dawnInstances.get(dawn) ?? new Map<string, ReturnType<DawnModule['create']>>();
  dawnInstances.set(dawn, byOptions);
  const key = JSON.stringify(options);
  let instance = byOptions.get(key);
  if (!instance) {
    instance = dawn.create([...options]);
    byOptions.set(key, instance);
  }
  return instance;
}

/**
 * WebGPU through Dawn (`webgpu`, optional) and `@tensorflow/tfjs-backend-webgpu` (optional). Skipped when either
 * package is absent or Dawn finds no adapter (no Vulkan/Metal/D3D12 device). `findDevice` reports whether the
 * adapter is a GPU or the CPU ({@link webgpuAdapterDevice}), so that `auto` can pass over a software adapter.
 *
 * @example
 * ```ts
 * await selectTfjsBackend({ backend: 'webgpu', candidates: [createWebgpuBackend({ dawnOptions: ['backend=vulkan'] })] });
 * ```
 */
export function createWebgpuBackend(options: WebgpuBackendOptions = {}): TfjsBackendCandidate {
  let gpu: ReturnType<DawnModule['create']> | undefined;

  async function findDevice(): Promise<TfjsBackendDevice> {
    const dawn = (options.loadDawn ?? loadInstalledDawn)();
    // tfjs-backend-webgpu reads GPUBufferUsage, GPUMapMode… from the global scope, as in a browser.
    Object.assign(globalThis, dawn.globals);
    const created = dawnInstance(dawn, options.dawnOptions ?? []);
    let adapter: WebgpuAdapterLike | null;
    try {
      // The same request tfjs-backend-webgpu makes by default, so the device judged here is the one it will use.
      adapter = await created.requestAdapter({ powerPreference: 'high-performance' });
    } catch (error) {
      throw new Error(`Dawn could not enumerate adapters: ${firstLine(error)}`);
    }
    if (!adapter) throw new Error('no WebGPU adapter (Dawn found no Vulkan, Metal or D3D12 device)');
    gpu = created;
    return webgpuAdapterDevice(adapter);
  }

  return {
    name: 'webgpu',
    findDevice,
    async start(tf) {
      if (!gpu) await findDevice();
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
