import { toMultiHot } from './multi-hot';

describe('toMultiHot', () => {
  it('encodes labels in the given order', () => {
    const rows = toMultiHot(
      [{ labels: ['urgency', 'frustration'] }, { labels: ['neutral'] }, { labels: [] }],
      ['frustration', 'urgency', 'neutral'],
    );
    expect(rows.map((row) => Array.from(row))).toEqual([
      [1, 1, 0],
      [0, 0, 1],
      [0, 0, 0],
    ]);
    expect(rows[0]).toBeInstanceOf(Float32Array);
  });

  it('names a label outside the list and the row it is on', () => {
    expect(() => toMultiHot([{ labels: ['neutral'] }, { labels: ['angry'] }], ['neutral'])).toThrow('examples[1] has label "angry" which is not in labels (neutral)');
  });
});
