// Public API of @mangaassist/runtime-onnx. Nothing here loads ONNX Runtime on import: it is required on first use.
// This package never depends on TensorFlow.js (the TensorFlow.js backends are @mangaassist/runtime-tfjs's).
export * from './ort-session';
export { createOrtSession } from './ort-session-impl';
export { anonHugePageBytes, HUGE_PAGES_TUNABLE, processHugePageBytes, withHugePages } from './huge-pages';
