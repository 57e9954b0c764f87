// Public API of @mangaassist/export: Hugging Face DistilBERT directory in, ONNX directory out (pure Node). The
// directory's format (config schema, labels, head block, thresholds.json) is @mangaassist/model-format's.
export * from './classifier-head';
export * from './distilbert-dims';
export * from './export-files';
export * from './export-model';
export {
  buildClassifierModel,
  buildEncoderModel,
  EXPORT_OPSET,
  meanPool,
  type ClassifierGraphOptions,
  type GraphOptions,
} from './graph/build-model';
export type { FusionMode, WeightPrecision } from './graph/matmul';
export { NGRAM_ENSEMBLE_TABLE_NAMES, ngramEnsembleGraph, wordNgramLogitsGraph, type NgramEnsembleGraphOptions } from './graph/ngram-ensemble';
export { WIDE_TABLE_NAMES, wideBigramBucketsGraph, wideLogitsGraph, type NgramTableNames, type WideGraphOptions } from './graph/wide';
export * from './model-dir';
export * from './onnx-graph-builder';
export * from './quantize-weights';
export * from './weight-source';
