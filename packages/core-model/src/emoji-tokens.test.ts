import { emojiTokens } from './emoji-tokens';

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
