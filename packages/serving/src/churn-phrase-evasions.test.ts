import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChurnPhraseMatcher } from './churn-phrases';

// Evasions of the churn phrase rule (invisible characters, look-alike letters, compatibility forms, spelled-out
// words), each with the phrase it must match, and innocent messages that must match nothing. The list lives in a
// fixture so that a new evasion seen in traffic is one entry, not a new test.
interface EvasionFixture {
  readonly phrases: readonly string[];
  readonly evasions: readonly { readonly text: string; readonly phrase: string; readonly technique: string }[];
  readonly innocent: readonly { readonly text: string; readonly why: string }[];
}

const fixture = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'churn-phrase-evasions.json'), 'utf8')) as EvasionFixture;
const matcher = new ChurnPhraseMatcher(fixture.phrases);

describe('churn phrase evasions (src/__fixtures__/churn-phrase-evasions.json)', () => {
  it('has enough cases of both kinds, each naming a configured phrase', () => {
    expect(fixture.evasions.length).toBeGreaterThanOrEqual(40);
    expect(fixture.innocent.length).toBeGreaterThanOrEqual(20);
    expect(fixture.evasions.filter((e) => !fixture.phrases.includes(e.phrase))).toEqual([]);
  });

  it.each(fixture.evasions.map((e) => [e.technique, e.phrase, e.text] as const))('%s → %s', (_technique, phrase, text) => {
    expect(matcher.match(text).map((m) => m.phrase)).toContain(phrase);
  });

  it.each(fixture.innocent.map((c) => [c.why, c.text] as const))('innocent: %s', (_why, text) => {
    expect(matcher.match(text)).toEqual([]);
  });
});
