import { MangaAssistError } from '@mangaassist/common';
import { readDistilBertCheckpoint, encoderWeightsFromTensors, type EncoderCheckpoint } from './distilbert-checkpoint';
import { parseDistilBertConfig, type DistilBertConfig, type SafetensorsTensor } from '@mangaassist/model-format';
import { DistilBertEncoder, type EncoderOptions } from './distilbert-encoder';

/**
 * What the loader needs to know about one `model_type`: how to read its config, pick its encoder tensors out of
 * a checkpoint and build the encoder. Only DistilBERT is implemented; a new family is one entry in
 * {@link MODEL_FAMILIES}, never a new branch in the loader.
 */
export interface ModelFamily {
  readonly modelType: string;
  /** The prefix its task models put before encoder tensors (`distilbert.`). */
  readonly checkpointPrefix: string;
  parseConfig(raw: unknown, file: string): DistilBertConfig;
  readCheckpoint(file: string, config: DistilBertConfig): EncoderCheckpoint;
  weightsFromTensors(tensors: ReadonlyMap<string, SafetensorsTensor>, config: DistilBertConfig, file: string): EncoderCheckpoint;
  createEncoder(config: DistilBertConfig, weights: ReadonlyMap<string, Float32Array>, options?: EncoderOptions): DistilBertEncoder;
}

const distilbert: ModelFamily = {
  modelType: 'distilbert',
  checkpointPrefix: 'distilbert.',
  parseConfig: parseDistilBertConfig,
  readCheckpoint: readDistilBertCheckpoint,
  weightsFromTensors: encoderWeightsFromTensors,
  createEncoder: (config, weights, options) => new DistilBertEncoder(config, weights, options),
};

/**
 * Model families by `model_type` (the field of Hugging Face's `config.json`).
 *
 * @example
 * ```ts
 * [...MODEL_FAMILIES.keys()]; // ['distilbert']
 * ```
 */
export const MODEL_FAMILIES: ReadonlyMap<string, ModelFamily> = new Map([[distilbert.modelType, distilbert]]);

/**
 * The family for a parsed `config.json`.
 *
 * @throws MangaAssistError `CHECKPOINT_INVALID` naming the file, the model_type found and the supported ones
 *
 * @example
 * ```ts
 * const family = modelFamilyFor(JSON.parse(readFileSync(file, 'utf8')), file);
 * const config = family.parseConfig(raw, file);
 * ```
 */
export function modelFamilyFor(rawConfig: unknown, file: string): ModelFamily {
  const modelType = (rawConfig as { model_type?: unknown } | null)?.model_type;
  const supported = [...MODEL_FAMILIES.keys()].join(', ');
  const family = typeof modelType === 'string' ? MODEL_FAMILIES.get(modelType) : undefined;
  if (!family) {
    const found = modelType === undefined ? 'no model_type' : `unknown model_type ${JSON.stringify(modelType)}`;
    throw new MangaAssistError('CHECKPOINT_INVALID', `${file}: ${found}; supported: ${supported}`, {
      file,
      field: 'model_type',
      value: modelType,
      allowed: [...MODEL_FAMILIES.keys()],
    });
  }
  return family;
}
