import type { RawRow } from './raw-row';

/**
 * Splits JSON Lines content into raw rows: one JSON object per non-blank line, fields picked by name. A line that
 * is not a JSON object becomes a row with `error` so that the caller can fail or skip it with its line number.
 */
export function jsonlRows(content: string, textField: string, labelsField: string): RawRow[] {
  const rows: RawRow[] = [];
  const lines = content.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const source = lines[index] as string;
    // A UTF-8 byte order mark survives readFileSync and would make the first line invalid JSON.
    const trimmed = (index === 0 ? source.replace(/^\uFEFF/, '') : source).trim();
    if (trimmed.length === 0) continue;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      rows.push({ line, error: `not valid JSON (${(error as Error).message})` });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      rows.push({ line, error: `expected a JSON object with "${textField}" and "${labelsField}", got ${Array.isArray(value) ? 'an array' : typeof value}` });
      continue;
    }
    const record = value as Record<string, unknown>;
    rows.push({ line, id: record['id'], text: record[textField], labels: record[labelsField] });
  }
  return rows;
}
