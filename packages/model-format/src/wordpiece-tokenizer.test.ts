import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isMangaAssistError, sharedAsset } from '@mangaassist/common';
import { TINY_VOCAB } from './__tests__/tiny-vocab';
import { bertTokenizerJsonFromVocab } from './tokenizer-json';
import { WordPieceTokenizer } from './wordpiece-tokenizer';

interface TokenizerCase {
  text: string;
  tokens: string[];
  input_ids: number[];
  input_ids_max16: number[];
}

function tinyTokenizer(): WordPieceTokenizer {
  return new WordPieceTokenizer(bertTokenizerJsonFromVocab(TINY_VOCAB.join('\n')));
}

describe('WordPieceTokenizer', () => {
  it('lower-cases, splits punctuation and word pieces, and maps unknown words to [UNK]', () => {
    const encoded = tinyTokenizer().encode('Where is my ORDER?! Unbelievable xyz');
    expect(encoded.tokens).toEqual(['[CLS]', 'where', 'is', 'my', 'order', '?', '!', 'un', '##believ', '##able', '[UNK]', '[SEP]']);
    expect(encoded.ids).toEqual([2, 5, 6, 7, 8, 20, 19, 16, 17, 18, 1, 3]);
  });

  it('lists its vocabulary in id order', () => {
    const tokenizer = tinyTokenizer();
    expect(tokenizer.vocabulary()).toEqual(TINY_VOCAB);
    expect(tokenizer.vocabulary()[tokenizer.tokenToId('##able')!]).toBe('##able');
  });

  it('truncates to maxLength keeping [SEP] last', () => {
    const tokenizer = tinyTokenizer();
    expect(tokenizer.encode('where is my order', { maxLength: 4 }).tokens).toEqual(['[CLS]', 'where', 'is', '[SEP]']);
    expect(tokenizer.encode('where is my order', { maxLength: 2 }).ids).toEqual([2, 3]);
    expect(tokenizer.encode('', { maxLength: 8 }).ids).toEqual([2, 3]);
  });

  it('pads a batch to its longest text with attention masks, or to maxLength', () => {
    const tokenizer = tinyTokenizer();
    expect(tokenizer.encodeBatch(['where is my order', 'late'])).toEqual({
      inputIds: [
        [2, 5, 6, 7, 8, 3],
        [2, 10, 3, 0, 0, 0],
      ],
      attentionMask: [
        [1, 1, 1, 1, 1, 1],
        [1, 1, 1, 0, 0, 0],
      ],
      length: 6,
    });
    const fixed = tokenizer.encodeBatch(['where is my order', 'late'], { maxLength: 5, padding: 'max_length' });
    expect(fixed.inputIds).toEqual([
      [2, 5, 6, 7, 3],
      [2, 10, 3, 0, 0],
    ]);
    expect(fixed.length).toBe(5);
    expect(tokenizer.encodeBatch([]).inputIds).toEqual([]);
  });

  it('encodes int64 batches for ONNX Runtime with the same ids, truncation and padding as encodeBatch', () => {
    const tokenizer = tinyTokenizer();
    const texts = ['where is my order', 'late', 'never love this manga series again'];
    const int64 = tokenizer.encodeInt64(texts, { maxLength: 6 });
    // The longest text is cut to 6 tokens, [SEP] kept; the others are right-padded with [PAD] (id 0).
    expect(int64).toMatchObject({ batch: 3, length: 6 });
    expect(Array.from(int64.inputIds, Number)).toEqual([2, 5, 6, 7, 8, 3, 2, 10, 3, 0, 0, 0, 2, 12, 13, 14, 9, 3]);
    expect(Array.from(int64.attentionMask, Number)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    const rows = tokenizer.encodeBatch(texts, { maxLength: 6 });
    expect(Array.from(int64.inputIds, Number)).toEqual(rows.inputIds.flat());
    expect(Array.from(int64.attentionMask, Number)).toEqual(rows.attentionMask.flat());
    // Without a limit: the full length, as encode gives it.
    expect(tokenizer.encodeInt64(['never love this manga series again']).length).toBe(tokenizer.encode('never love this manga series again').ids.length);
    expect(() => tokenizer.encodeInt64([])).toThrow(new RangeError('texts must be a non-empty array of strings'));
    expect(() => tokenizer.encodeInt64(['ok', 42 as never])).toThrow(new TypeError('texts[1] must be a string, got number'));
    expect(() => tokenizer.encodeInt64(['ok'], { maxLength: 1 })).toThrow('maxLength must be an integer >= 2 (room for [CLS] and [SEP]), got 1');
  });

  it('decodes ids back to text without special tokens', () => {
    const tokenizer = tinyTokenizer();
    expect(tokenizer.decode(tokenizer.encode('Unbelievable manga!').ids)).toBe('unbelievable manga!');
  });

  it('rejects misuse naming the parameter', () => {
    const tokenizer = tinyTokenizer();
    expect(() => tokenizer.encode(42 as never)).toThrow(new TypeError('text must be a string, got number'));
    expect(() => tokenizer.encode('x', { maxLength: 1 })).toThrow(RangeError);
    expect(() => tokenizer.encodeBatch(['ok', null as never])).toThrow(new TypeError('texts[1] must be a string, got object'));
    expect(() => tokenizer.encodeBatch(['ok'], { padding: 'max_length' })).toThrow('padding "max_length" needs maxLength');
    expect(() => bertTokenizerJsonFromVocab('[PAD]\n[UNK]\nhello')).toThrow('vocabulary has no [CLS] token');
  });

  it('loads from a directory with only vocab.txt, saves tokenizer files, and reloads the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenizer-'));
    try {
      writeFileSync(join(dir, 'vocab.txt'), `${TINY_VOCAB.join('\n')}\n`);
      const fromVocab = WordPieceTokenizer.fromDirectory(dir);
      expect(fromVocab.vocabSize).toBe(TINY_VOCAB.length);
      rmSync(join(dir, 'vocab.txt'));
      fromVocab.save(dir);
      const reloaded = WordPieceTokenizer.fromDirectory(dir);
      expect(reloaded.json).toEqual(fromVocab.json);
      expect(reloaded.encode('never again!').ids).toEqual(fromVocab.encode('never again!').ids);
      rmSync(join(dir, 'tokenizer.json'));
      const error = (() => {
        try {
          WordPieceTokenizer.fromDirectory(dir);
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      expect(isMangaAssistError(error, 'NOT_FOUND')).toBe(true);
      expect(error!.message).toBe(`${dir}: no tokenizer.json or vocab.txt`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const casesFile = sharedAsset('fixtures/hf/tokenizer_cases.json');
  const vocabFile = sharedAsset('models/bert-base-uncased/vocab.txt');
  const tokenizerJson = sharedAsset('models/bert-base-uncased/tokenizer.json');
  const available = casesFile && vocabFile && tokenizerJson;
  (available ? describe : describe.skip)(
    `against Hugging Face${available ? '' : ' (skipped: fixtures/hf/tokenizer_cases.json or models/bert-base-uncased/{vocab.txt,tokenizer.json} is not available)'}`,
    () => {
      const cases = () => (JSON.parse(readFileSync(casesFile!, 'utf8')) as { cases: TokenizerCase[] }).cases;

      it('builds from vocab.txt exactly the tokenizer.json Hugging Face built from it', () => {
        const built = bertTokenizerJsonFromVocab(readFileSync(vocabFile!, 'utf8'));
        expect(built).toEqual(JSON.parse(readFileSync(tokenizerJson!, 'utf8')));
      });

      it.each([
        ['tokenizer.json', () => WordPieceTokenizer.fromDirectory(dirname(tokenizerJson!))],
        ['vocab.txt only', () => new WordPieceTokenizer(bertTokenizerJsonFromVocab(readFileSync(vocabFile!, 'utf8')))],
      ])('reproduces tokens, ids and truncation to 16 of all 24 reference cases (%s)', (_, make) => {
        const tokenizer = make();
        const all = cases();
        expect(all).toHaveLength(24);
        for (const c of all) {
          const encoded = tokenizer.encode(c.text);
          expect({ text: c.text, tokens: encoded.tokens, ids: encoded.ids }).toEqual({ text: c.text, tokens: c.tokens, ids: c.input_ids });
          expect(tokenizer.encode(c.text, { maxLength: 16 }).ids).toEqual(c.input_ids_max16);
        }
      });
    },
  );
});
