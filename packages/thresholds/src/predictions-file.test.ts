import { isMangaAssistError } from '@mangaassist/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPredictionsJsonl } from './predictions-file';

function file(lines: string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'predictions-')), 'val.jsonl');
  writeFileSync(path, lines.join('\n'));
  return path;
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isMangaAssistError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

describe('readPredictionsJsonl', () => {
  it('reads rows in the first line label order with multi-hot targets', () => {
    const path = file([
      '{"probabilities": {"frustration": 0.9, "neutral": 0.1}, "labels": ["frustration"]}',
      '',
      '{"probabilities": {"neutral": 0.7, "frustration": 0.2}, "labels": ["neutral"]}',
    ]);
    expect(readPredictionsJsonl(path)).toEqual({
      labels: ['frustration', 'neutral'],
      probabilities: [
        [0.9, 0.1],
        [0.2, 0.7],
      ],
      targets: [
        [1, 0],
        [0, 1],
      ],
    });
  });

  it('names the file and line of a bad row', () => {
    const first = '{"probabilities": {"frustration": 0.9, "neutral": 0.1}, "labels": []}';
    expect(message(() => readPredictionsJsonl(file([first, '{"probabilities": {"frustration": 0.9}, "labels": []}'])))).toMatch(
      /val\.jsonl line 2: "probabilities" must give exactly the labels of line 1 \(frustration, neutral\); missing neutral/,
    );
    expect(message(() => readPredictionsJsonl(file([first, '{"probabilities": {"frustration": 1.5, "neutral": 0}, "labels": []}'])))).toContain(
      'line 2: probabilities.frustration must be a number in [0, 1], got 1.5',
    );
    expect(message(() => readPredictionsJsonl(file([first, '{"probabilities": {"frustration": 1, "neutral": 0}, "labels": ["anger"]}'])))).toContain(
      'line 2: "labels" has anger; allowed: frustration, neutral',
    );
    expect(message(() => readPredictionsJsonl(file(['{oops'])))).toContain('line 1: not valid JSON');
    expect(message(() => readPredictionsJsonl(file(['', ' '])))).toContain('no prediction rows');
  });
});
