// Public API of @mangaassist/fused-ops: ops a model calls unconditionally, and the kernel names under which a
// backend package (@mangaassist/cpu-kernels) registers their fused kernels. It depends on no backend.
export { geluErf, layerNorm, registerFusedGradients } from './fused-ops';
export { FUSED_KERNELS } from './kernel-names';
