import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import {
  NGRAM_ENSEMBLE_BIAS_TENSOR,
  NGRAM_ENSEMBLE_BIGRAM_TENSOR,
  NGRAM_ENSEMBLE_CONTINUATION_TENSOR,
  NGRAM_ENSEMBLE_PIECE_CODES_TENSOR,
  NGRAM_ENSEMBLE_PROBABILITY_EPSILON,
  NGRAM_ENSEMBLE_UNIGRAM_TENSOR,
  NGRAM_ENSEMBLE_WORD_IDF_TENSOR,
  NGRAM_ENSEMBLE_WORD_TENSOR,
  WIDE_BIGRAM_HASH_FORMULA,
  WIDE_BIGRAM_TENSOR,
  WIDE_UNIGRAM_TENSOR,
  WORD_BIGRAM_MULTIPLIER,
  type SavedNgramEnsemble,
} from '@mangaassist/common';
import {
  CALIBRATION_CURVES_FILE,
  CONFIG_FILE,
  headNgramEnsemble,
  headPooling,
  headWide,
  MODEL_ID_CONFIG_KEY,
  modelIdFromConfig,
  readOptionalCalibrationCurves,
  THRESHOLDS_FILE,
  thresholdsToShip,
  writeCalibrationCurvesFile,
  writeFileAtomically,
  type ClassifierPooling,
  type HeadTensorNames,
  type ThresholdsSource,
} from '@mangaassist/model-format';
import { resolveClassifierHead } from './classifier-head';
import { copyTokenizerFiles, exportConfig } from './export-files';
import { buildClassifierModel, EXPORT_OPSET } from './graph/build-model';
import type { FusionMode } from './graph/matmul';
import type { NgramEnsembleGraphOptions } from './graph/ngram-ensemble';
import type { WideGraphOptions } from './graph/wide';
import { readClassifierModelDir } from './model-dir';
import { encodeModel } from './onnx-graph-builder';

/** Quantisation choices of the `export` command. */
export const QUANTIZE_MODES = ['none', 'int8'] as const;

/** Options of {@link exportClassifier}. */
export interface ExportOptions {
  /** Fine-tuned model directory: config.json, model.safetensors, tokenizer.json (thresholds.json optional). */
  readonly modelDir: string;
  readonly outDir: string;
  /** `int8` also writes `onnx/model_quantized.onnx` (dynamic int8 MatMuls). Default `none`. */
  readonly quantize?: (typeof QUANTIZE_MODES)[number];
  /** Graph flavour; default `contrib` (ONNX Runtime fused kernels, the fastest measured). */
  readonly fusion?: FusionMode;
  /**
   * Head tensor names; default the format's fixed names (`pre_classifier`, `classifier`), else found from the
   * tensor shapes for a checkpoint that names its head otherwise.
   */
  readonly head?: HeadTensorNames;
  /** Thresholds to ship; default `<modelDir>/thresholds.json`, else 0.5 for every label. */
  readonly thresholdsFile?: string;
  /** int8 weights in ±63 instead of ±127 (for x86 CPUs without VNNI). */
  readonly reduceRange?: boolean;
  /**
   * The model's id, recorded in the exported `config.json` (`mangaassist_model_id`): the id the server keys its
   * thresholds by. Default the id in the source `config.json`, if any (copied like its other keys).
   */
  readonly modelId?: string;
}

/** One written ONNX file. */
export interface ExportedGraph {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** What {@link exportClassifier} wrote. */
export interface ExportResult {
  readonly outDir: string;
  readonly labels: readonly string[];
  readonly head: HeadTensorNames;
  /** The head's pooling, read from the model's `config.json` (`mangaassist_head.pooling`, default `cls`). */
  readonly pooling: ClassifierPooling;
  /** The head's wide part (`mangaassist_head.wide`), when it has one. */
  readonly wide: WideGraphOptions | undefined;
  /**
   * The n-gram ensemble mixed into `logits` (`mangaassist_head.ngram_ensemble`), when the model has one, with its
   * features (`wordpieces` when the config does not say).
   */
  readonly ngramEnsemble: Required<NgramEnsembleGraphOptions> | undefined;
  readonly model: ExportedGraph;
  readonly quantized: ExportedGraph | undefined;
  readonly thresholds: ThresholdsSource;
  /** Every file written, relative to `outDir`. */
  readonly files: readonly string[];
}

function writeGraph(file: string, bytes: Uint8Array): ExportedGraph {
  // Through a temporary file and a rename: a server never loads a half-written model.
  writeFileAtomically(file, bytes);
  return { file, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Exports a fine-tuned DistilBERT multi-label classifier to a directory that transformers.js's
 * `pipeline('text-classification', dir)` and the serving package load unchanged:
 *
 * ```text
 * outDir/config.json              DistilBertForSequenceClassification, multi_label_classification, id2label
 * outDir/tokenizer.json           + tokenizer_config.json (+ vocab.txt, special_tokens_map.json when present)
 * outDir/thresholds.json          per-label thresholds
 * outDir/calibration-curves.json  precision, recall, predicted-positive rate per threshold (when calibrated)
 * outDir/export.json              how the graphs were built, with their sizes and SHA-256
 * outDir/onnx/model.onnx          float32 graph: input_ids, attention_mask (int64 [batch, seq]) → logits
 * outDir/onnx/model_quantized.onnx  int8 weights (with quantize: 'int8')
 * ```
 *
 * Pure Node: the graph is built from the safetensors weights without TensorFlow.js. Both graphs pool as the model
 * was trained (`config.json` → `mangaassist_head.pooling`: [CLS], or the mean over `attention_mask`) and add the
 * wide n-gram logits when the head has them (`mangaassist_head.wide`; tables float32 in the int8 graph too), and
 * mix in the n-gram ensemble when the model has one (`mangaassist_head.ngram_ensemble`, over WordPiece or word
 * n-grams; likewise float32), so that `logits` are what `MultiLabelClassifier.apply` serves; `export.json` records
 * all three.
 *
 * @example
 * ```ts
 * const result = exportClassifier({ modelDir: 'runs/quickstart/model', outDir: 'runs/quickstart/onnx', quantize: 'int8' });
 * console.log(result.model.bytes, result.quantized?.bytes);
 * ```
 */
export function exportClassifier(options: ExportOptions): ExportResult {
  const quantize = options.quantize ?? 'none';
  if (!QUANTIZE_MODES.includes(quantize)) {
    throw new RangeError(`quantize must be one of ${QUANTIZE_MODES.join(', ')}; got ${JSON.stringify(quantize)}`);
  }
  const fusion = options.fusion ?? 'contrib';
  // Checked before any file is written: the server would refuse the id at startup.
  if (options.modelId !== undefined) modelIdFromConfig({ [MODEL_ID_CONFIG_KEY]: options.modelId }, 'modelId');
  const model = readClassifierModelDir(options.modelDir);
  const head = options.head ?? resolveClassifierHead(model.weights, model.dims.dim, model.labels.length);
  const configFile = join(options.modelDir, CONFIG_FILE);
  const pooling = headPooling(model.config, configFile);
  const savedWide = headWide(model.config, configFile);
  const wide: WideGraphOptions | undefined = savedWide ? { buckets: savedWide.buckets, bigrams: savedWide.bigrams } : undefined;
  const ngramEnsemble: Required<NgramEnsembleGraphOptions> | undefined = headNgramEnsemble(model.config, configFile);
  mkdirSync(join(options.outDir, 'onnx'), { recursive: true });

  const graphOptions = { fusion, reduceRange: options.reduceRange ?? false, pooling, ...(wide ? { wide } : {}), ...(ngramEnsemble ? { ngramEnsemble } : {}) };
  const fp32 = writeGraph(
    join(options.outDir, 'onnx', 'model.onnx'),
    encodeModel(buildClassifierModel(model.weights, model.dims, head, { ...graphOptions, precision: 'fp32' })),
  );
  const int8 =
    quantize === 'int8'
      ? writeGraph(
          join(options.outDir, 'onnx', 'model_quantized.onnx'),
          encodeModel(buildClassifierModel(model.weights, model.dims, head, { ...graphOptions, precision: 'int8' })),
        )
      : undefined;

  const files = ['onnx/model.onnx', ...(int8 ? ['onnx/model_quantized.onnx'] : [])];
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  const config = { ...exportConfig(model), ...(options.modelId !== undefined ? { [MODEL_ID_CONFIG_KEY]: options.modelId } : {}) };
  writeFileAtomically(join(options.outDir, CONFIG_FILE), json(config));
  files.push(CONFIG_FILE, ...copyTokenizerFiles(model, options.outDir));
  const thresholds = thresholdsToShip(model.labels, options.thresholdsFile ?? join(options.modelDir, THRESHOLDS_FILE));
  writeFileAtomically(join(options.outDir, THRESHOLDS_FILE), json(thresholds.contents));
  // The calibration curves travel with the thresholds they came from (the console's what-if reads them); a stale copy
  // from an earlier export into the same folder must not describe another model.
  const curves = readOptionalCalibrationCurves(options.thresholdsFile ? dirname(options.thresholdsFile) : options.modelDir, model.labels);
  if (curves) writeCalibrationCurvesFile(options.outDir, curves);
  else rmSync(join(options.outDir, CALIBRATION_CURVES_FILE), { force: true });
  const describeGraph = (g: ExportedGraph) => ({ file: relative(options.outDir, g.file), bytes: g.bytes, sha256: g.sha256 });
  writeFileAtomically(
    join(options.outDir, 'export.json'),
    json({
      source: options.modelDir,
      opset: EXPORT_OPSET,
      fusion,
      head,
      pooling,
      wide: wide
        ? {
            buckets: wide.buckets,
            bigrams: wide.bigrams,
            tensors: [WIDE_UNIGRAM_TENSOR, ...(wide.bigrams ? [WIDE_BIGRAM_TENSOR] : [])],
            bigramHash: wide.bigrams ? WIDE_BIGRAM_HASH_FORMULA : null,
            scale: '1 / sqrt(number of positions with attention_mask 1)',
            precision: 'float32',
          }
        : null,
      ngramEnsemble: ngramEnsemble ? describeNgramEnsemble(ngramEnsemble) : null,
      labels: model.labels,
      thresholds: thresholds.source,
      graphs: [describeGraph(fp32), ...(int8 ? [describeGraph(int8)] : [])],
      quantization: int8
        ? {
            scheme: 'dynamic int8: weights symmetric per output column, activations uint8 per call',
            weightLevels: options.reduceRange ? 63 : 127,
            head: 'float32',
          }
        : null,
    }),
  );
  files.push(THRESHOLDS_FILE, ...(curves ? [CALIBRATION_CURVES_FILE] : []), 'export.json');
  return { outDir: options.outDir, labels: model.labels, head, pooling, wide, ngramEnsemble, model: fp32, quantized: int8, thresholds: thresholds.source, files };
}

const NGRAM_ENSEMBLE_MIXING =
  'logit(clip((1 - weight) * sigmoid(deep + wide logits) + weight * sigmoid(n-gram sum + bias), epsilon, 1 - epsilon))';

/**
 * The n-gram ensemble's entry of `export.json`. A `wordpieces` ensemble is described as before `words` existed
 * (no `features` key, which means `wordpieces` as in `config.json`), so that its `export.json` stays byte-identical;
 * a `words` ensemble says so and lists its own tensors and formulas.
 */
function describeNgramEnsemble(ensemble: SavedNgramEnsemble): Record<string, unknown> {
  if (ensemble.features === 'words') {
    return {
      weight: ensemble.weight,
      buckets: ensemble.buckets,
      features: 'words',
      tensors: [NGRAM_ENSEMBLE_WORD_TENSOR, NGRAM_ENSEMBLE_WORD_IDF_TENSOR, NGRAM_ENSEMBLE_PIECE_CODES_TENSOR, NGRAM_ENSEMBLE_CONTINUATION_TENSOR, NGRAM_ENSEMBLE_BIAS_TENSOR],
      words: 'a position with attention_mask 1 starts a word unless its id is a continuation piece (the first such position always does)',
      wordBucket: '(sum of the codes of its pieces) mod buckets',
      bigramHash: `buckets + (first_word_bucket * ${WORD_BIGRAM_MULTIPLIER} + second_word_bucket) mod buckets`,
      scale: 'TF-IDF: count * idf of each feature, the row scaled to unit L2 norm',
      mixing: NGRAM_ENSEMBLE_MIXING,
      epsilon: NGRAM_ENSEMBLE_PROBABILITY_EPSILON,
      precision: 'float32',
    };
  }
  return {
    weight: ensemble.weight,
    buckets: ensemble.buckets,
    tensors: [NGRAM_ENSEMBLE_UNIGRAM_TENSOR, NGRAM_ENSEMBLE_BIGRAM_TENSOR, NGRAM_ENSEMBLE_BIAS_TENSOR],
    bigramHash: WIDE_BIGRAM_HASH_FORMULA,
    scale: '1 / sqrt(number of positions with attention_mask 1)',
    mixing: NGRAM_ENSEMBLE_MIXING,
    epsilon: NGRAM_ENSEMBLE_PROBABILITY_EPSILON,
    precision: 'float32',
  };
}
