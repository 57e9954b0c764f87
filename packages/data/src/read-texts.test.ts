import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedAsset } from '@mangaassist/common';
import { readTexts } from './read-texts';

describe('readTexts', () => {
  const root = mkdtempSync(join(tmpdir(), 'read-texts-'));
  const file = (name: string, content: string) => {
    writeFileSync(join(root, name), content);
    return join(root, name);
  };
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads a text per line, JSON Lines fields and CSV/TSV columns, leaving blank texts out', () => {
    expect(readTexts(file('a.txt', '\uFEFFwhere is my order\n\n  volume 14?  \r\nlast'))).toEqual({ texts: ['where is my order', 'volume 14?', 'last'], blank: 1, format: 'text' });
    expect(readTexts(file('b.jsonl', '{"text": "one"}\n\n{"text": " "}\n{"text": "two", "labels": []}\n')).texts).toEqual(['one', 'two']);
    expect(readTexts(file('c.jsonl', '{"message": "hi"}\n'), { textColumn: 'message' }).texts).toEqual(['hi']);
    expect(readTexts(file('d.tsv', 'text\tlabel\tid\nso "good"\t1\ta\nmeh\t2\tb\n')).texts).toEqual(['so "good"', 'meh']);
    expect(readTexts(file('e.csv', 'id,body\n1,"line one\nline two"\n2,ok\n'), { textColumn: 'body' }).texts).toEqual(['line one\nline two', 'ok']);
    expect(readTexts(file('f.log', 'x\ny\n'), { format: 'text' }).texts).toEqual(['x', 'y']);
  });

  it('fails naming the file, the line or column, and the allowed values', () => {
    expect(() => readTexts(file('g.jsonl', '{"text": "ok"}\n{"body": "no"}\n'))).toThrow(/g\.jsonl: line 2: expected an object with a string "text"/);
    expect(() => readTexts(file('h.jsonl', 'not json\n'))).toThrow(/h\.jsonl: line 1: not valid JSON/);
    expect(() => readTexts(file('i.tsv', 'body\tid\nx\t1\n'))).toThrow(/i\.tsv: missing column "text" \(found: body, id\); set textColumn/);
    expect(() => readTexts(file('j.xml', '<a/>'))).toThrow(/cannot tell the format of .*j\.xml from its extension \(known: \.txt, \.jsonl, \.ndjson, \.csv, \.tsv\); allowed formats: text, jsonl, csv, tsv/);
    expect(() => readTexts(join(root, 'missing.txt'))).toThrow(/cannot read text file .*missing\.txt/);
  });

  it('reads the comments of GoEmotions train.tsv', () => {
    const path = sharedAsset('data/goemotions/train.tsv');
    if (!path) {
      console.warn('skipped: data/goemotions/train.tsv is not in the shared assets');
      return;
    }
    const { texts } = readTexts(path);
    expect(texts.length).toBeGreaterThan(40_000);
    expect(texts[0]).toBe("My favourite food is anything I didn't have to cook myself.");
  });
});
