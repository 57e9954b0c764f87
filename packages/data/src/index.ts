// Public API of @mangaassist/data.
export type { Dataset, DataProblem, DatasetFormat, DatasetSource, Example } from './types';
export { canonicalLabels, resolveLabelSchema } from './label-schema';
export { readDataset, type ReadDatasetOptions, type ReadDatasetResult } from './read-dataset';
export { writeJsonl } from './write-dataset';
export {
  HANDWRITTEN_EVALUATION_SLICE,
  HANDWRITTEN_EVALUATION_SLICES,
  HANDWRITTEN_RESERVED_SLICES,
  HANDWRITTEN_SLICE_FILES,
  HANDWRITTEN_SLICE_ROLES,
  HANDWRITTEN_TRAINING_SLICES,
  TUNED_SLICES,
  handwrittenSlicePath,
  handwrittenTrainingPaths,
  type HandwrittenRole,
  type HandwrittenSliceId,
} from './handwritten-slices';
export { detectFormat } from './formats/detect-format';
export { parseLabelsCell } from './formats/labels-cell';
export { readGoEmotions, type GoEmotionsResult } from './formats/goemotions';
export { GOEMOTIONS_COVERED_LABELS, GOEMOTIONS_EMOTIONS, GOEMOTIONS_TO_MANGAASSIST, mapGoEmotions } from './formats/goemotions-mapping';
export { stratifiedSplit, type SplitOptions, type TrainValSplit } from './split/stratified-split';
export { toMultiHot } from './multi-hot';
export { scoredLabels, type LabelledSplit, type ScoredLabelsOptions } from './scored-labels';
export { generateCorpus, type GenerateCorpusOptions } from './generator/generate-corpus';
export { MANGAASSIST_LABEL_SHARES, MULTI_LABEL_COMBINATIONS, combinationQuotas, combinationShares, type CombinationShare } from './generator/label-mix';
export { datasetStats, distribution, type DatasetStats, type Distribution, type LabelFrequency } from './stats/dataset-stats';
export { findNearDuplicates, type NearDuplicateOptions, type NearDuplicates } from './stats/near-duplicates';
export { normalizeForDuplicates, wordTokens } from './stats/text-normalize';
export { TfidfVectorizer, type SparseRow, type TfidfOptions } from './baseline/tfidf';
export { trainLogisticOvr, type LogisticOptions, type LogisticOvrModel } from './baseline/logistic-ovr';
export { minimizeLbfgs, type LbfgsOptions, type LbfgsResult } from './baseline/lbfgs';
export { labelSetMetrics, type LabelSetMetrics, type MultiLabelReport } from './baseline/metrics';
export * from './metrics';
export { baselineLabelSet, evaluateBaseline, trainTfidfBaseline, type TfidfBaseline, type TfidfBaselineOptions } from './baseline/tfidf-baseline';
export { readTexts, type ReadTextsOptions, type ReadTextsResult, type TextCorpusFormat } from './read-texts';
export { HANDWRITTEN_CONVERSATIONS, handwrittenConversationsPath, readConversations, type LabelledConversation } from './conversations/conversation-dataset';
export { generateConversations, type GenerateConversationsOptions } from './conversations/generate-conversations';
