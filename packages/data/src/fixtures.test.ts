import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LABELS } from '@mangaassist/common';
import { HANDWRITTEN_SLICE_FILES } from './handwritten-slices';
import { readDataset } from './read-dataset';

const root = join(__dirname, '..');

// The README's table of hand-written label counts, parsed so that file and documentation cannot drift apart.
function readmeCounts(file: string): Record<string, number> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const header = readme.split('\n').find((line) => line.startsWith('| file | messages |'));
  const row = readme.split('\n').find((line) => line.startsWith(`| ${file} |`));
  if (!header || !row) throw new Error(`README.md has no label-count row for ${file}`);
  const cells = (line: string) => line.split('|').slice(1, -1).map((cell) => cell.trim());
  const names = cells(header);
  return Object.fromEntries(cells(row).slice(1).map((value, i) => [names[i + 1]!, Number(value.replace(',', ''))]));
}

describe.each(Object.values(HANDWRITTEN_SLICE_FILES))('fixtures/%s', (file) => {
  const { dataset, skipped } = readDataset(join(root, 'fixtures', file));

  it('is valid in strict mode, with unique ids and texts', () => {
    expect(skipped).toBe(0);
    expect(new Set(dataset.examples.map((e) => e.id)).size).toBe(dataset.examples.length);
    expect(new Set(dataset.examples.map((e) => e.text.toLowerCase())).size).toBe(dataset.examples.length);
  });

  it('matches the label counts documented in the README', () => {
    const count = (label: string) => dataset.examples.filter((e) => e.labels.includes(label)).length;
    const expected = readmeCounts(file);
    expect({
      messages: dataset.examples.length,
      ...Object.fromEntries(DEFAULT_LABELS.map((label) => [label, count(label)])),
      'multi-label': dataset.examples.filter((e) => e.labels.length > 1).length,
    }).toEqual(expected);
  });
});

it('the development slice has at least 150 messages', () => {
  expect(readDataset(join(root, 'fixtures', 'handwritten-eval.jsonl')).dataset.examples.length).toBeGreaterThanOrEqual(150);
});
