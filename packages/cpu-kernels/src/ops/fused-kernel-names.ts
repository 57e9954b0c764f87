/** Kernels this package adds to the cpu backend for `geluErf` and `layerNorm` (no TensorFlow.js equivalent). */
export const FUSED_KERNELS = {
  gelu: 'MangaAssistGeluErf',
  geluGrad: 'MangaAssistGeluErfGrad',
  layerNorm: 'MangaAssistLayerNorm',
  layerNormGrad: 'MangaAssistLayerNormGrad',
} as const;
