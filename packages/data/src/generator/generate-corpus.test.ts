import { DEFAULT_LABELS } from '@mangaassist/common';
import { createRng } from '@mangaassist/common';
import { datasetStats } from '../stats/dataset-stats';
import { generateCorpus } from './generate-corpus';
import { MANGAASSIST_LABEL_SHARES } from './label-mix';
import { createContext, TOPICS } from './message-context';
import { expand } from './template';
import { wordTokens } from '../stats/text-normalize';
import { PROBLEMS, SUPPORT_PROBLEMS } from './banks/problems';
import { CONFUSION_LEADS, CONFUSION_TAILS, CONTRADICTIONS } from './banks/contradictions';
import * as positives from './banks/positives';
import * as stances from './banks/stances';
import * as neutral from './banks/neutral';
import { CONTEXT_SENTENCES } from './banks/context';
import { BACKSTORY, RAMBLE_CONNECTORS } from './banks/backstory';
import { SHORT_REACTIONS } from './banks/reactions';
import { FUSED } from './banks/fused';
import type { Example } from '../types';

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
  const flatLists = (bank: object): (readonly string[])[] => (Object.values(bank) as unknown[]).filter((value): value is readonly string[] => Array.isArray(value));

  // Expanding every template in every topic catches unknown slots and bracket typos before they reach a corpus.
  it('expand without errors for every topic', () => {
    const rng = createRng(5);
    const lists: (readonly string[])[] = [
      SUPPORT_PROBLEMS, CONFUSION_LEADS, CONFUSION_TAILS, CONTEXT_SENTENCES, BACKSTORY, RAMBLE_CONNECTORS,
      ...flatLists(positives), ...flatLists(stances), ...flatLists(neutral), ...Object.values(SHORT_REACTIONS), ...Object.values(FUSED),
    ];
    // Slots filled by compose.ts from other banks rather than by the message context.
    const slots = new Set(['claim', 'task', 'problem', 'contradiction', 'churn', 'leaveReason', 'politeChurn', 'deadline', 'positive', 'tail']);
    for (const topic of TOPICS) {
      const ctx = createContext(topic, rng);
      const fill = (name: string) => (slots.has(name) ? name : ctx.slot(name));
      const perTopic = [positives.POSITIVES, CONTRADICTIONS, PROBLEMS, neutral.QUESTIONS, neutral.CALM_REQUESTS].flatMap((bank) => bank[topic]);
      for (const template of [...lists.flat(), ...perTopic]) {
        expect(expand(template, rng, fill).length).toBeGreaterThan(0);
      }
    }
  });
});

// Each building block of the generator leaves a trace in a corpus, with the labels the guidelines give it: these
// fail if a block is removed or starts carrying the wrong label.
describe('building blocks at n=5000 (seed 7)', () => {
  let examples: readonly Example[] = [];
  beforeAll(() => {
    examples = generateCorpus({ n: 5000, seed: 7 }).examples;
  });
  const matching = (pattern: RegExp): Example[] => examples.filter((e) => pattern.test(e.text));
  const only = (list: readonly Example[], labels: readonly string[]): Example[] => list.filter((e) => e.labels.join('+') === labels.join('+'));

  it('praise in negative words ("destroyed me", "the art is sick", "insane quality") is satisfaction, not frustration', () => {
    const praise = matching(/\b(destroyed|wrecked|ruined|killed) me\b|\bart\b[^.!?]* is (sick|insane|criminal|illegal|unreal|stupid good)|\b(insane|crazy|absurd|ridiculous|unreal) quality\b/i);
    expect(only(praise, ['satisfaction']).length).toBeGreaterThanOrEqual(5);
    expect(praise.every((e) => e.labels.includes('satisfaction'))).toBe(true);
  });

  it('anger at a character or the author is satisfaction', () => {
    const story = matching(/I want to (fight|punch|strangle)|why would the (author|mangaka) do that to|threw the book across the room|is such an idiot and|needs to be stopped and|is a (monster|sadist|criminal) for/i);
    expect(story.length).toBeGreaterThanOrEqual(5);
    expect(story.every((e) => e.labels.includes('satisfaction') && !e.labels.includes('frustration'))).toBe(true);
  });

  it('sarcasm in praise words is frustration, not satisfaction', () => {
    const sarcasm = matching(
      /must be a new record|would (wait a month|get a crushed box|be ignored|get the wrong book|pay twice) again|at least the (confirmation email|invoice|receipt|marketing emails)|for (the crushed box|sending the wrong volume|ignoring my emails|the copy-paste reply|the surprise bent corners|charging me twice)|paying (extra )?for (express shipping|express|next day delivery)|glad I paid|looking forward to (my|the) next/i,
    );
    expect(only(sarcasm, ['frustration']).length).toBeGreaterThanOrEqual(5);
    expect(sarcasm.every((e) => e.labels.includes('frustration'))).toBe(true);
  });

  it('polite, formal anger ("I must say I am deeply disappointed") is frustration', () => {
    const formal = matching(/I (must|have to) (say|admit) I am|formal complaint|needless to say|not the (level|standard) of service/i);
    expect(only(formal, ['frustration']).length).toBeGreaterThanOrEqual(5);
    expect(formal.every((e) => e.labels.includes('frustration'))).toBe(true);
  });

  it('late orders stated without emotion words are frustration', () => {
    const late = matching(/was supposed to (arrive|be here|be delivered)|\bday \d+ of waiting\b/i);
    expect(only(late, ['frustration']).length).toBeGreaterThanOrEqual(5);
    expect(late.every((e) => e.labels.includes('frustration'))).toBe(true);
  });

  it('thanks with a small complaint waved away is satisfaction without frustration', () => {
    const nitpick = matching(/but (no big deal|honestly no big deal|it doesn’t matter|who cares|I don’t mind|I don’t care|I still love it)|(totally worth|it was worth) the wait/i);
    expect(only(nitpick, ['satisfaction']).length).toBeGreaterThanOrEqual(5);
  });

  it('practical cancellations (a duplicate, a wrong address, a switch of edition) are not churn', () => {
    const practical = matching(/\b(ordered|bought) [^.]*twice\b|\bthe duplicate\b|\b(reorder|place a new one)\b|I found my old copy|already bought it for me|cancel and (reorder|redo)/i);
    expect(only(practical, ['neutral']).length).toBeGreaterThanOrEqual(10);
    // Only a message that also says goodbye elsewhere ("… and close my account") may carry churn_risk.
    expect(practical.filter((e) => e.labels.includes('churn_risk')).length).toBeLessThanOrEqual(practical.length * 0.05);
  });

  it('one-word and emoji-only reactions carry the label of their word or emoji', () => {
    const tiny = examples.filter((e) => wordTokens(e.text).length <= 1);
    for (const label of ['satisfaction', 'frustration', 'neutral']) expect(only(tiny, [label]).length).toBeGreaterThanOrEqual(5);
    const emojiOnly = examples.filter((e) => wordTokens(e.text).length === 0 && !e.labels.includes('neutral'));
    expect(emojiOnly.length).toBeGreaterThanOrEqual(5);
    expect(emojiOnly.some((e) => e.labels.includes('satisfaction'))).toBe(true);
  });

  it('questions are not always confusion: plain questions with "quick question" openers and praise as a question', () => {
    expect(only(matching(/^(quick question|quick q|random question|just wondering|I was wondering|just curious|small question)/i), ['neutral']).length).toBeGreaterThanOrEqual(20);
    const praiseQuestions = matching(/give (6|six|10|more than five) stars|where have you been all my life|do you (pack|ship) things so|packed .* get a raise/i);
    expect(praiseQuestions.length).toBeGreaterThanOrEqual(3);
    expect(praiseQuestions.every((e) => e.labels.includes('satisfaction'))).toBe(true);
  });

  it('has long rambling messages with backstory, for every kind of label', () => {
    const long = examples.filter((e) => wordTokens(e.text).length >= 40);
    expect(long.length).toBeGreaterThanOrEqual(100);
    expect(new Set(long.flatMap((e) => e.labels)).size).toBe(6);
  });

  it('has non-native English, words of other languages and slang', () => {
    expect(matching(/\bsince \d+ (days|weeks|months)\b|\bnot (receive|arrive|order|come|send|update)\b|\bhow much (it )?cost\b|\bThanks you\b|\bWaiting your answer\b/i).length).toBeGreaterThanOrEqual(15);
    const foreign = matching(/\b(arigatou|gracias|merci|sugoi|kawaii|bonjour|hola|onegaishimasu|saikou|danke|obrigad[oa])\b/i);
    expect(foreign.length).toBeGreaterThanOrEqual(50);
    // A foreign sign-off is no more satisfaction than "thanks" is.
    expect(only(foreign, ['neutral']).length).toBeGreaterThanOrEqual(20);
    expect(matching(/\b(af|lowkey|istg|deadass|hella|tysm|ngl)\b/i).length).toBeGreaterThanOrEqual(50);
  });
});
