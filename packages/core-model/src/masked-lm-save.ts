import { copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeSafetensors, type SafetensorsInput } from '@mangaassist/common';
import { STALE_CONFIG_KEYS } from './classifier-save';
import type { DistilBertMaskedLm } from './masked-lm';

/** `architectures[0]` of a saved masked-LM model, as Hugging Face names the class. */
export const MASKED_LM_ARCHITECTURE = 'DistilBertForMaskedLM';

/** Tokenizer files copied unchanged from the source directory when it has them. */
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'vocab.txt', 'special_tokens_map.json'];

/**
 * Writes `model` as Hugging Face's `save_pretrained` writes a `DistilBertForMaskedLM`: `config.json` (the encoder's
 * config, `architectures: ["DistilBertForMaskedLM"]`, `tie_word_embeddings: true`, keys of a previous task head
 * removed), `model.safetensors` (float32: `distilbert.*` and the head, the tied `vocab_projector.weight` left out)
 * and the tokenizer files, copied from the source directory (written from the tokenizer when it had no
 * `tokenizer.json`). `loadMaskedLm(dir)` restores every tensor; `fromPretrained(dir)` and a training job's
 * `model.pretrained` read the encoder from it unchanged.
 *
 * @example
 * ```ts
 * await saveMaskedLm(model, 'runs/dapt/model');
 * ```
 */
export async function saveMaskedLm(model: DistilBertMaskedLm, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tensors = new Map<string, SafetensorsInput>();
  for (const [name, variable] of model.namedVariables()) {
    tensors.set(name, { shape: variable.shape, data: (await variable.data()) as Float32Array });
  }
  writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
  const encoderConfig = Object.fromEntries(Object.entries(model.encoder.config).filter(([k]) => !STALE_CONFIG_KEYS.includes(k)));
  const config = { ...encoderConfig, architectures: [MASKED_LM_ARCHITECTURE], tie_word_embeddings: true };
  const temporary = join(dir, `.config.json.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`);
  renameSync(temporary, join(dir, 'config.json'));
  const source = model.sourceDir;
  if (source && existsSync(join(source, 'tokenizer.json'))) {
    for (const file of TOKENIZER_FILES) {
      // Continuing a model in its own directory: the files are already there.
      if (existsSync(join(source, file)) && resolve(source, file) !== resolve(dir, file)) copyFileSync(join(source, file), join(dir, file));
    }
  } else {
    model.tokenizer.save(dir);
  }
}
