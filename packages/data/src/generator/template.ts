import type { Rng } from '@mangaassist/common';

type Node = string | { readonly slot: string } | { readonly choice: readonly Node[][] };

const cache = new Map<string, Node[]>();

/**
 * Expands a phrase template: `[a|b|c]` picks one alternative (nested freely, `[|x]` makes `x` optional) and
 * `{name}` is replaced by `slots(name)`. Spaces left by empty alternatives are collapsed, so templates can be
 * written naturally.
 *
 * @example
 * ```ts
 * expand('my [order|package] {order} [still|] has not arrived', rng, (name) => (name === 'order' ? '#48213' : ''));
 * // 'my package #48213 still has not arrived'
 * ```
 */
export function expand(template: string, rng: Rng, slots: (name: string) => string): string {
  let nodes = cache.get(template);
  if (nodes === undefined) {
    nodes = parse(template);
    cache.set(template, nodes);
  }
  return render(nodes, rng, slots).replace(/ {2,}/g, ' ').replace(/ ([,.!?;:])/g, '$1').trim();
}

function render(nodes: readonly Node[], rng: Rng, slots: (name: string) => string): string {
  let out = '';
  for (const node of nodes) {
    if (typeof node === 'string') out += node;
    else if ('slot' in node) out += slots(node.slot);
    else out += render(rng.pick(node.choice), rng, slots);
  }
  return out;
}

function parse(template: string): Node[] {
  let position = 0;
  const sequence = (inChoice: boolean): Node[] => {
    const nodes: Node[] = [];
    let text = '';
    const flush = (): void => {
      if (text.length > 0) nodes.push(text);
      text = '';
    };
    while (position < template.length) {
      const char = template[position] as string;
      if (char === '[') {
        flush();
        position++;
        const alternatives: Node[][] = [sequence(true)];
        while (template[position] === '|') {
          position++;
          alternatives.push(sequence(true));
        }
        if (template[position] !== ']') throw new SyntaxError(`unclosed "[" in template ${JSON.stringify(template)}`);
        position++;
        nodes.push({ choice: alternatives });
      } else if (inChoice && (char === '|' || char === ']')) {
        break;
      } else if (char === '{') {
        flush();
        const end = template.indexOf('}', position);
        if (end === -1) throw new SyntaxError(`unclosed "{" in template ${JSON.stringify(template)}`);
        nodes.push({ slot: template.slice(position + 1, end) });
        position = end + 1;
      } else if (!inChoice && (char === '|' || char === ']')) {
        throw new SyntaxError(`stray "${char}" at ${position} in template ${JSON.stringify(template)}`);
      } else {
        text += char;
        position++;
      }
    }
    flush();
    return nodes;
  };
  return sequence(false);
}
