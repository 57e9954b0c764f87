import { bertTokenizerJson, withTextReplacements, WordPieceTokenizer } from '@mangaassist/model-format';
import { emojiNameReplacements, emojiTokens } from './emoji-tokens';

describe('emojiTokens', () => {
  const tokens = emojiTokens(['thanks 🙏', 'omg 😭😭 it came early', '❤️❤️ love it 😭', 'flag 🇯🇵 and family 👨‍👩‍👧']);
  const names = tokens.map((t) => t.token);

  it("puts the texts' emoji first, most frequent first, each as a word and as a continuation, named by Unicode", () => {
    expect(tokens.slice(0, 6)).toEqual([
      { token: '😭', initFrom: 'loudly crying face' },
      { token: '##😭', initFrom: 'loudly crying face' },
      { token: '❤', initFrom: 'red heart' },
      { token: '##❤', initFrom: 'red heart' },
      { token: '🙏', initFrom: 'folded hands' },
      { token: '##🙏', initFrom: 'folded hands' },
    ]);
  });

  it('reads several-code-point emoji through their parts, then adds skin tones and every other emoji once', () => {
    // The family's people come next, in order of appearance; a flag's regional indicators are not pictographs.
    expect(names.slice(6, 12)).toEqual(['👨', '##👨', '👩', '##👩', '👧', '##👧']);
    expect(names.slice(12, 17)).toEqual(['##🏻', '##🏼', '##🏽', '##🏾', '##🏿']);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('🙄');
    expect(names).toContain('##🔥');
    expect(names.every((n) => !n.includes('\uFE0F'))).toBe(true);
    expect(tokens.length).toBeGreaterThan(2000);
  });

  it('uses the vocabulary prefix it is given', () => {
    expect(emojiTokens(['😭'], '@@').slice(0, 2).map((t) => t.token)).toEqual(['😭', '@@😭']);
  });
});

describe('emojiNameReplacements', () => {
  const replacements = emojiNameReplacements();

  it("replaces each single-code-point emoji by its Unicode name between spaces, and each skin tone by a space", () => {
    expect(replacements.find((r) => r.pattern === '❤')).toEqual({ pattern: '❤', content: ' red heart ' });
    expect(replacements.find((r) => r.pattern === '😍')).toEqual({ pattern: '😍', content: ' smiling face with heart-eyes ' });
    expect(replacements.slice(-5)).toEqual(['🏻', '🏼', '🏽', '🏾', '🏿'].map((pattern) => ({ pattern, content: ' ' })));
    // The same emoji emojiTokens can add, one code point each once U+FE0F is dropped, each once.
    const emoji = replacements.slice(0, -5).map((r) => r.pattern);
    expect(emoji.every((e) => [...e].length === 1)).toBe(true);
    expect(new Set(emoji)).toEqual(new Set(emojiTokens([]).filter((t) => !t.token.startsWith('##')).map((t) => t.token)));
    expect(emoji.length).toBeGreaterThan(1300);
  });

  it('lets a BERT tokenizer read emoji-only messages, runs of emoji and skin tones as words', () => {
    const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'red', 'heart', 'thumbs', 'up', 'waving', 'hand', 'thanks', 'family', ':', 'man', 'woman', 'girl'];
    const tokenizer = new WordPieceTokenizer(withTextReplacements(bertTokenizerJson(vocab), replacements).json);
    expect(tokenizer.encode('❤️❤️').tokens).toEqual(['[CLS]', 'red', 'heart', 'red', 'heart', '[SEP]']);
    expect(tokenizer.encode('thanks👍🏽👋').tokens).toEqual(['[CLS]', 'thanks', 'thumbs', 'up', 'waving', 'hand', '[SEP]']);
    // A zero-width-joiner sequence reads as its parts.
    expect(tokenizer.encode('family: 👨‍👩‍👧').tokens).toEqual(['[CLS]', 'family', ':', 'man', 'woman', 'girl', '[SEP]']);
  });
});
