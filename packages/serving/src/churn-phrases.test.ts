import { ChurnPhraseMatcher } from './churn-phrases';

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
  ])('%j → %j', (text, expected) => {
    expect(phrasesIn(text)).toEqual(expected);
  });

  it('reports the words that matched a prefix phrase', () => {
    expect(new ChurnPhraseMatcher(['cancel*']).match('I am cancelling')).toEqual([{ phrase: 'cancel*', matched: 'cancelling' }]);
  });

  it('matches nothing without phrases', () => {
    expect(new ChurnPhraseMatcher([]).match('cancel')).toEqual([]);
  });

  it('rejects a phrase without letters or digits, naming it', () => {
    expect(() => new ChurnPhraseMatcher(['cancel', '!!'])).toThrow(/phrases\[1\] \("!!"\)/);
  });
});
