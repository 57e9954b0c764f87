import { isMangaAssistError } from '@mangaassist/common';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readThresholdsFile, resolveThresholds, THRESHOLDS_FILE, writeThresholdsFile } from './thresholds-file';

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('thresholds.json', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'thresholds-file-'));

  it('round-trips through write and resolve, leaving no temporary file', () => {
    const modelDir = dir();
    const thresholds = { frustration: 0.305, satisfaction: 0.123456789012345 };
    const path = writeThresholdsFile(modelDir, {
      version: 1,
      strategy: 'fbeta-sweep',
      createdAt: '2024-01-01T00:00:00.000Z',
      thresholds,
      details: { frustration: { metric: 'F2', score: 0.8 } },
    });
    expect(path).toBe(join(modelDir, THRESHOLDS_FILE));
    expect(resolveThresholds(modelDir)).toEqual(thresholds);
    expect(readThresholdsFile(modelDir).details.frustration).toEqual({ metric: 'F2', score: 0.8 });
    expect(readdirSync(modelDir)).toEqual([THRESHOLDS_FILE]);
  });

  it('throws NOT_FOUND naming the file when absent', () => {
    const modelDir = dir();
    const error = captured(() => resolveThresholds(modelDir));
    expect(isMangaAssistError(error, 'NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain(join(modelDir, THRESHOLDS_FILE));
  });

  it('throws DATA_INVALID naming the bad field', () => {
    const modelDir = dir();
    writeFileSync(join(modelDir, THRESHOLDS_FILE), JSON.stringify({ version: 1, strategy: 's', createdAt: 'x', thresholds: { frustration: 1.5 } }));
    const error = captured(() => resolveThresholds(modelDir));
    expect(isMangaAssistError(error, 'DATA_INVALID')).toBe(true);
    expect((error as Error).message).toContain('thresholds.frustration');
    writeFileSync(join(modelDir, THRESHOLDS_FILE), '{ not json');
    expect((captured(() => resolveThresholds(modelDir)) as Error).message).toContain('not valid JSON');
  });
});
