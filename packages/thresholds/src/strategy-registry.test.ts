import { isMangaAssistError } from '@mangaassist/common';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createThresholdStrategyRegistry } from './strategy-registry';

describe('threshold strategy registry', () => {
  it('registers exactly one strategy per file in strategies/ (file name = id)', () => {
    const files = readdirSync(join(__dirname, 'strategies'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(createThresholdStrategyRegistry().ids()).toEqual(files);
  });

  it('throws PLUGIN_UNKNOWN listing the strategies', () => {
    let error: unknown;
    try {
      createThresholdStrategyRegistry().create('best', {}, {});
    } catch (e) {
      error = e;
    }
    expect(isMangaAssistError(error, 'PLUGIN_UNKNOWN')).toBe(true);
    expect((error as Error).message).toBe(
      'unknown threshold strategy plugin "best"; known: fbeta-sweep, fixed, precision-at-recall',
    );
  });

  it('lists every strategy with a description and an options schema', () => {
    for (const info of createThresholdStrategyRegistry().list()) {
      expect(info.description.length).toBeGreaterThan(10);
      expect(info.optionsJsonSchema).toMatchObject({ type: 'object' });
    }
  });
});
