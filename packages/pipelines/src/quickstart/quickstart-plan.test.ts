import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainingSources } from '@mangaassist/common';
import { HANDWRITTEN_EVALUATION_SLICE, HANDWRITTEN_EVALUATION_SLICES, HANDWRITTEN_SLICE_FILES, HANDWRITTEN_TRAINING_SLICES, handwrittenSlicePath } from '@mangaassist/data';
import { createThresholdStrategyRegistry } from '@mangaassist/thresholds';
import { QUICKSTART_SIZES, QUICKSTART_THRESHOLDS, quickstartPaths, quickstartTrainConfig, sameEmojiReading, sameModelSelection, sameNgramEnsemble, sameTrainingData } from './quickstart-plan';

describe('the quickstart training job', () => {
  const paths = quickstartPaths(join(tmpdir(), 'quickstart-plan'));
  const config = quickstartTrainConfig(paths, QUICKSTART_SIZES, 'distilbert-base-uncased');

  it('trains on the generated split and every hand-written training slice, read from the installed data package', () => {
    expect(trainingSources(config.data).map((s) => s.path)).toEqual([paths.train, ...HANDWRITTEN_TRAINING_SLICES.map(handwrittenSlicePath)]);
    // Never an evaluation slice: their figures are the honest ones.
    for (const slice of HANDWRITTEN_EVALUATION_SLICES) expect(JSON.stringify(config.data)).not.toContain(HANDWRITTEN_SLICE_FILES[slice]);
    expect(HANDWRITTEN_SLICE_FILES[HANDWRITTEN_EVALUATION_SLICE]).toBe('handwritten-test10.jsonl');
  });

  it('keeps the last epoch, whatever the generated validation split prefers', () => {
    expect(config.training.modelSelection).toBe('last-epoch');
  });

  it('tells a model kept another way (or recorded before the choice existed) from one kept as this job keeps it', () => {
    expect(sameModelSelection(JSON.parse(JSON.stringify(config)), config)).toBe(true);
    expect(sameModelSelection({ training: { modelSelection: 'best-validation' } }, config)).toBe(false);
    expect(sameModelSelection({ training: {} }, config)).toBe(false);
    expect(sameModelSelection({}, { training: { ...config.training, modelSelection: 'best-validation' } })).toBe(true);
  });

  it('fits the n-gram ensemble, and tells a model fitted without it (or with another) from one fitted as this job fits it', () => {
    expect(config.model.head.ngramEnsemble).toEqual({ enabled: true, weight: 0.5, features: 'words', buckets: 2 ** 18, epochs: 30, l2: 1e-5 });
    expect(sameNgramEnsemble(JSON.parse(JSON.stringify(config)), config)).toBe(true);
    // A job recorded before the option existed fitted none.
    expect(sameNgramEnsemble({ model: { head: {} } }, config)).toBe(false);
    expect(sameNgramEnsemble({}, config)).toBe(false);
    expect(sameNgramEnsemble({ model: { head: { ngramEnsemble: { enabled: true, weight: 0.3 } } } }, config)).toBe(false);
    // A run made when the quickstart's ensemble read word pieces is fitted again, not reused.
    expect(sameNgramEnsemble({ model: { head: { ngramEnsemble: { enabled: true } } } }, config)).toBe(false);
  });

  it('reads emoji as their names, and tells a model that read them otherwise from one trained as this job trains', () => {
    expect(config.model.emojiNames).toBe(true);
    expect(config.model.emojiTokens).toBeUndefined();
    expect(sameEmojiReading(JSON.parse(JSON.stringify(config)), config)).toBe(true);
    // A job recorded before the quickstart read emoji has neither field: it read every emoji as [UNK].
    expect(sameEmojiReading({ model: { head: {} } }, config)).toBe(false);
    expect(sameEmojiReading({}, config)).toBe(false);
    expect(sameEmojiReading({ model: { emojiNames: true, emojiTokens: true } }, config)).toBe(false);
    expect(sameEmojiReading({}, { model: { ...config.model, emojiNames: false } })).toBe(true);
  });

  it('chooses thresholds with options precision-at-recall accepts for its labels: frustration at recall 0.95, the others held at 0.5', () => {
    const strategy = createThresholdStrategyRegistry().create(QUICKSTART_THRESHOLDS.strategy, QUICKSTART_THRESHOLDS.options, { labels: config.model.labels });
    expect(strategy.id).toBe('precision-at-recall');
    expect(QUICKSTART_THRESHOLDS.options).toEqual({ labels: ['frustration'], otherThreshold: 0.5, minRecall: 0.95 });
  });

  it('tells a model trained on other files from one trained on these', () => {
    expect(sameTrainingData(config, JSON.parse(JSON.stringify(config)))).toBe(true);
    const generatedOnly = { data: { ...config.data, train: { ...trainingSources(config.data)[0]! } } };
    expect(sameTrainingData(config, generatedOnly)).toBe(false);
    const reweighted = { data: { ...config.data, train: trainingSources(config.data).map((s, i) => (i === 1 ? { ...s, weight: 3 } : s)) } };
    expect(sameTrainingData(config, reweighted)).toBe(false);
    // An ensemble fitted without the generated split is another model; a job recorded before the option existed fitted it on every file.
    const ensembleApart = { data: { ...config.data, train: trainingSources(config.data).map((s, i) => (i === 0 ? { ...s, inNgramEnsemble: false } : s)) } };
    expect(sameTrainingData(config, ensembleApart)).toBe(false);
    const recordedBefore = { data: { ...config.data, train: trainingSources(config.data).map(({ inNgramEnsemble: _, ...s }) => s) } };
    expect(sameTrainingData(config, recordedBefore as typeof config)).toBe(true);
    expect(trainingSources(config.data).every((s) => s.inNgramEnsemble)).toBe(true);
  });
});
