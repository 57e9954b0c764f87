import type { PhraseMatch } from '../churn-phrases';

/**
 * What the service remembers of one customer message: the model's probabilities and what the text referred to,
 * never the text itself (customer messages are personal data, and a probability per label is a few bytes).
 */
export interface ConversationTurn {
  /** When the message was classified (ms since the epoch). */
  readonly at: number;
  /** The model's probability per label. */
  readonly probabilities: Readonly<Record<string, number>>;
  /** Order numbers the message mentions, normalised (upper case, no `#`), see {@link extractOrderNumbers}. */
  readonly orders: readonly string[];
  /** The churn phrases the message matched (the configured phrase, not the customer's words). */
  readonly churnPhrases: readonly string[];
  /** Whether this message escalated. */
  readonly escalated: boolean;
}

/**
 * Order numbers as customers type them: `#48213`, `order 48213`, `MA-48213`, `ord-2291734`: an optional prefix of
 * two to four letters and a dash, then five to twelve digits. Shorter numbers are volumes, quantities and years
 * ("volume 14", "3 weeks", "2024") far more often than orders, so they are left out.
 */
const ORDER_NUMBER = /(?:^|[^\p{L}\p{N}])#?((?:[a-z]{2,4}-)?\d{5,12})(?![\p{L}\p{N}])/giu;

/**
 * The order numbers a text mentions, upper-cased and without `#`, each once, in order of appearance.
 *
 * @example
 * ```ts
 * extractOrderNumbers('Order #48213 and ma-77120 again, #48213!'); // ['48213', 'MA-77120']
 * ```
 */
export function extractOrderNumbers(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(ORDER_NUMBER)) found.add((match[1] as string).toUpperCase());
  return [...found];
}

/**
 * The turn to remember for a classified message.
 *
 * @example
 * ```ts
 * const turn = toConversationTurn('where is order 48213', decision.probabilities, matches, decision.escalate, Date.now());
 * ```
 */
export function toConversationTurn(
  text: string,
  probabilities: Readonly<Record<string, number>>,
  churnPhrases: readonly PhraseMatch[],
  escalated: boolean,
  at: number,
): ConversationTurn {
  return {
    at,
    probabilities: { ...probabilities },
    orders: extractOrderNumbers(text),
    churnPhrases: [...new Set(churnPhrases.map((m) => m.phrase))],
    escalated,
  };
}
