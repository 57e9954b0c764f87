import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  HANDWRITTEN_EVALUATION_SLICE,
  HANDWRITTEN_EVALUATION_SLICES,
  HANDWRITTEN_RESERVED_SLICES,
  HANDWRITTEN_SLICE_FILES,
  HANDWRITTEN_SLICE_ROLES,
  HANDWRITTEN_TRAINING_SLICES,
  TUNED_SLICES,
  handwrittenSlicePath,
  handwrittenTrainingPaths,
  type HandwrittenSliceId,
} from './handwritten-slices';
import { readDataset } from './read-dataset';

const texts = (slice: HandwrittenSliceId) => readDataset(handwrittenSlicePath(slice)).dataset.examples.map((e) => e.text);
const normalise = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

describe('the bundled hand-written slices', () => {
  it('are split into training, evaluation and reserved slices, the headline evaluation slice last', () => {
    expect(HANDWRITTEN_TRAINING_SLICES).toEqual(['dev', 'final', 'holdout', 'test', 'extra', 'extra2', 'extra3', 'extra4']);
    expect(HANDWRITTEN_EVALUATION_SLICES).toEqual(['test2', 'test3', 'test4', 'test5', 'test6', 'test7', 'test8', 'test9', 'test10']);
    expect(HANDWRITTEN_EVALUATION_SLICES.at(-1)).toBe(HANDWRITTEN_EVALUATION_SLICE);
    for (const slice of HANDWRITTEN_EVALUATION_SLICES) {
      expect(HANDWRITTEN_SLICE_ROLES[slice]).toBe('evaluation');
      expect(HANDWRITTEN_TRAINING_SLICES).not.toContain(slice);
    }
    expect([...HANDWRITTEN_TRAINING_SLICES, ...HANDWRITTEN_EVALUATION_SLICES, ...HANDWRITTEN_RESERVED_SLICES].sort()).toEqual(Object.keys(HANDWRITTEN_SLICE_FILES).sort());
    expect(Object.keys(HANDWRITTEN_SLICE_ROLES).sort()).toEqual(Object.keys(HANDWRITTEN_SLICE_FILES).sort());
  });

  it('resolves the training files inside the package, in slice order, 2,377 messages in all', () => {
    const paths = handwrittenTrainingPaths();
    expect(paths.map((p) => basename(p))).toEqual([
      'handwritten-eval.jsonl',
      'handwritten-final.jsonl',
      'handwritten-holdout.jsonl',
      'handwritten-test.jsonl',
      'handwritten-extra.jsonl',
      'handwritten-extra2.jsonl',
      'handwritten-extra3.jsonl',
      'handwritten-extra4.jsonl',
    ]);
    for (const path of paths) expect(path.startsWith(join(__dirname, '..', 'fixtures'))).toBe(true);
    expect(paths.reduce((n, path) => n + readDataset(path).dataset.examples.length, 0)).toBe(2377);
  });

  it('ships the fixtures with the package, so an installed package can train and evaluate on them', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toContain('fixtures');
  });

  it('keeps the evaluation slices free of the training slices’ messages (one-word replies such as "ok" aside)', () => {
    const training = new Set(HANDWRITTEN_TRAINING_SLICES.flatMap(texts).map(normalise));
    for (const slice of HANDWRITTEN_EVALUATION_SLICES) {
      const shared = texts(slice).filter((t) => t.split(/\s+/).length >= 3 && training.has(normalise(t)));
      expect(shared).toEqual([]);
    }
  });

  it('keeps the headline evaluation slice free of every other slice’s messages, short replies included', () => {
    const others = new Set(
      (Object.keys(HANDWRITTEN_SLICE_FILES) as HandwrittenSliceId[]).filter((s) => s !== HANDWRITTEN_EVALUATION_SLICE).flatMap(texts).map(normalise),
    );
    expect(texts(HANDWRITTEN_EVALUATION_SLICE).filter((t) => others.has(normalise(t)))).toEqual([]);
  });

  it('keeps each reserved slice unscored by the quickstart and free of every other slice’s messages, short replies included', () => {
    expect(HANDWRITTEN_RESERVED_SLICES).toEqual(['test11']);
    for (const reserved of HANDWRITTEN_RESERVED_SLICES) {
      expect(HANDWRITTEN_EVALUATION_SLICES).not.toContain(reserved);
      expect(HANDWRITTEN_TRAINING_SLICES).not.toContain(reserved);
      const others = new Set((Object.keys(HANDWRITTEN_SLICE_FILES) as HandwrittenSliceId[]).filter((s) => s !== reserved).flatMap(texts).map(normalise));
      expect(texts(reserved).filter((t) => others.has(normalise(t)))).toEqual([]);
    }
  });

  it('rejects an unknown slice name, listing the allowed ones', () => {
    expect(() => handwrittenSlicePath('train' as HandwrittenSliceId)).toThrow(/unknown hand-written slice "train" \(allowed: dev, final, holdout, test, extra, test2, extra2, test3, extra3, test4, test5, extra4, test6, test7, test8, test9, test10, test11\)/);
  });

  it('marks the dev slice, and only it, as tuned on', () => {
    expect(TUNED_SLICES).toEqual(['dev']);
  });
});
