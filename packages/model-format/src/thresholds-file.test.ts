import { isMangaAssistError } from '@mangaassist/common';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_THRESHOLD, readShippedThresholds, readThresholdsFile, resolveThresholds, THRESHOLDS_FILE, thresholdsToShip, writeThresholdsFile } from './thresholds-file';

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

  it('reads the shipped file checked against the labels, and gives undefined (not an error) when there is none', () => {
    const modelDir = dir();
    expect(readShippedThresholds(modelDir, ['frustration'])).toBeUndefined();
    writeFileSync(join(modelDir, THRESHOLDS_FILE), JSON.stringify({ version: 1, strategy: 's', createdAt: 'x', thresholds: { frustration: 0.3 } }));
    expect(readShippedThresholds(modelDir, ['frustration', 'neutral'])?.thresholds).toEqual({ frustration: 0.3 });
    const error = captured(() => readShippedThresholds(modelDir, ['neutral']));
    expect(isMangaAssistError(error, 'DATA_INVALID')).toBe(true);
    expect((error as Error).message).toContain('"thresholds.frustration": unknown label');
  });
});

describe('thresholds to ship with a model', () => {
  const labels = ['frustration', 'neutral'];
  const dir = mkdtempSync(join(tmpdir(), 'thresholds-ship-'));

  it(`ships ${DEFAULT_THRESHOLD} for every label without a calibrated file`, () => {
    const { contents, source } = thresholdsToShip(labels, join(dir, 'absent.json'), () => new Date('2026-01-01T00:00:00Z'));
    expect(source).toEqual({ kind: 'default', value: 0.5 });
    expect(contents).toEqual({ version: 1, strategy: 'default', createdAt: '2026-01-01T00:00:00.000Z', thresholds: { frustration: 0.5, neutral: 0.5 }, details: {} });
    expect(thresholdsToShip(labels, undefined).source.kind).toBe('default');
  });

  it('ships a calibrated file validated, and refuses labels the model does not have, naming file and field', () => {
    const calibrated = { version: 1 as const, strategy: 'fbeta-sweep', createdAt: 'x', thresholds: { frustration: 0.3 }, details: {} };
    const path = writeThresholdsFile(dir, calibrated);
    expect(thresholdsToShip(labels, path)).toEqual({ contents: calibrated, source: { kind: 'file', file: path } });
    writeFileSync(path, JSON.stringify({ ...calibrated, thresholds: { anger: 0.4 } }));
    const error = captured(() => thresholdsToShip(labels, path)) as Error & { details: unknown };
    expect(isMangaAssistError(error, 'DATA_INVALID')).toBe(true);
    expect(error.message).toBe(`${path}: "thresholds.anger": unknown label; the model's labels are frustration, neutral`);
    expect(error.details).toMatchObject({ path, field: 'thresholds.anger' });
    writeFileSync(path, JSON.stringify({ ...calibrated, version: 2 }));
    expect((captured(() => thresholdsToShip(labels, path)) as Error).message).toMatch(/thresholds\.json: invalid thresholds file:\n {2}- version: /);
  });
});
