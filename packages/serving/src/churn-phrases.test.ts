import { CHURN_PHRASE_LIMITS, ChurnPhraseMatcher, normalizeChurnPhrase, normalizeChurnPhrases } from './churn-phrases';

describe('ChurnPhraseMatcher', () => {
  const matcher = new ChurnPhraseMatcher(['cancel', 'never again', 'done with', 'unsubscrib*', "can't stand"]);
  const phrasesIn = (text: string) => matcher.match(text).map((m) => m.phrase);

  it.each([
    ['I want to CANCEL my order', ['cancel']],
    ['Cancel!', ['cancel']],
    ['my order was cancelled', []],
    ['cancellation policy?', []],
    ['NEVER   again will I order here', ['never again']],
    ['never, again', ['never again']],
    ['never said again', []],
    ["I'm done with you", ['done with']],
    ['Unsubscribing now', ['unsubscrib*']],
    ['unsubscribe', ['unsubscrib*']],
    ['cant stand this', ["can't stand"]],
    ['I can’t stand it', ["can't stand"]],
    ['abandon with grace', []],
    ['Ｃａｎｃｅｌ', ['cancel']],
    ['never again. cancel. done with it', ['cancel', 'never again', 'done with']],
    ['c a n c e l', ['cancel']],
    ['c.a.n.c.e.l!', ['cancel']],
    ['c a n c e l l e d', []], // spelled out, the past tense is still not the phrase
    ['c a n c e l i t', []], // the run goes on: it does not end where "cancel" ends
    ['d o n e w i t h you', ['done with']],
    ['never a g a i n', ['never again']],
    ['n e v e r', []], // one word of a two-word phrase
    ['u n s u b s c r i b i n g', ['unsubscrib*']],
    ['\u0441\u0430n\u0441\u0435l', ['cancel']], // Cyrillic с а е
    ['ca\u00adn\u200bcel', ['cancel']], // soft hyphen, zero-width space
  ])('%j → %j', (text, expected) => {
    expect(phrasesIn(text)).toEqual(expected);
  });

  it('reports the words that matched a prefix phrase', () => {
    expect(new ChurnPhraseMatcher(['cancel*']).match('I am cancelling')).toEqual([{ phrase: 'cancel*', matched: 'cancelling' }]);
  });

  it('reports spelled-out and disguised words as the text wrote them (normalised)', () => {
    expect(matcher.match('I will c.a.n.c.e.l')).toEqual([{ phrase: 'cancel', matched: 'c a n c e l' }]);
    expect(matcher.match('I am \u0434one with you')).toEqual([]); // Cyrillic д does not look like d
    expect(matcher.match('I am d\u043ene with you')).toEqual([{ phrase: 'done with', matched: 'd\u043ene with' }]);
  });

  it('reads single letters together only for words of three letters or more', () => {
    const short = new ChurnPhraseMatcher(['no', 'bye', 'plan b']);
    expect(short.match('n o').map((m) => m.phrase)).toEqual([]);
    expect(short.match('b y e').map((m) => m.phrase)).toEqual(['bye']);
    expect(short.match('we go with plan b').map((m) => m.phrase)).toEqual(['plan b']);
  });

  it('matches nothing without phrases', () => {
    expect(new ChurnPhraseMatcher([]).match('cancel')).toEqual([]);
  });

  it('rejects a phrase without letters or digits, naming it', () => {
    expect(() => new ChurnPhraseMatcher(['cancel', '!!'])).toThrow(/phrases\[1\] \("!!"\)/);
  });
});

describe('normalizeChurnPhrases (operator-edited lists)', () => {
  it('normalises each phrase as the matcher reads text, keeping a trailing prefix star, and drops duplicates', () => {
    expect(normalizeChurnPhrases(['  Never   AGAIN!', 'Unsubscrib*', 'never again', 'Ｄｏｎｅ-With', 'annulé', 'can\u00ADcel'])).toEqual([
      'never again',
      'unsubscrib*',
      'done with',
      'annule',
      'cancel',
    ]);
    expect(normalizeChurnPhrase('<img src=x onerror=alert(1)>')).toBe('img src x onerror alert 1');
  });

  it.each([
    [[], /at least one phrase/],
    [Array.from({ length: CHURN_PHRASE_LIMITS.maxPhrases + 1 }, (_, i) => `p${i}`), /at most 200 phrases/],
    [['ok', 'x'.repeat(CHURN_PHRASE_LIMITS.maxLength + 1)], /phrases\[1\] must be at most 100/],
    [['ok', '!!!'], /phrases\[1\] \("!!!"\) has no letters or digits/],
    [['*'], /phrases\[0\]/],
    [['\u200B\u200B'], /phrases\[0\]/],
  ])('refuses %j', (phrases, message) => {
    expect(() => normalizeChurnPhrases(phrases as string[])).toThrow(message);
  });
});
