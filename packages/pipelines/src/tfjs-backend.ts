import { registerNativeCpuKernels } from '@mangaassist/cpu-kernels';
import { selectTfjsBackend, type TfjsBackendRequest, type TfjsBackendSelection } from '@mangaassist/runtime-tfjs';

/**
 * Selects the TensorFlow.js backend a pipeline was asked to predict on, with the native CPU kernels registered on
 * `cpu`: they make a prediction pass ~100× faster than TensorFlow.js's JavaScript kernels. The one way the pipelines
 * and the trainer's commands select a backend for training or prediction.
 *
 * @example
 * ```ts
 * const { name, message } = await selectBackendWithNativeKernels('auto');
 * ```
 */
export async function selectBackendWithNativeKernels(backend: TfjsBackendRequest): Promise<TfjsBackendSelection> {
  return selectTfjsBackend({ backend, accelerateCpu: () => void registerNativeCpuKernels() });
}
