import { TINY_VOCAB } from './__tests__/tiny-vocab';
import { bertTokenizerJson, withTokensInUnusedSlots } from './tokenizer-json';
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
