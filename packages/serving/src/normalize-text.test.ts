import { normalizeForMatching } from './normalize-text';

describe('normalizeForMatching', () => {
  it.each([
    ["I'm DONE with   this!!", 'im done with this'],
    ['Ｉ’m ｄｏｎｅ ｗｉｔｈ this', 'im done with this'],
    ['Annulé, café — déçu', 'annule cafe decu'],
    ['never-again...', 'never again'],
    ['\t\n  spaced\u00a0out  ', 'spaced out'],
    ["don't / dont", 'dont dont'],
    ["'quoted'", 'quoted'],
    ['ﬁnal', 'final'], // NFKC ligature
    ['①②', '12'], // NFKC circled digits
    ['', ''],
    ['!!!', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeForMatching(input)).toBe(expected);
  });
});
