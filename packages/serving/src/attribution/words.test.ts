import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WordPieceTokenizer } from '@mangaassist/model-format';
import { wordPieceView } from '../onnx/export-dir';
import { mapWords, splitWords, WHOLE_WORD_PIECES, withoutWord, type WordPieceView } from './words';

const TINY = join(__dirname, '..', 'onnx', '__fixtures__', 'tiny-export');
const SHARED = process.env.MANGAASSIST_SHARED_DIR ?? join(__dirname, '..', '..', '..', '..', '..', 'shared');
const BERT = join(SHARED, 'models', 'bert-base-uncased');
const FIXTURES = join(__dirname, '..', '..', '..', 'data', 'fixtures');

/** The hand-written messages, plus texts with the characters the normaliser treats specially. */
function texts(): string[] {
  const handwritten = ['handwritten-eval.jsonl']
    .flatMap((f) => readFileSync(join(FIXTURES, f), 'utf8').split('\n').filter(Boolean))
    .map((line) => (JSON.parse(line) as { text: string }).text);
  return [
    ...handwritten,
    "don't   CANCEL!!! my order\tnow\nplease",
    'zero\u200Bwidth joins, nbsp\u00A0splits, next\u0085line joins',
    'emoji😡glued and 😍😍 alone, Café déjà vu',
    '   leading and trailing   ',
  ];
}

describe('splitWords', () => {
  it('splits at white space only, with UTF-16 offsets, keeping punctuation and emoji with their word', () => {
    expect(splitWords("  where's it?! 😡 ok")).toEqual([
      { text: "where's", start: 2, end: 9 },
      { text: 'it?!', start: 10, end: 14 },
      { text: '😡', start: 15, end: 17 },
      { text: 'ok', start: 18, end: 20 },
    ]);
  });

  it('treats the white space the tokenizer drops (NEL, a control character) as part of the word, like the tokenizer', () => {
    expect(splitWords('a\u0085b c\u00A0d').map((w) => w.text)).toEqual(['a\u0085b', 'c', 'd']);
  });
});

describe('mapWords', () => {
  const fake: WordPieceView = { pieces: (t) => (t === 'zz' ? [] : t.length > 4 ? [t.slice(0, 4), `##${t.slice(4)}`] : [t]), maxPieces: 5 };

  it('gives each word its pieces and the position of its first piece, skipping words with no piece', () => {
    expect(mapWords('so zz annoyed', fake)).toEqual({
      words: [
        { text: 'so', start: 0, end: 2, pieces: ['so'], firstPiece: 0 },
        { text: 'annoyed', start: 6, end: 13, pieces: ['anno', '##yed'], firstPiece: 1 },
      ],
      cut: false,
      read: 'so zz annoyed',
    });
  });

  it('stops at the token limit: a cut word keeps the pieces read, and the text read ends with it', () => {
    const map = mapWords('a b c annoyed later words', fake);
    expect(map.words.map((w) => [w.text, w.pieces, w.firstPiece])).toEqual([
      ['a', ['a'], 0],
      ['b', ['b'], 1],
      ['c', ['c'], 2],
      ['annoyed', ['anno', '##yed'], 3],
    ]);
    expect(map.cut).toBe(true);
    expect(map.read).toBe('a b c annoyed');
    const cutInside = mapWords('a b c d annoyed', fake);
    expect(cutInside.words.at(-1)).toMatchObject({ text: 'annoyed', pieces: ['anno'], firstPiece: 4 });
  });

  it('without a tokenizer, counts one piece per word and cuts nothing', () => {
    expect(mapWords('one two', WHOLE_WORD_PIECES).words.map((w) => w.pieces)).toEqual([['one'], ['two']]);
  });
});

describe.each([
  ['the tiny export fixture', TINY],
  ['bert-base-uncased', BERT],
])('word pieces of a real tokenizer (%s)', (_name, dir) => {
  const present = existsSync(join(dir, 'tokenizer.json'));
  if (!present) {
    it.skip(`needs ${join(dir, 'tokenizer.json')}`, () => undefined);
    return;
  }
  const tokenizer = WordPieceTokenizer.fromDirectory(dir);
  const view = wordPieceView(tokenizer, 512);
  const all = (text: string) => tokenizer.encode(text).tokens.slice(1, -1);

  it('the words’ pieces, one after the other, are the pieces of the whole text', () => {
    for (const text of texts()) expect([text, mapWords(text, view).words.flatMap((w) => w.pieces)]).toEqual([text, all(text)]);
  });

  it('deleting a word leaves exactly the text’s pieces less that word’s', () => {
    for (const text of texts()) {
      const { words } = mapWords(text, view);
      const pieces = all(text);
      for (const w of words) {
        const expected = [...pieces.slice(0, w.firstPiece), ...pieces.slice(w.firstPiece + w.pieces.length)];
        expect([text, w.text, all(withoutWord(text, w))]).toEqual([text, w.text, expected]);
      }
    }
  });

  it('cuts where the model cuts', () => {
    const short = wordPieceView(tokenizer, 8);
    const text = 'my order is late again and nobody answers my emails at all';
    const read = mapWords(text, short).words.flatMap((w) => w.pieces);
    expect(read).toEqual(tokenizer.encode(text, { maxLength: 8 }).tokens.slice(1, -1));
  });
});
