import { createRng } from '@mangaassist/common';
import { expand } from './template';

describe('expand', () => {
  const slots = (name: string) => ({ order: '#48213', day: 'Friday' })[name] ?? `<${name}>`;

  it('picks alternatives (nested, optional) and fills slots', () => {
    const rng = createRng(1);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(expand('my [order|package [|{order}]] [still|] has not come by {day}', rng, slots));
    expect(seen).toEqual(
      new Set([
        'my order still has not come by Friday',
        'my order has not come by Friday',
        'my package still has not come by Friday',
        'my package has not come by Friday',
        'my package #48213 still has not come by Friday',
        'my package #48213 has not come by Friday',
      ]),
    );
  });

  it('tidies spaces before punctuation left by empty alternatives', () => {
    expect(expand('thanks [|a lot] !', createRng(2), slots)).toMatch(/^thanks( a lot)?!$/);
  });

  it('reports unbalanced brackets with the template', () => {
    expect(() => expand('a [b|c', createRng(1), slots)).toThrow('unclosed "[" in template "a [b|c"');
    expect(() => expand('a b] c', createRng(1), slots)).toThrow(/stray "\]"/);
    expect(() => expand('a {b', createRng(1), slots)).toThrow(/unclosed "\{"/);
  });
});
