import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LABELS, MangaAssistError } from '@mangaassist/common';
import { readDataset } from './read-dataset';

const dir = mkdtempSync(join(tmpdir(), 'mangaassist-data-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function errorOf(fn: () => unknown): MangaAssistError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MangaAssistError) return error;
    throw error;
  }
  throw new Error('expected a MangaAssistError');
}

describe('readDataset: JSONL', () => {
  it('reads text, labels and optional ids, in schema order without repeats', () => {
    const path = file('ok.jsonl', ['{"id": "a", "text": " where is my order?? ", "labels": ["urgency", "frustration", "urgency"]}', '', '{"text": "thanks!", "labels": ["satisfaction"]}', ''].join('\n'));
    const { dataset, skipped } = readDataset(path);
    expect(skipped).toBe(0);
    expect(dataset.examples).toEqual([
      { id: 'a', text: 'where is my order??', labels: ['frustration', 'urgency'] },
      { text: 'thanks!', labels: ['satisfaction'] },
    ]);
    expect(dataset.labelSchema).toEqual(DEFAULT_LABELS);
    expect(dataset.coveredLabels).toEqual(DEFAULT_LABELS);
    expect(dataset.source).toEqual({ kind: 'file', path, format: 'jsonl' });
  });

  it.each([
    ['bad JSON', '{"text": "hi", "labels": ["neutral"]}\n{"text": "oops", "labels": [\n', /bad\.jsonl line 2: not valid JSON/, 2],
    ['an unknown label', '{"text": "a", "labels": ["neutral"]}\n\n{"text": "b", "labels": ["angry"]}\n', /line 3: unknown label "angry" in "labels" \(allowed: frustration, satisfaction, urgency, confusion, churn_risk, neutral\)/, 3],
    ['an empty text', '{"text": "   ", "labels": ["neutral"]}\n', /line 1: "text" is empty/, 1],
    ['a missing text', '{"labels": ["neutral"]}\n', /line 1: "text" must be a string, got nothing \(field missing\)/, 1],
    ['labels that are not a list', '{"text": "x", "labels": "neutral"}\n', /line 1: "labels" must be a list of label names/, 1],
    ['no labels', '{"text": "x", "labels": []}\n', /line 1: "labels" is empty; use "neutral"/, 1],
    ['neutral with another label', '{"text": "x", "labels": ["neutral", "urgency"]}\n', /line 1: "neutral" cannot be combined/, 1],
    ['an array instead of an object', '["x", ["neutral"]]\n', /line 1: expected a JSON object/, 1],
  ])('fails on %s naming the file and line', (_name, content, message, line) => {
    const path = file('bad.jsonl', content);
    const error = errorOf(() => readDataset(path));
    expect(error.code).toBe('DATA_INVALID');
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${path} line ${line}:`)).toBe(true);
    expect(error.details).toMatchObject({ file: path, line });
  });

  it('skips and counts bad rows in lenient mode', () => {
    const path = file('lenient.jsonl', ['{"text": "fine", "labels": ["neutral"]}', 'not json', '{"text": "", "labels": ["neutral"]}', '{"text": "ok", "labels": ["meh"]}', '{"text": "late again", "labels": ["frustration"]}'].join('\n'));
    const { dataset, skipped, problems } = readDataset(path, { lenient: true });
    expect(dataset.examples.map((e) => e.text)).toEqual(['fine', 'late again']);
    expect(skipped).toBe(3);
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4]);
    expect(problems[2]!.message).toMatch(/unknown label "meh"/);
  });

  it('uses custom fields, a custom schema and empty labels when allowed', () => {
    const path = file('custom.jsonl', '{"message": "hello", "tags": []}\n{"message": "bad", "tags": ["negative"]}\n');
    const { dataset } = readDataset(path, { textColumn: 'message', labelsColumn: 'tags', labels: ['positive', 'negative'], allowEmptyLabels: true });
    expect(dataset.examples).toEqual([
      { text: 'hello', labels: [] },
      { text: 'bad', labels: ['negative'] },
    ]);
    expect(errorOf(() => readDataset(path, { labels: ['Not Snake'] })).code).toBe('INVALID_ARGUMENT');
  });
});

describe('readDataset: CSV and TSV', () => {
  it('reads quoted CSV with multi-line cells and reports the starting line of each record', () => {
    const path = file('ok.csv', ['id,text,labels', '1,"He said ""hi""",neutral', '2,"line one', 'line two",frustration|urgency', '3,plain,"[""satisfaction""]"', '4,bad one,angry', ''].join('\n'));
    const error = errorOf(() => readDataset(path));
    expect(error.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 6: unknown label "angry"`));
    const { dataset, problems } = readDataset(path, { lenient: true });
    expect(dataset.examples).toEqual([
      { id: '1', text: 'He said "hi"', labels: ['neutral'] },
      { id: '2', text: 'line one\nline two', labels: ['frustration', 'urgency'] },
      { id: '3', text: 'plain', labels: ['satisfaction'] },
    ]);
    expect(problems).toEqual([{ line: 6, message: expect.stringMatching(/unknown label "angry"/) }]);
  });

  it('reads TSV with configurable columns and label lists separated by commas, semicolons or spaces', () => {
    const path = file('ok.tsv', ['message\ttags', 'where is it\tfrustration, urgency', 'which one?\tconfusion;satisfaction', 'ok\tneutral', ''].join('\n'));
    const { dataset } = readDataset(path, { textColumn: 'message', labelsColumn: 'tags' });
    expect(dataset.examples.map((e) => e.labels)).toEqual([['frustration', 'urgency'], ['satisfaction', 'confusion'], ['neutral']]);
    expect(dataset.source).toMatchObject({ format: 'tsv' });
  });

  it('names the missing column and the columns it found', () => {
    const path = file('cols.csv', 'message,labels\nhi,neutral\n');
    expect(errorOf(() => readDataset(path)).message).toBe(`${path}: missing column "text" (found: message, labels); set textColumn/labelsColumn`);
  });

  it('fails on a record with the wrong number of cells, or skips it when lenient', () => {
    const path = file('cells.csv', 'text,labels\nok,neutral\ntoo,many,cells\nfine,satisfaction\n');
    expect(errorOf(() => readDataset(path)).message).toMatch(/cells\.csv line 3: .*columns length is 2, got 3/);
    const { dataset, skipped } = readDataset(path, { lenient: true });
    expect(dataset.examples.map((e) => e.text)).toEqual(['ok', 'fine']);
    expect(skipped).toBe(1);
  });
});

describe('readDataset: formats', () => {
  it('tells the format from the extension and refuses an unknown one with the allowed list', () => {
    const path = file('data.txt', 'x');
    const error = errorOf(() => readDataset(path));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/cannot tell the format of .*data\.txt .*\(known: \.jsonl, \.ndjson, \.csv, \.tsv\); pass format \(jsonl, csv, tsv, goemotions\)/);
    const jsonl = file('data.ndjson', '{"text": "hi", "labels": ["neutral"]}\n');
    expect(readDataset(jsonl).dataset.source).toMatchObject({ format: 'jsonl' });
  });

  it('reports a missing file as NOT_FOUND with its path', () => {
    const error = errorOf(() => readDataset(join(dir, 'missing.jsonl')));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toMatch(/missing\.jsonl/);
  });
});
