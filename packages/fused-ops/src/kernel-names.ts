/**
 * Kernel names behind `geluErf` and `layerNorm` (no TensorFlow.js equivalent): a backend package that registers
 * kernels under them makes the ops run fused on that backend.
 *
 * @example
 * ```ts
 * tf.registerKernel({ kernelName: FUSED_KERNELS.layerNorm, backendName: 'cpu', kernelFunc: layerNormKernel });
 * ```
 */
export const FUSED_KERNELS = {
  gelu: 'MangaAssistGeluErf',
  geluGrad: 'MangaAssistGeluErfGrad',
  layerNorm: 'MangaAssistLayerNorm',
  layerNormGrad: 'MangaAssistLayerNormGrad',
} as const;
