import type { TfjsBackendCandidate } from '../tfjs-backend';
import { cpuBackend } from './cpu';
import { tfjsNodeBackend, tfjsNodeGpuBackend } from './tfjs-node';
import { createWebgpuBackend } from './webgpu';

export { cpuBackend } from './cpu';
export { tfjsNodeBackend, tfjsNodeGpuBackend } from './tfjs-node';
export { createWebgpuBackend, webgpuAdapterDevice, type DawnModule, type WebgpuAdapterLike, type WebgpuBackendOptions } from './webgpu';

/**
 * The candidates in priority order: tfjs-node-gpu, webgpu, tfjs-node, cpu. A fresh array each call so callers
 * may reorder or filter it.
 *
 * @example
 * ```ts
 * const withoutGpu = defaultTfjsBackendCandidates().filter((c) => c.name !== 'webgpu');
 * await selectTfjsBackend({ candidates: withoutGpu });
 * ```
 */
export function defaultTfjsBackendCandidates(): TfjsBackendCandidate[] {
  return [tfjsNodeGpuBackend, createWebgpuBackend(), tfjsNodeBackend, cpuBackend];
}
