/**
 * Reads the labels cell of a CSV/TSV row: a JSON array (`["frustration","urgency"]`) or names separated by commas,
 * semicolons, pipes or spaces (`frustration|urgency`). Label names are lower snake case, so these separators are
 * never part of a name. An empty cell is an empty list.
 *
 * @example
 * ```ts
 * parseLabelsCell('frustration; urgency'); // ['frustration', 'urgency']
 * ```
 */
export function parseLabelsCell(cell: string): unknown {
  const trimmed = cell.trim();
  if (trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return trimmed;
    }
  }
  return trimmed.length === 0 ? [] : trimmed.split(/[\s,;|]+/).filter((name) => name.length > 0);
}
