import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainingSources } from '@mangaassist/common';
import { HANDWRITTEN_EVALUATION_SLICE, HANDWRITTEN_EVALUATION_SLICES, HANDWRITTEN_SLICE_FILES, HANDWRITTEN_TRAINING_SLICES, handwrittenSlicePath } from '@mangaassist/data';
import { QUICKSTART_SIZES, quickstartPaths, quickstartTrainConfig, sameModelSelection, sameTrainingData } from './quickstart-plan';

describe('the quickstart training job', () => {
  const paths = quickstartPaths(join(tmpdir(), 'quickstart-plan'));
  const config = quickstartTrainConfig(paths, QUICKSTART_SIZES, 'distilbert-base-uncased');

  it('trains on the generated split and every hand-written training slice, read from the installed data package', () => {
    expect(trainingSources(config.data).map((s) => s.path)).toEqual([paths.train, ...HANDWRITTEN_TRAINING_SLICES.map(handwrittenSlicePath)]);
    // Never an evaluation slice: their figures are the honest ones.
    for (const slice of HANDWRITTEN_EVALUATION_SLICES) expect(JSON.stringify(config.data)).not.toContain(HANDWRITTEN_SLICE_FILES[slice]);
    expect(HANDWRITTEN_SLICE_FILES[HANDWRITTEN_EVALUATION_SLICE]).toBe('handwritten-test4.jsonl');
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

  it('tells a model trained on other files from one trained on these', () => {
    expect(sameTrainingData(config, JSON.parse(JSON.stringify(config)))).toBe(true);
    const generatedOnly = { data: { ...config.data, train: { ...trainingSources(config.data)[0]! } } };
    expect(sameTrainingData(config, generatedOnly)).toBe(false);
    const reweighted = { data: { ...config.data, train: trainingSources(config.data).map((s, i) => (i === 1 ? { ...s, weight: 3 } : s)) } };
    expect(sameTrainingData(config, reweighted)).toBe(false);
  });
});
