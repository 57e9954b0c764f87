// Public API of @mangaassist/cpu-kernels.
export { nativeKernelsAvailable, NATIVE_ADDON_PATH, NATIVE_KERNELS_ENV } from './native-binding';
export type { BlasInfo, NativeAvailability } from './native-binding';
export {
  OVERRIDABLE_KERNELS,
  registerNativeCpuKernels,
  registeredNativeCpuKernels,
  unregisterNativeCpuKernels,
} from './register';
export type { RegisterOptions, RegistrationResult, SkippedKernel } from './register';
export { unsortedSegmentSumJs } from './kernels/unsorted-segment-sum';
export { AdamWState, applyAdamW } from './optim/adamw';
export type { AdamWHyperparameters, AdamWImplementation, AdamWSlot } from './optim/adamw';
