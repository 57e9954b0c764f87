import { join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';
import { CONFIG_FILE, readSafetensors, WordPieceTokenizer, type DistilBertConfig, type SafetensorsTensor } from '@mangaassist/model-format';
import { resolvePretrainedDir } from './hub-download';
import { DistilBertMaskedLm } from './masked-lm';
import { initMaskedLmHeadWeights, maskedLmHeadSpecs } from './masked-lm-head';
import { assertTfjsBackend, checkVocabulary, readModelConfig, weightsFile, type FromPretrainedOptions } from './pretrained';

/** Options of {@link loadMaskedLm}. */
export type LoadMaskedLmOptions = FromPretrainedOptions;

function invalid(file: string, message: string, details: Record<string, unknown>): MangaAssistError {
  return new MangaAssistError('CHECKPOINT_INVALID', `${file}: ${message}`, { file, ...details });
}

/**
 * The MLM head's tensors from a state dict: all of them (`loaded`), or none (`initialized` from `seed`, for
 * checkpoints without a head); a partial head is an error, as is a wrong shape or dtype.
 */
function headWeightsFrom(
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  config: DistilBertConfig,
  file: string,
  seed: number,
): { weights: Map<string, Float32Array>; head: 'loaded' | 'initialized' } {
  const specs = maskedLmHeadSpecs(config);
  const present = specs.filter((s) => tensors.has(s.name));
  if (present.length === 0) return { weights: initMaskedLmHeadWeights(config, seed), head: 'initialized' };
  const missing = specs.filter((s) => !tensors.has(s.name));
  if (missing.length > 0) {
    throw invalid(file, `has part of a masked-LM head; missing ${missing.map((s) => `"${s.name}" [${s.shape.join(', ')}]`).join(', ')}`, {
      tensor: missing[0]!.name,
    });
  }
  const weights = new Map<string, Float32Array>();
  for (const s of specs) {
    const tensor = tensors.get(s.name)!;
    if (!(tensor.data instanceof Float32Array) || tensor.shape.join() !== s.shape.join()) {
      throw invalid(file, `tensor "${s.name}" is ${tensor.dtype} [${tensor.shape.join(', ')}]; the config requires float [${s.shape.join(', ')}]`, {
        tensor: s.name,
      });
    }
    weights.set(s.name, tensor.data);
  }
  return { weights, head: 'loaded' };
}

/**
 * Loads DistilBERT with its masked-LM head from a Hugging Face directory or hub id: a `DistilBertForMaskedLM`
 * (distilbert-base-uncased, the mini stand-in, a directory this project saved) loads whole; a checkpoint without the
 * head (a bare `DistilBertModel`, a fine-tuned classifier) gets a new head initialised from `seed` (the report says
 * `head: 'initialized'`). The projector is tied to the word embeddings, as `tie_word_embeddings` (Hugging Face's
 * default) says; a `vocab_projector.weight` stored anyway is ignored, as Hugging Face's tying ignores it. A
 * TensorFlow.js backend must be selected first.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming the file and field or tensor: `tie_word_embeddings: false`
 *   (an untied projector is not supported), part of a head missing, a wrong shape; `NOT_FOUND` for a missing file
 *
 * @example
 * ```ts
 * await selectTfjsBackend();
 * const model = await loadMaskedLm('../shared/models/mini-distilbert-mlm');
 * model.report?.head; // 'loaded'
 * ```
 */
export async function loadMaskedLm(idOrDir: string, options: LoadMaskedLmOptions = {}): Promise<DistilBertMaskedLm> {
  assertTfjsBackend('loadMaskedLm');
  const dir = await resolvePretrainedDir(idOrDir, options);
  const { raw, family, config } = readModelConfig(dir);
  if (raw.tie_word_embeddings === false) {
    throw invalid(join(dir, CONFIG_FILE), 'tie_word_embeddings is false; only a projector tied to the word embeddings is supported (allowed: true)', {
      field: 'tie_word_embeddings',
      allowed: [true],
    });
  }
  const file = weightsFile(dir);
  const { tensors } = readSafetensors(file);
  const { weights, report } = family.weightsFromTensors(tensors, config, file);
  const head = headWeightsFrom(tensors, config, file, options.seed ?? 0);
  const tokenizer = WordPieceTokenizer.fromDirectory(dir);
  checkVocabulary(tokenizer, config, dir);
  const encoder = family.createEncoder(config, weights, options);
  // A stored tied projector stays listed as ignored: the embedding table is what the head uses.
  const ignored = head.head === 'loaded' ? report.ignored.filter((name) => !head.weights.has(name)) : report.ignored;
  try {
    return new DistilBertMaskedLm({
      encoder,
      tokenizer,
      headWeights: head.weights,
      sourceDir: dir,
      report: { ...report, ignored, head: head.head },
    });
  } catch (error) {
    encoder.dispose();
    throw error;
  }
}
