import { foldConfusables, matchingWords, normalizeForMatching } from './normalize-text';

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
    ['can\u00adcel', 'cancel'], // soft hyphen
    ['c\u200ban\u200cc\u200de\u2060l\ufeff', 'cancel'], // zero-width characters, word joiner, BOM
    ['\u202ac\u202ba\u202cn\u202dc\u202ee\u200el\u200f', 'cancel'], // bidi embeddings, overrides, marks
    ['\u2066can\u2067cel\u2068!\u2069', 'cancel'], // bidi isolates
    ['never\u3164again', 'neveragain'], // Hangul filler: invisible, so the words run together as they look
    ['\u0130stanbul', 'istanbul'], // lower-casing İ leaves a combining dot, dropped
  ])('%j → %j', (input, expected) => {
    expect(normalizeForMatching(input)).toBe(expected);
  });
});

describe('foldConfusables', () => {
  it('folds the Cyrillic and Greek look-alikes of Latin letters, in either case', () => {
    expect(foldConfusables('\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456')).toBe('aeopcyxi'); // а е о р с у х і
    expect(foldConfusables('\u0410\u0415\u041e\u0420\u0421\u0425\u0406')).toBe('aeopcxi'); // А Е О Р С Х І
    expect(foldConfusables('\u03bf\u03b1\u03b9\u03bd\u03c1')).toBe('oaivp'); // ο α ι ν ρ
    expect(foldConfusables('\u0395\u039d\u0391\u039f\u03a4')).toBe('enaot'); // Ε Ν Α Ο Τ (capitals only look alike)
    expect(foldConfusables('\u0131')).toBe('i'); // dotless i
  });

  it('gives a plain word and its disguised forms one key, and different words different keys', () => {
    const key = foldConfusables('cancel');
    for (const disguised of ['CANCEL', '\u0441\u0430n\u0441\u0435l', 'cance1', 'C\u0410NCEL']) expect(foldConfusables(disguised)).toBe(key);
    for (const other of ['cancels', 'camcel', 'candle', 'parcel']) expect(foldConfusables(other)).not.toBe(key);
  });
});

describe('matchingWords', () => {
  it('keeps the normalised word for display and compares by its folded key', () => {
    expect(matchingWords('I\u2019m NE\u0412ER \u0441\u0430ncel-ing!')).toEqual([
      { text: 'im', key: foldConfusables('im') },
      { text: 'ne\u0432er', key: foldConfusables('ne\u0412er') }, // Cyrillic В looks like B, not v: no match for "never"
      { text: '\u0441\u0430ncel', key: foldConfusables('cancel') },
      { text: 'ing', key: 'ing' },
    ]);
    expect(matchingWords('x').map((w) => w.text)).toEqual(normalizeForMatching('x').split(' '));
  });
});
