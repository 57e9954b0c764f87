import { createRng, type Rng } from '@mangaassist/common';
import type { LabelledConversation } from './conversation-dataset';

const TITLES = ['One Piece', 'Frieren', 'Chainsaw Man', 'Berserk', 'Dandadan', 'Blue Lock', 'Spy x Family', 'Vinland Saga', 'Kaiju No. 8', 'Witch Hat Atelier', 'Mob Psycho 100', 'Sakamoto Days'];

/*
 * Last messages that say nothing on their own: the same pool closes conversations of every pattern, so the last
 * message cannot tell an escalation from a routine chat; only the earlier turns can.
 */
const AMBIGUOUS_LAST = ['ok', 'so what now?', 'any update?', 'hello?', 'what are my options', 'right.', 'ok let me know', 'so?', 'what do you suggest', 'is anyone there', 'and then?', 'can you check'];

type Fill = (rng: Rng) => Record<string, string>;
const fill: Fill = (rng) => ({
  title: rng.pick(TITLES),
  vol: String(rng.int(1, 30)),
  order: rng.chance(0.5) ? String(rng.int(10_000, 99_999)) : `MA-${rng.int(10_000, 99_999)}`,
  days: String(rng.int(4, 20)),
});

/** Earlier turns per pattern: `{title}`, `{vol}`, `{order}`, `{days}` are filled once per conversation. */
const PATTERNS: Readonly<Record<string, { escalate: boolean; turns: readonly (readonly string[])[] }>> = {
  'sustained-frustration': {
    escalate: true,
    turns: [
      ['my {title} {vol} still has not arrived', 'my {title} vol {vol} came damaged', 'the {title} preorder got delayed again'],
      ['it has been {days} days now', 'this is the second time this happens', 'nobody answered my email either'],
      ['honestly pretty disappointed', 'not great at all', 'this is getting old'],
    ],
  },
  'rising-frustration': {
    escalate: true,
    turns: [
      ['hi, quick question about my {title} order', 'hello, is {title} {vol} back in stock soon?', 'hey, checking on a delivery'],
      ['tracking has not moved in {days} days', 'you said it would be in last friday', 'the status changed back to processing?'],
      ['this is ridiculous, I keep getting different answers', 'I am really fed up with this now', 'this is so frustrating, I paid for express'],
    ],
  },
  'repeated-order': {
    escalate: true,
    turns: [
      ['where is order {order}?', 'hi, I need an update on order {order}'],
      ['following up on order {order} again', 'any news on {order}? the chat closed last time'],
      ['it is me again about {order}', 'order {order}, still waiting'],
    ],
  },
  'earlier-churn': {
    escalate: true,
    turns: [
      ['I am thinking about cancelling my subscription', 'if this keeps happening I am done with this store', 'please close my account after this order'],
      ['the last {title} box was late again', 'third damaged delivery this year', 'another shop ships faster'],
    ],
  },
  resolved: {
    escalate: false,
    turns: [
      ['my {title} {vol} has not arrived yet', 'the tracking link gives an error', 'I cannot log in'],
      ['oh wait, found it, sorry!', 'never mind, it works now', 'reset my password, all good'],
    ],
  },
  'benign-question': {
    escalate: false,
    turns: [
      ['do you ship {title} box sets abroad?', 'is the {title} deluxe edition hardcover?', 'is there a student discount?'],
      ['how long does it usually take?', 'does it come with the bonus postcard?', 'will preorders be included in the sale?'],
    ],
  },
  'order-twice': {
    escalate: false,
    turns: [
      ['can I add a gift note to order {order}?', 'I would like to return vol {vol} from order {order}'],
      ['it is for order {order}, no invoice in the box please', 'just vol {vol} from {order}, the rest is fine'],
    ],
  },
  'benign-cancel': {
    escalate: false,
    turns: [
      ['I ordered {title} {vol} twice by mistake, can you cancel one?', 'can I cancel the gift wrap on my order?', 'how do I cancel one item from my cart?'],
      ['awesome, thanks!', 'perfect', 'found it, thank you'],
    ],
  },
  'mild-once': {
    escalate: false,
    turns: [
      ['shipping took a bit longer than I expected', 'the box was slightly dented', 'I forgot to use my coupon, my bad'],
      ['but the books are in great shape, thanks!', 'the books inside are fine though', 'oh well, next time'],
    ],
  },
};

/** Options of {@link generateConversations}. */
export interface GenerateConversationsOptions {
  /** How many conversations (escalate and not, about half each). */
  readonly n: number;
  readonly seed: number;
}

/**
 * Seeded multi-turn conversations whose last message alone is ambiguous (drawn from one pool for every pattern) and
 * whose earlier turns decide: sustained or rising frustration, repeated contact about one order, an earlier churn
 * phrase (escalate); a problem that resolved itself, questions, an order mentioned twice, a harmless "cancel", a
 * mild remark (do not). The same seed gives the same conversations.
 *
 * @example
 * ```ts
 * const conversations = generateConversations({ n: 200, seed: 7 });
 * conversations.filter((c) => c.escalate).length; // about 100
 * ```
 */
export function generateConversations(options: GenerateConversationsOptions): LabelledConversation[] {
  if (!Number.isInteger(options.n) || options.n < 1) throw new RangeError(`n must be a positive integer, got ${options.n}`);
  const rng = createRng(options.seed);
  const yes = Object.keys(PATTERNS).filter((p) => PATTERNS[p]!.escalate);
  const no = Object.keys(PATTERNS).filter((p) => !PATTERNS[p]!.escalate);
  return Array.from({ length: options.n }, (_, i) => {
    const pattern = rng.pick(i % 2 === 0 ? yes : no);
    const { escalate, turns } = PATTERNS[pattern]!;
    const slots = fill(rng);
    const earlier = turns.map((choices) => rng.pick(choices).replace(/\{(\w+)\}/g, (_, key: string) => slots[key] ?? key));
    return { id: `gc-${String(i + 1).padStart(4, '0')}`, escalate, pattern, turns: [...earlier, rng.pick(AMBIGUOUS_LAST)] };
  });
}
