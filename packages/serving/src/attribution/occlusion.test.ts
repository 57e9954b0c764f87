import { ClassificationService } from '../classification-service';
import type { TextClassifier } from '../text-classifier';
import { attributeWords, planOcclusion } from './occlusion';
import { WHOLE_WORD_PIECES, type WordPieceView } from './words';

/**
 * A fake model with additive, exactly representable contributions per word (dyadic fractions, so float32 holds
 * them and the differences are exact): frustration = 0.125 + Σ, churn_risk = 0.0625 + Σ. `never` lowers
 * frustration; `again` matters only next to `never` (an interaction occlusion measures, not a sum).
 */
const FRUSTRATION: Record<string, number> = { angry: 0.5, late: 0.25, never: -0.0625 };
const CHURN: Record<string, number> = { cancel: 0.5, never: 0.125 };

function score(text: string): Float32Array {
  const words = text.split(/\s+/).filter(Boolean).map((w) => w.toLowerCase().replace(/[^a-z]/g, ''));
  let f = 0.125;
  let c = 0.0625;
  words.forEach((w, i) => {
    f += FRUSTRATION[w] ?? 0;
    c += CHURN[w] ?? 0;
    if (w === 'again' && words[i - 1] === 'never') c += 0.25;
  });
  return Float32Array.of(f, c, 0.5);
}

const LABELS = ['frustration', 'churn_risk', 'neutral'];

function fakeClassifier(wordPieces?: WordPieceView) {
  const batches: string[][] = [];
  const classifier: TextClassifier = {
    labels: LABELS,
    modelId: 'fake',
    ...(wordPieces ? { wordPieces } : {}),
    predict: async (texts) => (batches.push([...texts]), texts.map(score)),
    dispose: async () => undefined,
  };
  return { classifier, batches };
}

describe('planOcclusion', () => {
  it('lists the text, then the text without each of the first maxWords words', () => {
    const plan = planOcclusion('so angry, late again', WHOLE_WORD_PIECES, 3);
    expect(plan.texts).toEqual(['so angry, late again', ' angry, late again', 'so  late again', 'so angry,  again']);
    expect(plan.words.map((w) => w.text)).toEqual(['so', 'angry,', 'late']);
    expect(plan.wordsRead).toBe(4);
  });

  it('names the field and the rule for a bad word cap', () => {
    expect(() => planOcclusion('x', WHOLE_WORD_PIECES, 0)).toThrow('maxWords must be a positive integer, got 0');
  });
});

describe('attributeWords', () => {
  it('weights each word by p(text) − p(text without it), per label, highest first', async () => {
    const text = 'ANGRY: late and never again, cancel';
    const plan = planOcclusion(text, WHOLE_WORD_PIECES, 32);
    const { classifier } = fakeClassifier();
    const result = attributeWords(plan, LABELS, ['frustration', 'churn_risk'], await classifier.predict(plan.texts));
    expect(result).toMatchObject({ method: 'occlusion', wordsRead: 6, wordsConsidered: 6 });
    const [frustration, churn] = result.labels;
    // 0.125 + 0.5 + 0.25 − 0.0625
    expect(frustration!.probability).toBe(0.8125);
    expect(frustration!.words.map((w) => [w.word, w.weight])).toEqual([
      ['ANGRY:', 0.5],
      ['late', 0.25],
      ['and', 0],
      ['again,', 0],
      ['cancel', 0],
      ['never', -0.0625],
    ]);
    // 0.0625 + 0.125 (never) + 0.25 (never again) + 0.5 (cancel): removing "never" also removes the pair's 0.25.
    expect(churn!.probability).toBe(0.9375);
    expect(churn!.words.map((w) => [w.word, w.weight])).toEqual([
      ['cancel', 0.5],
      ['never', 0.375],
      ['again,', 0.25],
      ['ANGRY:', 0],
      ['late', 0],
      ['and', 0],
    ]);
    expect(churn!.words[0]).toEqual({ word: 'cancel', start: 29, end: 35, tokens: ['cancel'], weight: 0.5 });
  });

  it('refuses rows that do not match the plan, and unknown labels', () => {
    const plan = planOcclusion('a b', WHOLE_WORD_PIECES, 8);
    expect(() => attributeWords(plan, LABELS, ['frustration'], [])).toThrow('expected 3 score rows (one per text of the plan), got 0');
    expect(() => attributeWords(plan, LABELS, ['joy'], [score('a b'), score('b'), score('a')])).toThrow('label "joy" is not one of frustration, churn_risk, neutral');
  });
});

describe('ClassificationService.attribute', () => {
  function service(classifier: TextClassifier, maxWords = 32) {
    return new ClassificationService({
      classifier,
      thresholds: { getEffective: async () => ({}) },
      batching: { maxBatch: 2, maxWaitMs: 0, queueLimit: 64 },
      churnRule: { enabled: true, phrases: ['cancel'], boost: 0.35 },
      defaultThreshold: 0.5,
      timeoutMs: 1000,
      explain: { maxWords },
    });
  }

  it('scores the text and every variant in one inference run, even past the batcher’s maxBatch', async () => {
    const { classifier, batches } = fakeClassifier();
    const result = await service(classifier).attribute('angry and late, I cancel', ['frustration']);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(6);
    expect(result.labels[0]!.words.slice(0, 2).map((w) => [w.word, w.weight])).toEqual([
      ['angry', 0.5],
      ['late,', 0.25],
    ]);
  });

  it('leaves the churn phrase boost out: weights are on the model probability', async () => {
    const { classifier } = fakeClassifier();
    const result = await service(classifier).attribute('cancel', ['churn_risk']);
    expect(result.labels[0]).toMatchObject({ probability: 0.5625, words: [{ word: 'cancel', weight: 0.5 }] });
  });

  it('gives weights to the first maxWords words only, and maps words to the classifier’s word pieces', async () => {
    const pieces: WordPieceView = { pieces: (t) => t.split(/\s+/).filter(Boolean).flatMap((w) => (w.length > 4 ? [w.slice(0, 4), `##${w.slice(4)}`] : [w])), maxPieces: 510 };
    const { classifier, batches } = fakeClassifier(pieces);
    const result = await service(classifier, 2).attribute('so angry and late', ['frustration']);
    expect(batches[0]).toEqual(['so angry and late', ' angry and late', 'so  and late']);
    expect(result).toMatchObject({ wordsRead: 4, wordsConsidered: 2 });
    expect(result.labels[0]!.words).toEqual([
      { word: 'angry', start: 3, end: 8, tokens: ['angr', '##y'], weight: 0.5 },
      { word: 'so', start: 0, end: 2, tokens: ['so'], weight: 0 },
    ]);
  });
});
