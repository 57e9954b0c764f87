import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Example } from './types';

/**
 * Writes examples as JSON Lines (`{"id", "text", "labels"}` per line), creating the folder if needed; the format
 * {@link readDataset} reads back unchanged.
 *
 * @example
 * ```ts
 * writeJsonl('data/generated.jsonl', generateCorpus({ n: 5000, seed: 7 }).examples);
 * ```
 */
export function writeJsonl(path: string, examples: readonly Example[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const lines = examples.map((example) =>
    JSON.stringify(example.id === undefined ? { text: example.text, labels: example.labels } : { id: example.id, text: example.text, labels: example.labels }),
  );
  writeFileSync(path, lines.length > 0 ? `${lines.join('\n')}\n` : '');
}
