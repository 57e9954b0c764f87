import type { Rng } from '@mangaassist/common';
import type { Register } from './style';
import { CARRIERS, CHARACTERS, CITIES, COMPETITORS, COUNTRIES, DATES, DAYS, EDITIONS, EVENTS, GENERIC_CHARACTERS, PEOPLE, PRODUCTS, STORE_NAMES, TITLES, WEEKDAYS } from './lexicon';

/** What a message is about; every label appears with every topic that makes sense for it. */
export const TOPICS = [
  'order', 'shipping', 'preorder', 'edition', 'damaged', 'restock', 'subscription', 'refund', 'recommendation',
  'merch', 'giftcard', 'account',
] as const;

/** One of {@link TOPICS}. */
export type Topic = (typeof TOPICS)[number];

/**
 * The facts of one message: its topic and slot values drawn once, so that every phrase in the message talks about
 * the same order, title and volume.
 */
export interface MessageContext {
  readonly topic: Topic;
  readonly rng: Rng;
  /** How the message will be written (formal letters complain politely); `standard` unless told. */
  readonly register: Register;
  /** The value of `{name}` in templates; throws `RangeError` for an unknown slot so template typos fail tests. */
  slot(name: string): string;
}

/** Draws a context for `topic`; slot values are drawn lazily and then fixed for the message. */
export function createContext(topic: Topic, rng: Rng, register: Register = 'standard'): MessageContext {
  const values = new Map<string, string>();
  const title = rng.pick(TITLES);
  const vol = rng.int(1, 34);
  const draw: Record<string, () => string> = {
    title: () => title,
    title2: () => rng.pick(TITLES.filter((t) => t !== title)),
    vol: () => String(vol),
    vol2: () => String(vol + rng.int(1, 3)),
    volume: () => rng.pick([`vol ${vol}`, `vol. ${vol}`, `volume ${vol}`, `v${vol}`, `book ${vol}`, `#${vol}`]),
    order: () => orderNumber(rng),
    num: () => String(rng.int(10000, 99999)),
    edition: () => rng.pick(EDITIONS),
    edition2: () => rng.pick(EDITIONS.filter((e) => e !== values.get('edition'))),
    product: () => rng.pick(PRODUCTS),
    carrier: () => rng.pick(CARRIERS),
    day: () => rng.pick(DAYS),
    date: () => rng.pick(DATES),
    weekday: () => rng.pick(WEEKDAYS),
    weekday2: () => rng.pick(WEEKDAYS.filter((d) => d.toLowerCase() !== values.get('weekday')?.toLowerCase())),
    event: () => rng.pick(EVENTS),
    person: () => rng.pick(PEOPLE),
    competitor: () => rng.pick(COMPETITORS),
    country: () => rng.pick(COUNTRIES),
    city: () => rng.pick(CITIES),
    store: () => rng.pick(STORE_NAMES),
    days: () => String(rng.int(3, 24)),
    weeks: () => String(rng.int(2, 9)),
    months: () => String(rng.int(2, 8)),
    years: () => String(rng.int(2, 11)),
    times: () => rng.pick(['two', 'three', 'four', 'five', '3', '4', '5', '6']),
    nth: () => rng.pick(['second', 'third', 'fourth', '3rd', '2nd', '5th']),
    price: () => `$${rng.int(6, 89)}.${rng.pick(['99', '00', '49', '95'])}`,
    amount: () => `$${rng.int(10, 150)}`,
    percent: () => String(rng.pick([10, 15, 20, 25, 30, 40])),
    hours: () => String(rng.int(2, 48)),
    minutes: () => String(rng.pick([20, 30, 40, 45, 50, 60, 90])),
    character: () => rng.pick(CHARACTERS[title] !== undefined && rng.chance(0.8) ? (CHARACTERS[title] as readonly string[]) : GENERIC_CHARACTERS),
    item: () => itemPhrase(topic, rng, title, vol, () => slotValue('volume'), () => slotValue('product'), () => slotValue('edition')),
  };
  const slotValue = (name: string): string => {
    let value = values.get(name);
    if (value === undefined) {
      const make = draw[name];
      if (make === undefined) throw new RangeError(`unknown template slot {${name}}`);
      value = make();
      values.set(name, value);
    }
    return value;
  };
  return { topic, rng, register, slot: slotValue };
}

function orderNumber(rng: Rng): string {
  const digits = String(rng.int(10000, 99999));
  return rng.pick([`#${digits}`, `order ${digits}`, `order #${digits}`, `#MA-${digits}`, `no. ${digits}`, `(order ${digits})`, `#${digits}`]);
}

function itemPhrase(topic: Topic, rng: Rng, title: string, vol: number, volume: () => string, product: () => string, edition: () => string): string {
  if (topic === 'merch') return rng.pick([`the ${title} ${product()}`, `my ${product()}`, `the ${product()}`, `the ${title} ${product()}`]);
  if (topic === 'giftcard') return rng.pick(['the gift card', 'my gift card', 'the e-gift card', 'the $50 gift card', 'the gift voucher']);
  if (topic === 'subscription') return rng.pick(['my subscription box', 'the monthly box', "this month's box", 'my manga box', 'the subscription order']);
  if (topic === 'edition') return rng.pick([`the ${title} ${edition()}`, `${title} ${edition()}`, `the ${edition()} of ${title}`]);
  return rng.pick([
    `${title} ${volume()}`,
    `${title} ${volume()}`,
    `${title.toLowerCase()} ${vol}`,
    `the ${title} ${edition()}`,
    `my ${title} books`,
    `${title} ${volume()} and ${vol + 1}`,
    'my order',
    'my books',
    'the manga I ordered',
  ]);
}
