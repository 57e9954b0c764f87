// Helpers of the WebGPU test suite (`*.webgpu.test.ts`, the `webgpu` jest project). Each test computes the same
// thing on the cpu backend and on WebGPU and compares: these tests check correctness on WebGPU, never its speed (in
// CI the adapter is Mesa's lavapipe, which runs on the CPU and is slow by nature).
import { selectTfjsBackend, type TfjsModule } from '@mangaassist/runtime-tfjs';

/**
 * Why the WebGPU tests skip, or `undefined` when there is an adapter. Set by `tools/jest/webgpu-global-setup.js`,
 * which probes Dawn once per run.
 */
export const webgpuSkipReason: string | undefined = process.env.MANGAASSIST_WEBGPU_ADAPTER
  ? undefined
  : (process.env.MANGAASSIST_WEBGPU_SKIP ?? "the webgpu jest project's global setup did not run (run the tests through jest.config.js)");

/**
 * `describe` for a WebGPU suite. Its title says what the tests measure (agreement with the cpu backend, not speed)
 * and on which adapter; where there is no adapter the suite is skipped and its title gives the reason.
 *
 * @example
 * ```ts
 * describeOnWebgpu('every loss plugin', () => { it('…', async () => { … }); });
 * ```
 */
export function describeOnWebgpu(title: string, body: () => void): void {
  if (webgpuSkipReason) {
    describe.skip(`${title} on WebGPU (skipped: ${webgpuSkipReason})`, body);
  } else {
    describe(`${title} on WebGPU (${process.env.MANGAASSIST_WEBGPU_ADAPTER}): correctness against the cpu backend, not speed`, body);
  }
}

let tfjs: TfjsModule | undefined;
const started = new Set<string>();

/**
 * Makes `name` the active TensorFlow.js backend, starting it through the runtime's selection the first time (WebGPU
 * is asked for by name, so a CPU adapter is used too). Tensors belong to the backend active when they were made:
 * compute from plain arrays and read results back asynchronously, never hand a tensor from one backend to the
 * other (moving it off WebGPU would need a synchronous read).
 *
 * @example
 * ```ts
 * const tf = await useBackend('webgpu');
 * ```
 */
export async function useBackend(name: 'cpu' | 'webgpu'): Promise<TfjsModule> {
  if (!tfjs || !started.has(name)) {
    tfjs = (await selectTfjsBackend({ backend: name })).tf;
    started.add(name);
  } else if (!(await tfjs.setBackend(name))) {
    throw new Error(`tf.setBackend(${JSON.stringify(name)}) failed`);
  }
  return tfjs;
}

/**
 * The largest `|actual − expected| / (atol + rtol·|expected|)` over the elements: at most 1 when every element is
 * within tolerance. Mismatched lengths or a NaN on either side give Infinity.
 *
 * @example
 * ```ts
 * expect(worstExcess(onWebgpu, onCpu, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
 * ```
 */
export function worstExcess(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const excess = Math.abs(actual[i]! - expected[i]!) / (atol + rtol * Math.abs(expected[i]!));
    if (!(excess <= worst)) worst = Number.isNaN(excess) ? Infinity : excess;
  }
  return worst;
}

/** The largest absolute difference between two equally long arrays (for messages and measurements). */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
