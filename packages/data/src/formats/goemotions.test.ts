import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedAsset } from '@mangaassist/common';
import { readDataset } from '../read-dataset';
import { readGoEmotions } from './goemotions';
import { GOEMOTIONS_EMOTIONS, mapGoEmotions } from './goemotions-mapping';

const index = (emotion: string): number => (GOEMOTIONS_EMOTIONS as readonly string[]).indexOf(emotion);

describe('mapGoEmotions', () => {
  it.each([
    [['anger'], ['frustration']],
    [['annoyance', 'disappointment'], ['frustration']],
    [['disgust', 'joy'], ['frustration', 'satisfaction']],
    [['gratitude'], ['satisfaction']],
    [['confusion', 'curiosity'], ['confusion']],
    [['neutral'], ['neutral']],
    [['neutral', 'approval'], ['satisfaction']],
    [['neutral', 'sadness'], ['neutral']],
    [['sadness'], undefined],
    [['curiosity', 'fear'], undefined],
  ])('%j → %j', (emotions, labels) => {
    expect(mapGoEmotions(emotions.map(index))).toEqual(labels);
  });

  it('rejects an index outside the 28 classes', () => {
    expect(() => mapGoEmotions([28])).toThrow(/integer in 0\.\.27, got 28/);
  });
});

describe('readGoEmotions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'goemotions-'));
  const path = join(dir, 'mini.tsv');
  writeFileSync(
    path,
    [
      'text\tlabel\tid',
      `WHY is this so slow\t${index('anger')},${index('annoyance')}\tr1`,
      `"He said ""thanks"" and left"\t${index('gratitude')}\tr2`,
      `I miss him\t${index('sadness')}\tr3`,
      `what do you mean\t${index('confusion')},${index('neutral')}\tr4`,
      `ok then\t${index('neutral')}\tr5`,
      '',
    ].join('\n'),
  );

  it('maps hand-made rows, drops unmapped ones and covers four labels', () => {
    const { dataset, dropped, skipped } = readGoEmotions(path);
    expect(dataset.examples).toEqual([
      { id: 'r1', text: 'WHY is this so slow', labels: ['frustration'] },
      { id: 'r2', text: 'He said "thanks" and left', labels: ['satisfaction'] },
      { id: 'r4', text: 'what do you mean', labels: ['confusion'] },
      { id: 'r5', text: 'ok then', labels: ['neutral'] },
    ]);
    expect(dropped).toBe(1);
    expect(skipped).toBe(0);
    expect(dataset.coveredLabels).toEqual(['frustration', 'satisfaction', 'confusion', 'neutral']);
    expect(dataset.labelSchema).toContain('urgency');
    expect(readDataset(path, { format: 'goemotions' }).dataset.examples).toHaveLength(4);
  });

  it('fails on a bad class index naming file and line, or skips it when lenient', () => {
    const bad = join(dir, 'bad.tsv');
    writeFileSync(bad, `text\tlabel\tid\nfine\t${index('joy')}\ta\noops\t3,x\tb\n`);
    expect(() => readGoEmotions(bad)).toThrow(/bad\.tsv line 3: GoEmotions class index must be an integer in 0\.\.27, got NaN in "label" \("3,x"\)/);
    expect(readGoEmotions(bad, { lenient: true })).toMatchObject({ skipped: 1, dataset: { examples: [{ text: 'fine' }] } });
  });

  it('refuses a labels.txt in another order', () => {
    const other = mkdtempSync(join(tmpdir(), 'goemotions-labels-'));
    writeFileSync(join(other, 'labels.txt'), ['amusement', 'admiration', ...GOEMOTIONS_EMOTIONS.slice(2)].join('\n'));
    writeFileSync(join(other, 'dev.tsv'), 'text\tlabel\tid\nhi\t27\ta\n');
    expect(() => readGoEmotions(join(other, 'dev.tsv'))).toThrow(/labels\.txt: .*line 1 is "amusement" instead of "admiration"/);
  });
});

// The real dev split: counts checked against an independent reading with Python's csv module and the README table.
const dev = sharedAsset('data/goemotions/dev.tsv');
if (!dev) console.warn('skipped: shared data/goemotions/dev.tsv is not available (set MANGAASSIST_SHARED_DIR)');
(dev ? describe : describe.skip)(`readGoEmotions on shared data/goemotions/dev.tsv${dev ? '' : ' (skipped: file absent)'}`, () => {
  it('reads all 5,426 rows: 4,677 mapped, 749 dropped, with the expected label counts', () => {
    const { dataset, dropped, skipped } = readGoEmotions(dev!);
    expect(skipped).toBe(0);
    expect(dataset.examples.length + dropped).toBe(5426);
    expect(dataset.examples).toHaveLength(4677);
    const count = (label: string) => dataset.examples.filter((e) => e.labels.includes(label)).length;
    expect({ frustration: count('frustration'), satisfaction: count('satisfaction'), confusion: count('confusion'), neutral: count('neutral') }).toEqual({
      frustration: 934,
      satisfaction: 2033,
      confusion: 152,
      neutral: 1640,
    });
    expect(count('urgency') + count('churn_risk')).toBe(0);
    expect(dataset.examples.every((e) => !(e.labels.includes('neutral') && e.labels.length > 1))).toBe(true);
  });
});
