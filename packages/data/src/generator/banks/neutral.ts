import type { Topic } from '../message-context';

/** Plain questions and requests per topic: the bulk of neutral traffic. */
export const QUESTIONS: Record<Topic, readonly string[]> = {
  order: [
    '[can I|is it possible to|how do I] [change|update] the [shipping|delivery] address on [order {order}|my order]',
    '[can I|how do I] add a gift [message|note|receipt] to [my|an] order',
    '[can you|could you] [send|email] me [an|the] invoice for {order}',
    '[how|where] do I [check|see|track] [my order status|my order|my orders]',
    '[can I|is it possible to] combine [two|my] orders [into one shipment|]',
    '[has|did] {order} [shipped|ship] yet',
    '[do you|can I] [do|get] [gift wrapping|gift wrap] [on|for] {item}',
    '[can I|could I] add {title} {volume} to [my|an] order [that hasn’t shipped|I placed today]',
    "[what's|what is] the status of {order}",
  ],
  shipping: [
    'do you ship to {country}',
    'how much is shipping to {country}',
    'how long does shipping to [{city}|{country}] [usually|normally|] take',
    'how many business days [does standard shipping take|until it ships|is express]',
    '[I ordered|ordered] on {weekday}, [when should I expect it|when will it ship|roughly when will it arrive]',
    'which [carrier|courier] do you use [for international orders|for {country}|]',
    'do you ship to PO boxes',
    '[can I|is there] [local pickup|pick up in store|in-store pickup]',
    'is there free shipping [over|above] [a certain amount|$50|anything]',
    '[do you|can you] ship [in a box|in boxes] or [envelopes|mailers]',
    '[what|which] shipping options [do you have|are there] [for {country}|]',
    'will I have to pay customs [to|in|for] {country}',
  ],
  preorder: [
    'when does the preorder for {title} {volume} [open|go live|start]',
    'when is {title} {volume} [coming out|released|out] [in English|]',
    '[is there|will there be] [a|any] preorder bonus for {item}',
    'can I preorder {item} [yet|already|now]',
    '[do|will] preorders ship [on release day|before release|the same day]',
    '[is|will] {title} {vol2} [be|] [available for preorder|on preorder] [soon|yet]',
  ],
  edition: [
    'does the {edition} [have|come with] [dust jackets|color pages|a slipcase|extras]',
    'is the {title} {edition} [the same translation as|different from] the [regular|old] one',
    'how many volumes [are in the {title} box set|does {title} have|are there of {title} in total]',
    '[is|are] [the|these] [volumes|books] [shrink-wrapped|sealed|new or used]',
    'do you have {title} in [Spanish|French|Japanese|German]',
    '[is|are] the {edition} [bigger|larger|hardcover]',
    "[what's|what is] the difference between the {edition} and the {edition2}",
    '[which|what] order [should I|do I] read {title} in',
    '[where|which volume] do I start {title} [if I watched|after] the anime',
    'do you [sell|have] {title} [as singles|as individual volumes]',
  ],
  damaged: [
    '{item} arrived with [a bent corner|a small tear|a scuffed cover][,|.] [could I|can I] get [a replacement|an exchange]',
    "[how do I|what's the process to] [return|exchange] a damaged [book|item|volume]",
    '[do I need to|should I] send [photos|a picture] of the damage',
    '[one|a] volume [came|arrived] with a [crease|small dent] on the cover, [is an exchange possible|can you swap it]',
  ],
  restock: [
    'when will {item} be back in stock',
    '[will|are] you [restock|restocking] {title} {volume}',
    '[can I|is there a way to] get notified when {item} is restocked',
    '[is|will] {title} [getting a reprint|be reprinted]',
    '[how often|when] do you [restock|get new stock]',
  ],
  subscription: [
    '[how|can I] [pause|skip] [my subscription|a month]',
    "[what's|what is] in [this month's|the next] box",
    '[can I|how do I] change [my|the] [box preferences|subscription plan|shipping date]',
    '[how much|what] does the [subscription|monthly box] cost',
    '[can I|is it possible to] gift a subscription [to my {person}|]',
  ],
  refund: [
    "[what's|what is] your return [policy|window] [for figures|for manga|]",
    '[how long|how many days] do refunds [usually|] take',
    "I'd like to return {item}[, it's unopened|, I already own it|]. [how do I do that|what's the process]",
    '[can I|do you] get store credit instead of a refund',
    '[do I|will I] [pay|have to pay] for return shipping',
  ],
  recommendation: [
    '[can you|could you] recommend something like {title}',
    '[any|what are some good] recommendations for [a beginner|someone new to manga|my {person} who likes {title}]',
    'what should I read after {title}',
    "[I'm looking for|looking for] a gift for [my {person}|someone] who [likes|loves] {title}[, budget around {amount}|]",
    '[is|would] {title} [good|ok|appropriate] for a [10|12|13] year old',
    '[any|got any] [horror|romance|sports|slice of life] [recs|recommendations]',
  ],
  merch: [
    '[is|are] the {title} {product} [official|licensed]',
    '[do you|will you] [sell|carry|have] {title} {product}s',
    "what's the return window for {product}s",
    '[is|will] the {product} [be|] back in stock',
    'how big is the {title} {product}',
  ],
  giftcard: [
    'are gift cards [digital|physical|emailed]',
    '[can I|how do I] [buy|send] a gift card [to|for] my {person}',
    'do gift cards expire',
    '[can I|how do I] check my gift card balance',
    '[can I|is it possible to] [schedule|pick a date for] a gift card email',
  ],
  account: [
    'do you accept [PayPal|Apple Pay|Klarna|Google Pay]',
    '[do you have|is there] a [loyalty program|student discount|rewards program]',
    '[please|can you] update [my email|the email on my account|my address]',
    '[how do I|can I] change my password',
    'are you open on [Sundays|holidays]',
    'do you price match',
    '[can I|how do I] [merge|link] two accounts',
    '[can|could] my {person} [use|pay with] [their|her|his] own card on my account',
    '[how do I|where do I] [log into|sign into|update] my account [on the app|]',
    '[do I|will I] need an account to [order|check out|buy a gift card]',
    '[I made|I created] an account [yesterday|today|last week], [how do I|can I] [add my address|save my card]',
    '[can I|is it possible to] [check out|order] as a guest',
  ],
};

/** Statements, follow-ups, acknowledgements and greetings: neutral messages that are not questions. */
export const STATEMENTS = [
  '[my|the] order number is {num}',
  "[adding to my last message|just to add|following up|forgot to mention]: [it's|the order is] [{order}|{num}]",
  '[ok|okay|alright|got it|noted|sounds good|understood|perfect|great|cool|fine][,|.|!] [thanks|thank you|thx|ty|thanks for letting me know|]',
  '[I|I’ll] [have|take] a look, [thanks|thank you]',
  '[thanks|thank you], [that answers my question|that’s all I needed|I’ll keep an eye out]',
  "[I have|got|quick] [a question|one question] [about|regarding] [my account|an order|a preorder|the subscription|{order}]",
  "[I'll|I will] wait for the [restock|next shipment|email] [then|]",
  '[hello|hi|hey|hi there|good morning|hey there][!|.|]',
  '[thanks|thank you] for the [info|update|reply|quick answer]',
  'this is for my {person}',
  "[I'll|I will] [check|look] [again|tomorrow|later] [then|]",
  '[I|I’ve] [sent|attached] [the photos|a picture|the receipt] [as requested|like you asked|]',
  '[yes|yeah|yep|no|nope], [that’s the one|that’s right|it’s {order}|the {edition}]',
  'I [ordered|placed an order] [yesterday|on {date}|last week] [for|with] {item}',
  '[the|my] address is the same as [last time|on my account]',
  "[ok|okay] [I'll|I will] [try that|do that]",
  '[test|testing]',
  '[is anyone there|anyone there|hello?]',
] as const;

/**
 * Hard negatives labelled neutral: words that trip a keyword model ("cancel", "angry", "leaving", "no rush") used
 * in messages that carry none of the other labels.
 */
export const NEUTRAL_HARD = [
  '[that|this] villain [makes me so angry|is the worst|is so annoying] [lol|haha|], [anyway|btw|so] [when is|is] {title} {vol2} [out|coming out]?',
  '[please|] cancel {order}, I [ordered|bought] [the wrong volume|it twice|the wrong edition] [by mistake|accidentally|]',
  '[can I|I’d like to] cancel [one book|{item}] from my order and keep the rest',
  "[I'm|im] done with {title} {volume}[,|.] [do you have|is there] the next one [in stock|]?",
  '[no rush|no hurry|not urgent|whenever is fine][,|.] [just wondering|just curious] [when|if] {item} [ships|will be back]',
  "[I'm|I'll be] [away|out of town|traveling] until {date}[,|.] [can you|could you|please] ship [after that|it after]",
  '[cancel|please cancel] the gift wrap on {order}, [I’ll wrap it myself|not needed]',
  "I'm leaving [for a trip|on vacation] [next month|in a few weeks], [no hurry|no rush] on the order",
  '[I|we] [just|] finished {title}[,|.] [any|what’s a good] [recommendation|rec] for what to read next?',
  'the ending of {title} {volume} [made me so mad|was so frustrating] [lol|haha][,|.] is there a sequel?',
  '[do|can] I [cancel|pause] [the subscription|my subscription] [for a month|while I’m away] and [restart|resume] later?',
  '[my|the] [package|order] is [late|running late] but [that’s fine|no worries|it’s fine], [just|] [let me know|tell me] when it ships',
] as const;

/**
 * Cancellations for a practical reason (a duplicate, a wrong address, a changed mind about one item, a switch of
 * edition or payment): neutral, not churn. The customer is staying.
 */
export const PRACTICAL_CANCELLATIONS = [
  '[please|can you|could you] cancel {order}[,|.|—] [I put the wrong address|the shipping address is wrong|I used my old address], [I’ll|I will] [place a new one|reorder|order again] [with the right one|in a minute|right after|]',
  '[can you|could you|please] cancel the [preorder|order] for {item}[?|.|,] [I found my old copy|my {person} already bought it for me|I got it as a gift|I already have it]',
  "[please|can you] [cancel|remove] {item} from {order}[, changed my mind|, don't need it anymore|, ordered the wrong one], [the rest is fine|keep the rest|ship the rest as normal]",
  '[I need to|can I] cancel and [reorder|redo] {order} [to add|so I can add] {title2} [{volume}|] [to it|and save on shipping|]',
  "[I'd like to|can I] cancel {order} and [pay|order again] with [a gift card|PayPal|my other card] instead",
  "[please|can you] cancel my [preorder|order] for the {edition}[,|.] [I'll|I’d rather|I want to] [get|order] the {edition2} [instead|from you instead]",
  '[oops|sorry], [I|i] [ordered|bought] {item} twice[,|.] [can you|please] cancel [one|the second one|the duplicate]',
  '[cancel|please cancel] the [express|gift wrap|insurance] [upgrade|add-on] on {order}[, standard is fine|, not needed after all|]',
] as const;

/**
 * How plain questions open ("quick question", "just wondering"): the same openers as some confused messages, so
 * they must not decide confusion by themselves.
 */
export const QUESTION_LEADS = [
  '[quick question|quick q|random question|one question|question|just wondering|I was wondering|just curious|hey, just checking|small question|do you know][,|:|—|.| -]',
] as const;

/** One- or two-word neutral messages. */
export const NEUTRAL_SHORT = [
  'ok', 'okay', 'k', 'hi', 'hello', 'hey', 'yes', 'no', '?', 'ok thanks', 'noted', 'test', 'hello?', 'got it', 'sure', 'yep', 'order status',
  'tracking', 'where is my refund', 'shipping cost?', 'invoice', 'help', '👍', 'ok 👍', 'k thx', 'ah ok', 'alright', 'oki', 'np', 'ok merci',
  'vale', 'hai', 'ok gracias', 'cool, thx', 'refund status?', 'order #?', 'any update?', 'status?', 'still there?', 'thanks, noted', 'kk', 'sounds good',
] as const;

const GENERIC_REQUESTS = [
  'could you [look into it|check on this|help]?',
  '[what are my options|what should I do|what do I do now|what are the next steps]?',
  'please advise.',
  '[can you|could you] [let me know|tell me] [what happened|the next steps|what to do]?',
  '[thanks for checking|thanks in advance|let me know, thanks].',
];

/** Plain requests that follow a calmly reported problem, fitted to its topic. */
export const CALM_REQUESTS: Record<Topic, readonly string[]> = {
  order: [...GENERIC_REQUESTS, '[can you|could you] [check where it is|see what happened|send the missing book]?', "[I'd like|could I get] the [right|correct] [item|volume] [sent|please]."],
  shipping: [...GENERIC_REQUESTS, '[can you|could you] [check with the courier|open a claim|look up the tracking]?'],
  preorder: [...GENERIC_REQUESTS, '[is there a new date|when will it ship now|can you check the release date]?'],
  edition: [...GENERIC_REQUESTS, '[can I|could I] [exchange it|swap it for the right one|return it]?'],
  damaged: [...GENERIC_REQUESTS, '[can I get|could I get|I’d like] [a replacement|an exchange][ please|, thanks|].'],
  restock: [...GENERIC_REQUESTS, '[is there a date|do you know when it’s coming back|can I be put on a waitlist]?'],
  subscription: [...GENERIC_REQUESTS, '[can you|could you] [fix the box|refund that month|update my preferences]?'],
  refund: [...GENERIC_REQUESTS, '[can you|could you] [check the refund|refund the extra charge|confirm when it was sent]?'],
  recommendation: [...GENERIC_REQUESTS, '[could you|can you] [suggest something else|update my preferences]?'],
  merch: [...GENERIC_REQUESTS, '[can I|could I] [return it|get a replacement|exchange it]?'],
  giftcard: [...GENERIC_REQUESTS, '[can you|could you] [resend the code|check the balance|reissue it]?'],
  account: [...GENERIC_REQUESTS, '[can you|could you] [reset it|check my account|apply the discount manually]?'],
};
