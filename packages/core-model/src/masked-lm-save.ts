import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encoderConfigWithoutHead, TOKENIZER_FILE, TOKENIZER_FILES } from '@mangaassist/model-format';
import type { DistilBertMaskedLm } from './masked-lm';
import { writeModelFiles } from './model-files';

/** `architectures[0]` of a saved masked-LM model, as Hugging Face names the class. */
export const MASKED_LM_ARCHITECTURE = 'DistilBertForMaskedLM';

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
  await writeModelFiles(dir, model.namedVariables(), {
    ...encoderConfigWithoutHead(model.encoder.config),
    architectures: [MASKED_LM_ARCHITECTURE],
    tie_word_embeddings: true,
  });
  const source = model.sourceDir;
  if (source && existsSync(join(source, TOKENIZER_FILE))) {
    for (const file of TOKENIZER_FILES) {
      // Continuing a model in its own directory: the files are already there. Contents only: a read-only source
      // (the shared assets) must not make the copy read-only.
      if (existsSync(join(source, file)) && resolve(source, file) !== resolve(dir, file)) writeFileSync(join(dir, file), readFileSync(join(source, file)));
    }
  } else {
    model.tokenizer.save(dir);
  }
}
