// Public API of @mangaassist/export: Hugging Face DistilBERT directory in, ONNX directory out (pure Node).
export * from './classifier-head';
export * from './distilbert-config';
export * from './export-files';
export * from './export-model';
export {
  buildClassifierModel,
  buildEncoderModel,
  CLASSIFIER_POOLINGS,
  EXPORT_OPSET,
  meanPool,
  type ClassifierGraphOptions,
  type ClassifierPooling,
  type GraphOptions,
  type HeadTensorNames,
} from './graph/build-model';
export type { FusionMode, WeightPrecision } from './graph/matmul';
export { wideBigramBucketsGraph, wideLogitsGraph, type WideGraphOptions } from './graph/wide';
export * from './model-dir';
export * from './onnx-graph-builder';
export * from './quantize-weights';
export * from './random-checkpoint';
export * from './weight-source';
