import { TINY_VOCAB } from './__tests__/tiny-vocab';
import { bertTokenizerJson, foldedReplacements, withTextReplacements, withTokensInUnusedSlots } from './tokenizer-json';
import { WordPieceTokenizer } from './wordpiece-tokenizer';

// Slots out of order in the file, as a vocabulary may list them: the lowest N is taken first, whatever its id.
const VOCAB = [...TINY_VOCAB, '[unused1]', '[unused0]', '[unused2]'];
const vocabOf = (json: Record<string, unknown>) => (json.model as { vocab: Record<string, number> }).vocab;

describe('withTokensInUnusedSlots', () => {
  it('puts new tokens into the [unusedN] slots, lowest N first, and the tokenizer then reads them', () => {
    const json = bertTokenizerJson(VOCAB);
    const { json: out, placed, present, leftOut } = withTokensInUnusedSlots(json, ['😭', '##😭']);
    expect(placed).toEqual([
      { token: '😭', id: TINY_VOCAB.length + 1 },
      { token: '##😭', id: TINY_VOCAB.length },
    ]);
    expect(present).toEqual([]);
    expect(leftOut).toEqual([]);
    expect(Object.keys(vocabOf(out))).toHaveLength(VOCAB.length);
    expect(vocabOf(out)).not.toHaveProperty('[unused0]');
    expect(vocabOf(out)['[unused2]']).toBe(TINY_VOCAB.length + 2);
    const tokenizer = new WordPieceTokenizer(out);
    expect(tokenizer.encode('love this 😭😭').tokens).toEqual(['[CLS]', 'love', 'this', '😭', '##😭', '[SEP]']);
    expect(new WordPieceTokenizer(json).encode('love this 😭😭').tokens).toEqual(['[CLS]', 'love', 'this', '[UNK]', '[SEP]']);
  });

  it('keeps tokens the vocabulary has, skips repeats and leaves out what finds no slot, in order', () => {
    const json = bertTokenizerJson(VOCAB);
    // "constructor" is a key of every object's prototype, not of the vocabulary.
    const { placed, present, leftOut } = withTokensInUnusedSlots(json, ['manga', 'a', 'a', 'constructor', 'c', 'd', 'e']);
    expect(present).toEqual(['manga']);
    expect(placed.map((p) => p.token)).toEqual(['a', 'constructor', 'c']);
    expect(leftOut).toEqual(['d', 'e']);
  });

  it('does not change the input and refuses a tokenizer that is not WordPiece', () => {
    const json = bertTokenizerJson(VOCAB);
    const before = JSON.stringify(json);
    withTokensInUnusedSlots(json, ['😭']);
    expect(JSON.stringify(json)).toBe(before);
    expect(() => withTokensInUnusedSlots({ model: { type: 'BPE', vocab: {} } }, ['😭'])).toThrow(
      'tokenizer.json has no WordPiece vocabulary (model.type is "BPE")',
    );
  });
});

describe('withTextReplacements', () => {
  const VOCAB_WITH_NAMES = [...TINY_VOCAB, 'red', 'heart', 'thumbs', 'up'];
  const replacements = [
    { pattern: '❤', content: ' red heart ' },
    { pattern: '👍', content: ' thumbs up ' },
  ];

  it('rewrites the text before BERT normalises and splits it, and leaves the input unchanged', () => {
    const json = bertTokenizerJson(VOCAB_WITH_NAMES);
    const before = JSON.stringify(json);
    const { json: out, added, present } = withTextReplacements(json, replacements);
    expect(JSON.stringify(json)).toBe(before);
    expect({ added, present }).toEqual({ added: 2, present: 0 });
    // U+FE0F after ❤ is dropped by BERT's normaliser, which runs after the replacements.
    expect(new WordPieceTokenizer(out).encode('Love this ❤️❤️👍').tokens).toEqual(['[CLS]', 'love', 'this', 'red', 'heart', 'red', 'heart', 'thumbs', 'up', '[SEP]']);
    expect(new WordPieceTokenizer(json).encode('love this ❤️👍').tokens).toEqual(['[CLS]', 'love', 'this', '[UNK]', '[SEP]']);
    expect((out.normalizer as { normalizers: unknown[] }).normalizers.at(-1)).toEqual(json.normalizer);
  });

  it('adds a pattern once: a model rewritten before is not rewritten twice, and the first of a repeated pattern wins', () => {
    const { json: once } = withTextReplacements(bertTokenizerJson(VOCAB_WITH_NAMES), replacements);
    const twice = withTextReplacements(once, [...replacements, { pattern: '👍', content: ' up ' }]);
    expect({ added: twice.added, present: twice.present }).toEqual({ added: 0, present: 2 });
    expect(twice.json).toEqual(once);
    const repeated = withTextReplacements(bertTokenizerJson(VOCAB_WITH_NAMES), [{ pattern: '👍', content: ' thumbs up ' }, { pattern: '👍', content: ' up ' }]);
    expect(repeated.added).toBe(1);
    expect(new WordPieceTokenizer(repeated.json).encode('👍').tokens).toEqual(['[CLS]', 'thumbs', 'up', '[SEP]']);
  });

  it('refuses an empty pattern, naming it', () => {
    expect(() => withTextReplacements(bertTokenizerJson(VOCAB_WITH_NAMES), [{ pattern: '👍', content: ' ' }, { pattern: '', content: 'x' }])).toThrow(
      'replacement 1 has an empty pattern',
    );
  });
});

describe('foldedReplacements', () => {
  // @huggingface/tokenizers applies the file's Replace normalisers one by one: the reference for the folded pass. The
  // package declares itself an ES module but ships a CommonJS build, which jest's CommonJS tests can only require
  // (as wordpiece-tokenizer.ts does).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Tokenizer } = require('@huggingface/tokenizers') as typeof import('@huggingface/tokenizers', { with: { 'resolution-mode': 'import' } });
  const sequential = (json: Record<string, unknown>, text: string) => ['[CLS]', ...new Tokenizer(json, {}).encode(text, { add_special_tokens: false }).tokens, '[SEP]'];
  const VOCAB_WITH_NAMES = [...TINY_VOCAB, 'red', 'heart', 'thumbs', 'up', 'x'];
  const texts = ['Love this ❤️❤️👍', 'where is my order 👍🏽?', '👍👍 never again ❤', 'no emoji at all', ''];

  it('rewrites in one pass exactly what the sequence of Replace normalisers gives, and the tokenizer uses it', () => {
    const replacements = [
      { pattern: '❤', content: ' red heart ' },
      { pattern: '👍', content: ' thumbs up ' },
      { pattern: '👍', content: ' x ' },
      { pattern: '🏽', content: ' ' },
    ];
    const { json } = withTextReplacements(bertTokenizerJson(VOCAB_WITH_NAMES), replacements);
    const folded = foldedReplacements(json)!;
    expect(folded.rewrite('a 👍 b ❤️')).toBe('a  thumbs up  b  red heart \uFE0F');
    expect((folded.rest.normalizer as { normalizers: unknown[] }).normalizers).toEqual([bertTokenizerJson(VOCAB_WITH_NAMES).normalizer]);
    const tokenizer = new WordPieceTokenizer(json);
    for (const text of texts) expect(tokenizer.encode(text).tokens).toEqual(sequential(json, text));
    expect(tokenizer.json).toEqual(json);
  });

  it('folds nothing where one pass could differ: a replacement that holds a pattern, or no leading Replace', () => {
    const chained = withTextReplacements(bertTokenizerJson(VOCAB_WITH_NAMES), [
      { pattern: '❤', content: ' 👍 ' },
      { pattern: '👍', content: ' thumbs up ' },
    ]).json;
    expect(foldedReplacements(chained)).toBeUndefined();
    for (const text of texts) expect(new WordPieceTokenizer(chained).encode(text).tokens).toEqual(sequential(chained, text));
    expect(foldedReplacements(bertTokenizerJson(VOCAB_WITH_NAMES))).toBeUndefined();
    // A pattern of two code points ends the folded run; what follows stays in the file's sequence, in order.
    const mixed = withTextReplacements(bertTokenizerJson(VOCAB_WITH_NAMES), [
      { pattern: '❤', content: ' red heart ' },
      { pattern: 'xx', content: ' up ' },
      { pattern: '👍', content: ' thumbs up ' },
    ]).json;
    expect((foldedReplacements(mixed)!.rest.normalizer as { normalizers: unknown[] }).normalizers).toHaveLength(3);
    for (const text of [...texts, 'xx ❤ 👍']) expect(new WordPieceTokenizer(mixed).encode(text).tokens).toEqual(sequential(mixed, text));
  });
});
