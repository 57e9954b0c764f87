// Public API of @mangaassist/core-model: DistilBERT in TensorFlow.js, its tokenizer, checkpoint loading, the
// multi-label classifier and its save/load.
export {
  CLASSIFIER_POOLINGS,
  checkPooling,
  DEFAULT_HEAD,
  headWeightSpecs,
  poolHiddenStates,
  type ClassifierHeadConfig,
  type ClassifierPooling,
} from './classifier-head';
export { createClassifier, loadClassifier, type CreateClassifierOptions } from './classifier-load';
export { CLASSIFIER_ARCHITECTURE, HEAD_CONFIG_KEY, MULTI_LABEL_PROBLEM_TYPE, encoderConfigWithoutHead, saveClassifier, STALE_CONFIG_KEYS } from './classifier-save';
export {
  DISTILBERT_PREFIX,
  encoderWeightsFromTensors,
  readDistilBertCheckpoint,
  type CheckpointReport,
  type EncoderCheckpoint,
} from './distilbert-checkpoint';
export { parseDistilBertConfig, tinyDistilBertConfig, type DistilBertConfig } from './distilbert-config';
export {
  DISTILBERT_LAYER_NORM_EPS,
  DistilBertEncoder,
  type ApplyOptions,
  type EncoderOptions,
} from './distilbert-encoder';
export { distilBertWeightSpecs, initDistilBertWeights, sinusoidalPositions, type WeightSpec } from './distilbert-weights';
export { runHfParity, type ParityReport, type TokenizerMismatch } from './hf-parity';
export {
  CACHE_DIR_ENV,
  DEFAULT_HUB_ENDPOINT,
  defaultCacheDir,
  HUB_ENDPOINT_ENV,
  HUB_TOKEN_ENV,
  resolvePretrainedDir,
  type HubOptions,
} from './hub-download';
export { EMBEDDINGS_GROUP, HEAD_GROUP, layerGroupName, layerGroupNames, transformerLayerBlocks } from './layer-groups';
export { ACTIVATION_NAMES, ACTIVATIONS, layerNorm, linear, type ActivationName } from './layers';
export { MODEL_FAMILIES, modelFamilyFor, type ModelFamily } from './model-registry';
export { MultiLabelClassifier, type MultiLabelClassifierParts, type PredictOptions } from './multi-label-classifier';
export {
  assertTfjsBackend,
  checkVocabulary,
  fromPretrained,
  readModelConfig,
  weightsFile,
  type FromPretrainedOptions,
  type PretrainedEncoder,
} from './pretrained';
export { SeededRandom } from './prng';
export {
  checkWideVocabulary,
  resolveWideHead,
  wideBigramBuckets,
  wideLogits,
  wideWeightSpecs,
  type WideHeadConfig,
  type WideHeadOptions,
  type WideTables,
} from './wide-head';
export {
  bertTokenizerJsonFromVocab,
  WordPieceTokenizer,
  type BatchEncoding,
  type EncodeBatchOptions,
  type Encoded,
  type EncodeOptions,
} from './wordpiece-tokenizer';
export { DistilBertMaskedLm, type DistilBertMaskedLmParts, type MaskedLmInputs, type MaskedLmReport } from './masked-lm';
export { initMaskedLmHeadWeights, MaskedLmHead, maskedLmCrossEntropy, maskedLmHeadSpecs, TIED_PROJECTOR_WEIGHT } from './masked-lm-head';
export { loadMaskedLm, type LoadMaskedLmOptions } from './masked-lm-load';
export { MASKED_LM_ARCHITECTURE, saveMaskedLm } from './masked-lm-save';
export { writeModelFiles } from './model-files';
export { BERT_MASKING, checkMaskingOptions, maskSequence, type MaskedSequence, type MlmMaskingOptions } from './mlm-masking';
