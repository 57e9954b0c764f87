// Public API of @mangaassist/runtime. Nothing here loads TensorFlow.js or ONNX Runtime on import: both are required
// on first use, so the serving package can import this one without pulling TensorFlow.js in.
export * from './tfjs-backend';
export { registerTfjsGradients } from './lazy-modules';
export { selectTfjsBackend, TFJS_BACKEND_REQUESTS } from './tfjs-backend-impl';
export {
  cpuBackend,
  createWebgpuBackend,
  defaultTfjsBackendCandidates,
  tfjsNodeBackend,
  tfjsNodeGpuBackend,
  webgpuAdapterDevice,
  type DawnModule,
  type WebgpuAdapterLike,
  type WebgpuBackendOptions,
} from './tfjs-backends';
export * from './ort-session';
export { createOrtSession } from './ort-session-impl';
export { anonHugePageBytes, HUGE_PAGES_TUNABLE, processHugePageBytes, withHugePages } from './huge-pages';
