import { DATA_FORMATS, MangaAssistError } from '@mangaassist/common';
import { extname } from 'node:path';
import type { DatasetFormat } from '../types';

const BY_EXTENSION: Record<string, DatasetFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
  '.tsv': 'tsv',
};

/**
 * The format of a dataset file: the explicit one when given, else from the extension (`.jsonl`/`.ndjson`, `.csv`,
 * `.tsv`). GoEmotions files are `.tsv` too, so that format is only chosen explicitly.
 *
 * @example
 * ```ts
 * detectFormat('data/train.csv'); // 'csv'
 * detectFormat('dev.tsv', 'goemotions'); // 'goemotions'
 * ```
 */
export function detectFormat(path: string, format?: DatasetFormat): DatasetFormat {
  if (format !== undefined) {
    if (!(DATA_FORMATS as readonly string[]).includes(format)) {
      throw new MangaAssistError('INVALID_ARGUMENT', `unknown dataset format "${format}" for ${path} (allowed: ${DATA_FORMATS.join(', ')})`, {
        field: 'format',
        allowed: DATA_FORMATS,
      });
    }
    return format;
  }
  const detected = BY_EXTENSION[extname(path).toLowerCase()];
  if (detected === undefined) {
    throw new MangaAssistError(
      'INVALID_ARGUMENT',
      `cannot tell the format of ${path} from its extension (known: ${Object.keys(BY_EXTENSION).join(', ')}); pass format (${DATA_FORMATS.join(', ')})`,
      { file: path, field: 'format', allowed: DATA_FORMATS },
    );
  }
  return detected;
}
