import { bertTokenizerJson, WordPieceTokenizer } from '@mangaassist/model-format';
import { addTokensToVocabulary } from './new-tokens';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'love', 'this', 'red', 'heart', '[unused0]', '[unused1]'];
const DIM = 3;

describe('addTokensToVocabulary', () => {
  it('starts each new row at the mean embedding of its name and leaves every other row alone', () => {
    const tokenizer = new WordPieceTokenizer(bertTokenizerJson(VOCAB));
    const embeddings = Float32Array.from({ length: VOCAB.length * DIM }, (_, i) => i);
    const before = embeddings.slice();
    const { tokenizer: out, report } = addTokensToVocabulary(tokenizer, embeddings, DIM, [
      { token: '❤', initFrom: 'red heart' },
      { token: '🙄', initFrom: 'face with rolling eyes' },
      { token: 'love', initFrom: 'love' },
      { token: '👍', initFrom: 'thumbs up' },
    ]);
    expect(report).toEqual({ placed: 2, present: 1, leftOut: 1 });
    expect(out.encode('love ❤ 🙄 👍').tokens).toEqual(['[CLS]', 'love', '❤', '🙄', '[UNK]', '[SEP]']);
    // ❤ took [unused0] (id 9): the mean of "red" (id 7) and "heart" (id 8).
    expect(Array.from(embeddings.subarray(9 * DIM, 10 * DIM))).toEqual([22.5, 23.5, 24.5]);
    // 🙄's name is all [UNK] here, so its row ([unused1], id 10) stays as it was.
    expect(Array.from(embeddings.subarray(10 * DIM))).toEqual(Array.from(before.subarray(10 * DIM)));
    expect(Array.from(embeddings.subarray(0, 9 * DIM))).toEqual(Array.from(before.subarray(0, 9 * DIM)));
    expect(out.config).toBe(tokenizer.config);
  });

  it('refuses embeddings that are not whole rows', () => {
    const tokenizer = new WordPieceTokenizer(bertTokenizerJson(VOCAB));
    expect(() => addTokensToVocabulary(tokenizer, new Float32Array(10), DIM, [])).toThrow('not a whole number of rows of 3');
  });
});
