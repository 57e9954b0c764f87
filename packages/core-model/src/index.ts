// Public API of @mangaassist/core-model: DistilBERT in TensorFlow.js, checkpoint loading, the multi-label classifier
// and its save/load. The saved-model format itself (config schema, tokenizer, tensor names, label maps) is
// @mangaassist/model-format's; the part of it this package's callers use with a model is re-exported here, so that
// they need one import.
export {
  checkPooling,
  DEFAULT_HEAD,
  headWeightSpecs,
  poolHiddenStates,
  type ClassifierHeadConfig,
} from './classifier-head';
export { createClassifier, loadClassifier, type CreateClassifierOptions } from './classifier-load';
export { saveClassifier, savedHeadOf } from './classifier-save';
export {
  encoderWeightsFromTensors,
  readDistilBertCheckpoint,
  type CheckpointReport,
  type EncoderCheckpoint,
} from './distilbert-checkpoint';
export {
  DistilBertEncoder,
  type ApplyOptions,
  type EncoderOptions,
} from './distilbert-encoder';
export { initDistilBertWeights, sinusoidalPositions } from './distilbert-weights';
export { emojiNameReplacements, emojiTokens } from './emoji-tokens';
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
export { addTokensToVocabulary, type NewToken, type NewTokensReport } from './new-tokens';
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
  mixNgramEnsemble,
  namedNgramEnsembleTensors,
  ngramEnsembleTensors,
  ngramEnsembleTensorSpecs,
  ngramEnsembleWeightsProblem,
  wordNgramEnsembleLogits,
  type NgramEnsembleField,
  type NgramEnsembleProblem,
  type NgramEnsembleTensors,
  type NgramEnsembleTensorSpec,
  type NgramEnsembleWeights,
  type WordNgramEnsembleTensors,
  type WordNgramEnsembleWeights,
  type WordpieceNgramEnsembleTensors,
  type WordpieceNgramEnsembleWeights,
} from './ngram-ensemble';
export { DistilBertMaskedLm, type DistilBertMaskedLmParts, type MaskedLmInputs, type MaskedLmReport } from './masked-lm';
export { initMaskedLmHeadWeights, MaskedLmHead, maskedLmCrossEntropy, maskedLmHeadSpecs, TIED_PROJECTOR_WEIGHT } from './masked-lm-head';
export { loadMaskedLm, type LoadMaskedLmOptions } from './masked-lm-load';
export { MASKED_LM_ARCHITECTURE, saveMaskedLm } from './masked-lm-save';
export { writeModelFiles } from './model-files';
export { BERT_MASKING, checkMaskingOptions, maskSequence, type MaskedSequence, type MlmMaskingOptions } from './mlm-masking';
export {
  bertTokenizerJsonFromVocab,
  CLASSIFIER_ARCHITECTURE,
  CLASSIFIER_POOLINGS,
  DISTILBERT_LAYER_NORM_EPS,
  DISTILBERT_PREFIX,
  distilBertWeightSpecs,
  encoderConfigWithoutHead,
  HEAD_CONFIG_KEY,
  MULTI_LABEL_PROBLEM_TYPE,
  parseDistilBertConfig,
  STALE_CONFIG_KEYS,
  tinyDistilBertConfig,
  WordPieceTokenizer,
  type BatchEncoding,
  type ClassifierPooling,
  type DistilBertConfig,
  type EncodeBatchOptions,
  type Encoded,
  type EncodeOptions,
  type WeightSpec,
} from '@mangaassist/model-format';
