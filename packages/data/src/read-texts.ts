import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { MangaAssistError, TEXT_CORPUS_FORMATS } from '@mangaassist/common';
import { parseDelimited } from './formats/delimited';

/** A format {@link readTexts} understands: `text` (one per line), `jsonl`, `csv`, `tsv`. */
export type TextCorpusFormat = (typeof TEXT_CORPUS_FORMATS)[number];

/** Options of {@link readTexts}. */
export interface ReadTextsOptions {
  /** Default: from the extension (`.txt`, `.jsonl`/`.ndjson`, `.csv`, `.tsv`). */
  readonly format?: TextCorpusFormat;
  /** Field (JSONL) or header (CSV/TSV) holding the text; default `text`. */
  readonly textColumn?: string;
}

/** What {@link readTexts} returns. */
export interface ReadTextsResult {
  /** The non-blank texts, trimmed, in file order. */
  readonly texts: string[];
  /** Rows whose text was blank (left out). */
  readonly blank: number;
  readonly format: TextCorpusFormat;
}

const BY_EXTENSION: Record<string, TextCorpusFormat> = { '.txt': 'text', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.csv': 'csv', '.tsv': 'tsv' };

function invalid(path: string, message: string, details: Record<string, unknown> = {}): MangaAssistError {
  return new MangaAssistError('DATA_INVALID', `${path}: ${message}`, { file: path, ...details });
}

/**
 * Reads unlabelled text for masked-LM pretraining: a text per line (`text`), the `textColumn` field of each JSON
 * Lines object, or the `textColumn` column of a CSV/TSV file with a header (GoEmotions' `train.tsv` reads as `tsv`).
 * Blank texts are left out and counted; anything else unreadable fails naming the file, the line and the field.
 *
 * @throws MangaAssistError `NOT_FOUND` for a missing file; `INVALID_ARGUMENT` for an unknown format or extension
 *   (with the allowed ones); `DATA_INVALID` for a missing column (with the columns found) or a bad line
 *
 * @example
 * ```ts
 * const { texts } = readTexts('../shared/data/goemotions/train.tsv'); // the `text` column
 * const chats = readTexts('chats.jsonl', { textColumn: 'message' }).texts;
 * ```
 */
export function readTexts(path: string, options: ReadTextsOptions = {}): ReadTextsResult {
  const format = options.format ?? BY_EXTENSION[extname(path).toLowerCase()];
  if (format === undefined || !(TEXT_CORPUS_FORMATS as readonly string[]).includes(format)) {
    const what = options.format === undefined ? `cannot tell the format of ${path} from its extension (known: ${Object.keys(BY_EXTENSION).join(', ')})` : `unknown text format "${options.format}" for ${path}`;
    throw new MangaAssistError('INVALID_ARGUMENT', `${what}; allowed formats: ${TEXT_CORPUS_FORMATS.join(', ')}`, {
      file: path,
      field: 'format',
      allowed: TEXT_CORPUS_FORMATS,
    });
  }
  let content: string;
  try {
    content = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new MangaAssistError('NOT_FOUND', `cannot read text file ${path}: ${(error as Error).message}`, { file: path }, { cause: error });
  }
  const column = options.textColumn ?? 'text';
  const raw = format === 'text' ? lines(content) : format === 'jsonl' ? jsonlTexts(content, path, column) : delimitedTexts(content, format, path, column);
  const texts = raw.map((t) => t.trim()).filter((t) => t.length > 0);
  return { texts, blank: raw.length - texts.length, format };
}

function lines(content: string): string[] {
  const all = content.split(/\r?\n/);
  // The newline that ends the last line does not start an empty one.
  if (all.at(-1) === '') all.pop();
  return all;
}

function jsonlTexts(content: string, path: string, field: string): string[] {
  const texts: string[] = [];
  content.split(/\r?\n/).forEach((source, index) => {
    const line = source.trim();
    if (line.length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw invalid(path, `line ${index + 1}: not valid JSON (${(error as Error).message})`, { line: index + 1 });
    }
    const text = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[field] : undefined;
    if (typeof text !== 'string') {
      throw invalid(path, `line ${index + 1}: expected an object with a string "${field}" (set textColumn to the field holding the text)`, {
        line: index + 1,
        field,
      });
    }
    texts.push(text);
  });
  return texts;
}

function delimitedTexts(content: string, format: 'csv' | 'tsv', path: string, column: string): string[] {
  const { header, records } = parseDelimited(content, format === 'csv' ? ',' : '\t', path, false);
  if (!header.includes(column)) {
    throw invalid(path, `missing column "${column}" (found: ${header.join(', ') || 'none'}); set textColumn`, { field: column, allowed: header });
  }
  return records.map(({ cells }) => cells[column] ?? '');
}
