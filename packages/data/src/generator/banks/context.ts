/**
 * Background sentences that carry no label: added to messages of every label so that length, backstory and
 * order details never predict one.
 */
export const CONTEXT_SENTENCES = [
  "I ordered [this|it] as a [gift|present] for my {person}[ who is obsessed with {title}| who loves {title}|]",
  "[I've been|I have been] [a customer|ordering from you|shopping here] for {years} years",
  '[I|I’ve] [placed|made] the order on {date}',
  '[I|we] ordered [it|this|everything] [on|last] {weekday}[ night| morning|]',
  "[It's|This is] [about|regarding] {order}",
  "[I'm|im] [collecting|trying to complete] {title}[, I have up to {volume}|]",
  '[I|we] live in {city}',
  '[I usually|normally I] [buy|get] [my manga|my books] [here|from you|in store]',
  "[this is|it's] my first order [here|with you|]",
  '[I|I’ve] [read|been reading] {title} since [high school|forever|it started]',
  '[I|I just] [got|received] the [email|notification|text] [this morning|today|an hour ago]',
  "[it's|it is] [the {edition}|{title} {volume}|a {product}], [if that helps|in case that matters|]",
  '[my|the] [email|name] on the order is [different|my work one|my {person}’s]',
  '[I paid|paid] with [PayPal|a credit card|a gift card|Apple Pay]',
] as const;
