/**
 * Whole messages of one to three words or emoji only ("😍😍", "ugh", "huh??", "asap pls"), per label. People send
 * these as replies in a chat thread; the label lives in one word or one emoji, so a model must not need a sentence.
 * A lone "?" stays neutral (a nudge), as in the labelling guidelines' "hello?" examples.
 */
export const SHORT_REACTIONS: Readonly<Record<string, readonly string[]>> = {
  satisfaction: [
    '[😍|🥰|❤️|🔥|✨|🤩|🥹|💯|💕|🙏][😍|🥰|❤️|🔥|✨|💕|🙌|][😍|🔥|❤️|]',
    '[yesss|yay|omg yes|woohoo|YES|finally!!|eeee|aaaa]',
    '[perfect|amazing|gorgeous|beautiful|stunning|flawless|chef’s kiss|10/10|11/10|5 stars|five stars][!|!!| 😍| 🔥|]',
    '[love it|loved it|obsessed|so good|so pretty|so cute|insane|unreal|sick|fire|goated|peak][!|!!|!!!| 😭| 🔥|]',
    '[thank youuu|thank youuuu|tysm|ty!!|thx!!|thanks!!|THANK YOU|ty ty ty][ 🥹| 💕| ❤️|]',
    '[sugoi|kawaii|saikou|arigatou|arigatou gozaimasu|gracias!!|merci!!|danke!!|obrigado!!][ 😍| 🙏| ✨|]',
    '[best store|best shop|you guys rock|you’re the best|legends|MVP][!|!!| 🙌|]',
    '[wow|omg|ahh|ahhh|oh my god] [😍|🥰|🤩|😭|]',
  ],
  frustration: [
    '[😡|🙄|🤬|😤|😒|👎|😑|💀][😡|🙄|🤬|😤|][😡|🙄|]',
    '[ugh|ughh|ughhh|UGH|smh|bruh|ffs|jfc|wtf|sigh][.|!|...|]',
    '[wow.|unreal.|unbelievable.|pathetic.|useless.|ridiculous.|typical.|figures.|of course.|lovely.|classic.]',
    '[seriously|really|again|are you kidding me|not again|come on|you’re joking][?|??|?!|!!]',
    '[great.|cool.|nice.] [just great.|cool cool cool.|love that.|]',
    '[still nothing|still waiting|no reply|zero response][.|...| 🙄|]',
  ],
  confusion: [
    '[huh|huh?|wait what|what??|???|wait, what?|nani??|¿qué?|wut][ 🤔| 😕|]',
    '[im lost|i’m lost|I’m confused|so confused|very confused|no entiendo][ 🤔| 😅| lol|]',
    '[🤔|😕|🤷|🫤|😵‍💫][🤔|❓|][❓|]',
    '[which one?|which is it?|what does that mean?|what does this mean??|so which is it?|meaning?]',
  ],
  urgency: [
    '[asap please|asap pls|ASAP|urgent!!|URGENT|today please|hurry pls|please hurry|need it today|rush it pls|urgente por favor]',
    '[⏰|‼️|⚠️][⏰|‼️|][ urgent| asap|]',
    '[any update? need it today|need it by tomorrow!!|can it ship today?|today??|deadline is tomorrow]',
  ],
  churn_risk: [
    '[bye.|im out.|I’m out.|adios.|goodbye forever.|done. bye.|never again.|that’s it, I’m done.]',
    '[unsubscribe|unsubscribe me|cancel my membership|cancel my subscription pls|close my account|delete my account pls|close my account please]',
    '[👋|✌️|💔][👋|✌️|] [bye|unsubscribing|closing my account|]',
  ],
};
