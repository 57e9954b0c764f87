import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';
import {
  BERT_TOKENIZER_CONFIG_DEFAULTS,
  headMaxLength,
  labelMaps,
  MULTI_LABEL_PROBLEM_TYPE,
  readJsonFile,
  SEQUENCE_CLASSIFICATION_ARCHITECTURE,
  SPECIAL_TOKENS_MAP_FILE,
  TOKENIZER_CONFIG_FILE,
  TOKENIZER_FILE,
  VOCAB_FILE,
} from '@mangaassist/model-format';
import type { ClassifierModelDir } from './model-dir';

/** Tokenizer files copied unchanged when present (`tokenizer.json` is required, `tokenizer_config.json` rewritten). */
const OPTIONAL_TOKENIZER_FILES = [SPECIAL_TOKENS_MAP_FILE, VOCAB_FILE];

/**
 * The `config.json` transformers.js needs: the source config plus the sequence-classification architecture, the
 * multi-label problem type (so its pipeline applies a sigmoid, not a softmax) and both label maps. The source's
 * `mangaassist_head` (head shape, token limit, pooling) is kept, so the export still says how it pools.
 *
 * @example
 * ```ts
 * writeFileSync('out/config.json', JSON.stringify(exportConfig(model), null, 2));
 * ```
 */
export function exportConfig(model: ClassifierModelDir): Record<string, unknown> {
  return {
    ...model.config,
    model_type: 'distilbert',
    architectures: [SEQUENCE_CLASSIFICATION_ARCHITECTURE],
    problem_type: MULTI_LABEL_PROBLEM_TYPE,
    ...labelMaps(model.labels),
  };
}

/**
 * Copies `tokenizer.json` and the optional vocabulary files, and writes a `tokenizer_config.json` that
 * transformers.js understands: transformers 5 saves `tokenizer_class: "TokenizersBackend"`, which older readers do
 * not know, and an unbounded `model_max_length`; the export names the BERT WordPiece class and sets the length to
 * the training token limit (else the model's position embeddings), so transformers.js truncates where training did. Returns the written file names.
 *
 * @example
 * ```ts
 * copyTokenizerFiles(model, 'out'); // ['tokenizer.json', 'tokenizer_config.json', 'vocab.txt']
 * ```
 */
export function copyTokenizerFiles(model: ClassifierModelDir, outDir: string): string[] {
  const tokenizerFile = join(model.dir, TOKENIZER_FILE);
  if (!existsSync(tokenizerFile)) {
    throw new MangaAssistError('NOT_FOUND', `${tokenizerFile} does not exist: the export needs the model's tokenizer`, {
      file: tokenizerFile,
    });
  }
  copyFileSync(tokenizerFile, join(outDir, TOKENIZER_FILE));
  const written = [TOKENIZER_FILE];
  const configFile = join(model.dir, TOKENIZER_CONFIG_FILE);
  const source = existsSync(configFile) ? readJsonFile(configFile) : {};
  const tokenizerClass = source.tokenizer_class;
  const config = {
    ...BERT_TOKENIZER_CONFIG_DEFAULTS,
    ...source,
    tokenizer_class:
      typeof tokenizerClass === 'string' && tokenizerClass !== 'TokenizersBackend' ? tokenizerClass : 'DistilBertTokenizer',
    model_max_length: headMaxLength(model.config, model.dims.maxPositions) ?? model.dims.maxPositions,
  };
  writeFileSync(join(outDir, TOKENIZER_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  written.push(TOKENIZER_CONFIG_FILE);
  for (const name of OPTIONAL_TOKENIZER_FILES) {
    if (existsSync(join(model.dir, name))) {
      copyFileSync(join(model.dir, name), join(outDir, name));
      written.push(name);
    }
  }
  return written;
}
