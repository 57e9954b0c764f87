// Public API of @mangaassist/runtime-tfjs: the TensorFlow.js backends (training). Nothing here loads TensorFlow.js on
// import: it is required on first use. ONNX Runtime sessions are @mangaassist/runtime-onnx's.
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
