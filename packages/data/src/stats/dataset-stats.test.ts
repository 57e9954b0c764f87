import { datasetStats, distribution } from './dataset-stats';
import { normalizeForDuplicates, wordTokens } from './text-normalize';

describe('datasetStats on a tiny known set', () => {
  const examples = [
    { text: 'Where is my order??', labels: ['frustration', 'urgency'] },
    { text: 'where is my ORDER', labels: ['urgency'] },
    { text: 'thanks so much!', labels: ['satisfaction'] },
    { text: 'ok', labels: ['neutral'] },
  ];
  const stats = datasetStats(examples, { labels: ['frustration', 'satisfaction', 'urgency', 'neutral'] });

  it('counts labels per message and per assignment', () => {
    expect(stats.messages).toBe(4);
    expect(stats.labels).toEqual([
      { label: 'frustration', count: 1, messageShare: 0.25, assignmentShare: 0.2 },
      { label: 'satisfaction', count: 1, messageShare: 0.25, assignmentShare: 0.2 },
      { label: 'urgency', count: 2, messageShare: 0.5, assignmentShare: 0.4 },
      { label: 'neutral', count: 1, messageShare: 0.25, assignmentShare: 0.2 },
    ]);
    expect(stats.multiLabelShare).toBe(0.25);
    expect(stats.meanLabelsPerMessage).toBe(1.25);
    expect(stats.combinations[0]).toEqual({ labels: 'frustration+urgency', count: 1 });
  });

  it('measures lengths, vocabulary and duplicates', () => {
    expect(stats.lengthWords).toEqual({ min: 1, p10: 1, p25: 1, p50: 3, p75: 4, p90: 4, max: 4, mean: 3 });
    expect(stats.lengthChars.max).toBe(19);
    // where, is, my, order, thanks, so, much, ok
    expect(stats.vocabularySize).toBe(8);
    expect(stats.duplicates).toMatchObject({ exactCount: 1, exactRate: 0.25, nearCount: 1, nearRate: 0.25 });
  });
});

describe('distribution and text normalisation', () => {
  it('uses nearest-rank percentiles', () => {
    expect(distribution([5, 1, 4, 2, 3])).toEqual({ min: 1, p10: 1, p25: 2, p50: 3, p75: 4, p90: 5, max: 5, mean: 3 });
    expect(distribution([])).toMatchObject({ min: 0, max: 0, mean: 0 });
  });

  it('keeps apostrophes inside words and drops emoji and punctuation', () => {
    expect(wordTokens("Where's my ORDER?? 😡")).toEqual(["where's", 'my', 'order']);
    expect(normalizeForDuplicates('Thanks!!  😊')).toBe(normalizeForDuplicates('thanks'));
    expect(normalizeForDuplicates('🙄')).not.toBe(normalizeForDuplicates('🔥'));
  });
});
