import { parse, type CsvError, type InfoRecord } from 'csv-parse/sync';
import { MangaAssistError } from '@mangaassist/common';
import type { RawRow } from './raw-row';

/** A delimited file's records as string maps keyed by header, with the 1-based line each record starts on. */
export interface DelimitedRecords {
  readonly header: readonly string[];
  readonly records: ReadonlyArray<{ readonly line: number; readonly cells: Readonly<Record<string, string>> }>;
  /** Records that could not be parsed (wrong column count, stray quotes) when `lenient` is on. */
  readonly broken: RawRow[];
}

/**
 * Parses CSV or TSV with a header row (RFC 4180 quoting: `""` escapes a quote, quoted fields may span lines).
 * Strict mode throws `DATA_INVALID` naming the file and line of the first malformed record; lenient mode returns
 * malformed records in `broken`.
 */
export function parseDelimited(content: string, delimiter: ',' | '\t', path: string, lenient: boolean): DelimitedRecords {
  const broken: RawRow[] = [];
  let header: string[] = [];
  let parsed: Array<{ record: Record<string, string>; info: InfoRecord }>;
  try {
    parsed = parse(content, {
      delimiter,
      columns: (names: string[]) => {
        header = names.map((name) => name.trim());
        return header;
      },
      bom: true,
      info: true,
      skip_empty_lines: true,
      // Tab-separated exports (pandas, spreadsheets) leave quotes inside unquoted fields as they are.
      relax_quotes: delimiter === '\t',
      skip_records_with_error: lenient,
      on_skip: (error: CsvError | undefined) => {
        if (error) broken.push({ line: Number(error['lines'] ?? 0), error: error.message });
      },
    }) as Array<{ record: Record<string, string>; info: InfoRecord }>;
  } catch (error) {
    const csvError = error as CsvError;
    const line = csvError['lines'];
    throw new MangaAssistError(
      'DATA_INVALID',
      `${path}${line !== undefined ? ` line ${String(line)}` : ''}: ${csvError.message}`,
      { file: path, line },
      { cause: error },
    );
  }
  const records = parsed.map(({ record, info }) => {
    // info.lines is where the record ends; quoted newlines inside its cells tell how far back it started.
    const innerNewlines = Object.values(record).reduce((sum, cell) => sum + (cell.match(/\n/g)?.length ?? 0), 0);
    return { line: info.lines - innerNewlines, cells: record };
  });
  return { header, records, broken };
}
