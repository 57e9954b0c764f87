import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMangaAssistError, parseConfig, trainJobConfigSchema, type TrainJobConfig } from '@mangaassist/common';
import { makeBatch, disposeBatch } from './batching';
import { ngramEnsembleExamples, readJobData } from './job-data';
import { useCpuBackend } from './__tests__/fixtures';

beforeAll(useCpuBackend);

const dir = mkdtempSync(join(tmpdir(), 'trainer-job-data-'));

function jsonl(name: string, rows: ReadonlyArray<{ text: string; labels: string[] }>): string {
  const path = join(dir, name);
  writeFileSync(path, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return path;
}

/** A GoEmotions-format file: header `text\tlabel\tid`, label = indices into the 28 emotions (2 anger, 15 gratitude, 27 neutral). */
function goemotions(name: string, n: number): string {
  const path = join(dir, name);
  const rows = Array.from({ length: n }, (_, i) => `comment number ${i}\t${[2, 15, 27][i % 3]}\tid${i}`);
  writeFileSync(path, `text\tlabel\tid\n${rows.join('\n')}\n`);
  return path;
}

const store = Array.from({ length: 40 }, (_, i) => ({
  text: `message ${i}`,
  labels: [['frustration', 'urgency'], ['satisfaction'], ['churn_risk'], ['neutral']][i % 4]!,
}));

function config(data: Record<string, unknown>): TrainJobConfig {
  return parseConfig(trainJobConfigSchema, { data, training: { outDir: join(dir, 'run') } });
}

describe('readJobData', () => {
  it('keeps a single file unmasked: it trains exactly as before', () => {
    const data = readJobData(config({ train: { path: jsonl('one.jsonl', store) }, valFraction: 0.25 }));
    expect(data.train.length + data.validation.length).toBe(40);
    expect(data.validation.length).toBeGreaterThanOrEqual(8);
    expect(data.train.every((e) => e.mask === undefined)).toBe(true);
    expect(data.sources).toEqual([expect.objectContaining({ examples: data.train.length, weight: 1 })]);
  });

  it('masks the labels a GoEmotions file does not annotate, draws maxExamples, and holds out from the first file only', () => {
    const data = readJobData(
      config({
        train: [
          { path: jsonl('store.jsonl', store) },
          { path: goemotions('ge.tsv', 30), format: 'goemotions', maxExamples: 12, weight: 0.5 },
        ],
        valFraction: 0.25,
      }),
    );
    expect(data.validation.length).toBeGreaterThanOrEqual(8);
    expect(data.validation.every((e) => e.text.startsWith('message'))).toBe(true);
    const fromGe = data.train.filter((e) => e.example.text.startsWith('comment'));
    expect(fromGe).toHaveLength(12);
    // Labels: frustration, satisfaction, urgency, confusion, churn_risk, neutral — GoEmotions has no urgency or churn_risk.
    for (const e of fromGe) expect([...e.mask!]).toEqual([0.5, 0.5, 0, 0.5, 0, 0.5]);
    expect(data.train.filter((e) => e.example.text.startsWith('message')).every((e) => e.mask === undefined)).toBe(true);
    expect(data.sources.map((s) => [s.examples, s.annotated.length, s.weight])).toEqual([
      [40 - data.validation.length, 6, 1],
      [12, 4, 0.5],
    ]);
  });

  it('draws the same subset for the same seed and another for another seed', () => {
    const pick = (seed: number) =>
      readJobData(
        config({
          train: [{ path: jsonl('s.jsonl', store) }, { path: goemotions('g.tsv', 60), format: 'goemotions', maxExamples: 10 }],
          validation: { path: jsonl('v.jsonl', store.slice(0, 8)) },
          seed,
        }),
      )
        .train.map((e) => e.example.text)
        .filter((t) => t.startsWith('comment'));
    expect(pick(1)).toEqual(pick(1));
    expect(pick(1)).not.toEqual(pick(2));
  });

  it('takes a file’s own list of annotated labels, and refuses one that names a label the model lacks', () => {
    const path = jsonl('partial.jsonl', store);
    const data = readJobData(config({ train: [{ path, labels: ['churn_risk', 'frustration'] }], valFraction: 0.25 }));
    expect([...data.train[0]!.mask!]).toEqual([1, 0, 0, 0, 1, 0]);
    let error: unknown;
    try {
      readJobData(config({ train: [{ path, labels: ['anger'] }], valFraction: 0.25 }));
    } catch (e) {
      error = e;
    }
    expect(isMangaAssistError(error) && error.code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toMatch(/partial\.jsonl: labels "anger" are not model labels \(allowed: frustration, satisfaction/);
  });
});

describe('ngramEnsembleExamples', () => {
  it('takes the files that annotate every label and are not marked inNgramEnsemble: false, after the hold-out and the draws', () => {
    const people = store.map((e) => ({ ...e, text: `person ${e.text}` }));
    const data = readJobData(
      config({
        train: [
          { path: jsonl('generated.jsonl', store), inNgramEnsemble: false },
          { path: jsonl('people.jsonl', people), maxExamples: 10 },
          { path: goemotions('ge-ensemble.tsv', 9), format: 'goemotions' },
        ],
        valFraction: 0.25,
      }),
    );
    expect(data.sources.map((s) => s.inNgramEnsemble)).toEqual([false, true, true]);
    expect(data.train.map((e) => e.source)).toEqual(data.train.map((e) => (e.example.text.startsWith('person') ? 1 : e.example.text.startsWith('comment') ? 2 : 0)));
    const fitted = ngramEnsembleExamples(data, config({ train: { path: 'x' } }).model.labels);
    // The 10 drawn hand-written messages only: GoEmotions lacks urgency and churn_risk, the generated file is left out.
    expect(fitted).toHaveLength(10);
    expect(fitted.every((e) => e.text.startsWith('person'))).toBe(true);
    expect(fitted).toEqual(data.train.filter((e) => e.source === 1).map((e) => e.example));
  });

  it('takes every fully annotated file by default', () => {
    const data = readJobData(config({ train: { path: jsonl('default.jsonl', store) }, valFraction: 0.25 }));
    expect(data.sources[0]!.inNgramEnsemble).toBe(true);
    expect(ngramEnsembleExamples(data, config({ train: { path: 'x' } }).model.labels)).toEqual(data.train.map((e) => e.example));
  });
});

describe('makeBatch with loss masks', () => {
  it('fills ones for examples without a mask and leaves the mask out when no example has one', () => {
    const batch = makeBatch([
      { inputIds: [101, 7, 102], targets: [1, 0, 0] },
      { inputIds: [101, 102], targets: [0, 1, 0], mask: [1, 0, 0.5] },
    ]);
    expect(batch.lossMask!.arraySync()).toEqual([
      [1, 1, 1],
      [1, 0, 0.5],
    ]);
    disposeBatch(batch);
    const plain = makeBatch([{ inputIds: [101, 102], targets: [0, 1, 0] }]);
    expect(plain.lossMask).toBeUndefined();
    disposeBatch(plain);
    expect(() => makeBatch([{ inputIds: [101, 102], targets: [0, 1, 0], mask: [1, 1] }])).toThrow(/loss mask of 2 values, expected 3/);
  });
});
