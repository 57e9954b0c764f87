import { DEFAULT_LABELS } from '@mangaassist/common';
import { createRng } from '@mangaassist/common';
import { datasetStats } from '../stats/dataset-stats';
import { generateCorpus } from './generate-corpus';
import { MANGAASSIST_LABEL_SHARES } from './label-mix';
import { createContext, TOPICS } from './message-context';
import { expand } from './template';
import { PROBLEMS, SUPPORT_PROBLEMS } from './banks/problems';
import { CONFUSION_LEADS, CONFUSION_TAILS, CONTRADICTIONS } from './banks/contradictions';
import { APPRECIATION, POSITIVES, SATISFACTION_INTENSE, SATISFACTION_LEADS, STORY_ENJOYMENT } from './banks/positives';
import * as stances from './banks/stances';
import { CALM_REQUESTS, NEUTRAL_HARD, QUESTIONS, STATEMENTS } from './banks/neutral';
import { CONTEXT_SENTENCES } from './banks/context';

describe('generateCorpus', () => {
  it('is deterministic per seed', () => {
    const a = generateCorpus({ n: 300, seed: 7 });
    expect(generateCorpus({ n: 300, seed: 7 }).examples).toEqual(a.examples);
    const b = generateCorpus({ n: 300, seed: 8 });
    expect(b.examples.map((e) => e.text)).not.toEqual(a.examples.map((e) => e.text));
    expect(a.source).toEqual({ kind: 'generated', generator: 'mangaassist-corpus', seed: 7, n: 300 });
  });

  it.each([7, 2024])('matches the label frequencies within 2 points at n=5000 (seed %i)', (seed) => {
    const corpus = generateCorpus({ n: 5000, seed });
    const stats = datasetStats(corpus.examples, { labels: DEFAULT_LABELS });
    for (const { label, assignmentShare } of stats.labels) {
      expect(Math.abs(assignmentShare - (MANGAASSIST_LABEL_SHARES[label] as number))).toBeLessThan(0.02);
    }
    expect(Math.abs(stats.multiLabelShare - 0.23)).toBeLessThan(0.02);
    expect(stats.duplicates.exactCount).toBe(0);
    expect(stats.duplicates.nearRate).toBeLessThan(0.01);
    expect(new Set(corpus.examples.map((e) => e.id)).size).toBe(5000);
    const malformed = corpus.examples.filter(
      (e) =>
        e.text.trim().length === 0 ||
        !e.labels.every((label) => (DEFAULT_LABELS as readonly string[]).includes(label)) ||
        (e.labels.includes('neutral') && e.labels.length > 1),
    );
    expect(malformed).toEqual([]);
  });

  it('rejects a bad n or seed', () => {
    expect(() => generateCorpus({ n: 0, seed: 1 })).toThrow('n must be a positive integer, got 0');
    expect(() => generateCorpus({ n: 10, seed: 0.5 })).toThrow('seed must be an integer, got 0.5');
  });
});

describe('phrase banks', () => {
  // Expanding every template in every topic catches unknown slots and bracket typos before they reach a corpus.
  it('expand without errors for every topic', () => {
    const rng = createRng(5);
    const lists: (readonly string[])[] = [
      SUPPORT_PROBLEMS, CONFUSION_LEADS, CONFUSION_TAILS, APPRECIATION, SATISFACTION_LEADS, SATISFACTION_INTENSE, STORY_ENJOYMENT,
      STATEMENTS, NEUTRAL_HARD, CONTEXT_SENTENCES,
      ...(Object.values(stances) as unknown[]).filter((value): value is readonly string[] => Array.isArray(value)),
    ];
    const slots = new Set(['claim', 'task']);
    for (const topic of TOPICS) {
      const ctx = createContext(topic, rng);
      const fill = (name: string) => (slots.has(name) ? name : ctx.slot(name));
      for (const template of [...lists.flat(), ...PROBLEMS[topic], ...CONTRADICTIONS[topic], ...POSITIVES[topic], ...QUESTIONS[topic], ...CALM_REQUESTS[topic]]) {
        expect(expand(template, rng, fill).length).toBeGreaterThan(0);
      }
    }
  });
});
