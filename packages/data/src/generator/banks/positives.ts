import type { Topic } from '../message-context';

/** Good outcomes per topic: the facts behind satisfaction. */
export const POSITIVES: Record<Topic, readonly string[]> = {
  order: [
    '[my|the] order [arrived|came|got here] [early|a day early|two days early|so fast|super quick|in record time]',
    '[everything|all {times} books|the whole order] [arrived|came] [in perfect condition|exactly as described|safe and sound|in mint condition]',
    '[you|the team] [even|] [included|threw in|added] [a bookmark|a little note|stickers|a small freebie|a postcard]',
    '{item} [arrived|came|got here] and [it’s|it is] [perfect|exactly what I wanted|even nicer than I expected]',
    '[ordered|I ordered] [on|] {weekday}, [arrived|here|got it] [on|] {weekday2}[, perfect condition|, all perfect|, well packed|]',
  ],
  shipping: [
    'shipping [was|is] [super fast|lightning fast|quicker than expected|so fast|way faster than I thought]',
    '[{carrier}|the courier] [delivered|brought it] [a day early|on a Sunday|right to my door|before lunch]',
    '[it|the package] made it all the way to {country} [in one piece|in perfect shape|in {days} days]',
    'tracking [was|has been] [spot on|super accurate|updated the whole way]',
  ],
  preorder: [
    'my preorder [arrived|came] [on release day|before release day|right on time]',
    '[got|I got] {title} {volume} the day it came out',
    'the preorder bonus [is|was] [gorgeous|adorable|so cute|such a nice touch]',
    "[you|the site] [didn't charge|only charged] me [until|when] it shipped, [nice|love that]",
  ],
  edition: [
    'the {edition} [is|looks] [gorgeous|stunning|beautiful|incredible|so nice]',
    '[the|this] [paper quality|print quality|cover|binding] [on|of] {item} is [amazing|unreal|top notch|so good]',
    'the [translation|color pages|dust jacket|slipcase] [is|are] [perfect|beautiful|a huge upgrade]',
    '{title} in [the|this] {edition} [is|looks] [so|really] [good|beautiful] on my shelf',
  ],
  damaged: [
    '[you|the team] [sent|shipped] a replacement [right away|in {days} days|same day|without any hassle]',
    '[the|my] replacement [arrived|came] [in perfect condition|pristine|quickly]',
    '[it|everything] [was|came] packed [so well|like treasure|with tons of bubble wrap|really carefully]',
    'not a single [bent corner|dent|scratch] [on any of the books|anywhere]',
  ],
  restock: [
    '[I|finally] [got|snagged] {item} [in the restock|thanks to the restock alert|before it sold out]',
    'thanks for restocking {title} [so fast|finally|quickly]',
    'the back-in-stock email [worked|came through] and I [got|grabbed] [my copy|one]',
  ],
  subscription: [
    "[this month's|my] [box|subscription box] [was|is] [perfect|amazing|so good|spot on]",
    'the [subscription|box] picks [have been|are] [great|on point|exactly my taste] [lately|this year|]',
    '[the|my] box [introduced me to|had] {title} and [I’m hooked|it’s my new favorite]',
  ],
  refund: [
    '[my|the] refund [came through|was processed|showed up] [so fast|in a day|right away|within hours]',
    '[support|customer service|your team] [sorted|fixed|resolved] [it|my issue|everything] [in minutes|so quickly|right away]',
    'the return process was [so easy|painless|super simple]',
  ],
  recommendation: [
    '[you|your staff|the recommendation] [recommended|suggested] {title} [and|—] [I love it|I’m hooked|it’s my new favorite]',
    '[the|your] [staff picks|recommendations] [are|have been] [spot on|so good|amazing]',
    '[the|your] recommendation quiz [nailed it|was scarily accurate]',
  ],
  merch: [
    'the {product} [is|looks] [even better|so much better|amazing] in person',
    '[the|my] {product} [is|came] [perfect|adorable|so high quality|exactly like the photos]',
    'the {title} {product} [is|was] [the perfect gift|a hit|so cute]',
  ],
  giftcard: [
    'my {person} loved the gift card',
    '[the|my] gift card [worked|went through] [perfectly|no problem|instantly]',
    'the e-gift card [arrived|came] [instantly|right away] [, perfect last-minute gift|]',
  ],
  account: [
    '[the|your] [new|] [website|app|checkout] is [so much better|super easy|really smooth]',
    '[your|the] chat [support|team|agent] was [super helpful|so kind|amazing]',
    'the points [system|program] [is|is honestly] [great|worth it]',
  ],
};

/** Expressions of satisfaction that fit any topic. */
export const APPRECIATION = [
  'thank you [so much|sooo much|a lot|guys|all|again|]',
  '[you|you guys|you all|y’all] [rock|are the best|are amazing|are awesome]',
  '[love|loving] this [shop|store|site] [so much|]',
  '[best|my favorite] [manga store|shop|store] [ever|online|hands down|]',
  'will [definitely|100%|absolutely] [order|buy] [again|from you again|here again]',
  '[very|super|so] [happy|pleased|satisfied] [with my order|with this|customer here|]',
  '[made|totally made] my [day|week]',
  '[much|really|truly] appreciated',
  '[5|five] stars',
  '10/10 [would buy again|service|]',
  '[keep up the|great] [good|great|amazing] [work|job]',
  '[really|genuinely|honestly] impressed',
  "couldn't be happier",
  '[great|amazing|fantastic|excellent] [service|experience|job][, thanks|, thank you|]',
  "[I'm|im] [so|super] [happy|excited|thrilled]",
  "[you've|you have] [got|earned] a [loyal|repeat] customer",
  '[wow|omg|yay]',
  '[love it|loved it|obsessed]',
  'this [is|was] [perfect|exactly what I wanted]',
  'thanks for [everything|the help|sorting it out|being awesome]',
  '[nice one|nicely done|well done|lovely|brilliant|superb|top notch]',
  '[I|I’ve] [always|already] [recommend|recommended] you [guys|] to [all my friends|everyone I know|my whole book club]',
  '[see you|talk to you] [next month|next time|at the next release][!|]',
  '[as always|like always|every time], [great|perfect|spot on]',
  "[didn't expect|did not expect|wasn't expecting] [it|the quality|the packaging] to be this [good|nice|nice for the price]",
  '[I was|was] [nervous|worried|skeptical] [about ordering|at first] but [it’s|everything is] [perfect|great|honestly fine]',
  '[this is|that was] [quick|fast|easy|painless]',
  '[happy|glad] [I found you|I ordered from you|I chose this shop]',
  '[exactly|just] what I [was looking for|needed|hoped for]',
  '[worth|totally worth|so worth] [every penny|the wait|it]',
  'thanks [so much|a ton|a million|heaps|loads|so so much][!|!!|]',
  "[you're|ur|you are] a lifesaver",
  '[customer|a customer] for life',
  '[small shops rule|support small shops|this is why I shop here]',
] as const;

/** Thanks for a problem solved: the whole point of a message, so only used when nothing else is wrong. */
export const RESOLVED_THANKS = [
  '[that|this] [fixed|solved|sorted] it[,|!|.] [thanks|thank you] [so much|a lot|]',
  '[all|everything is] [fixed|sorted|good] now[,|.|!] [thank you|thanks|ty]',
  '[it|the code|the link] works now[,|!|.] [thanks|thank you|ty] [for the help|so much|]',
  '[got|received] the [replacement|refund|new code][,|!|.] [thank you|thanks] for sorting it [so fast|out|]',
] as const;

/**
 * Praise of the people behind the store (support, packers, staff), a common reason to write in: the words
 * "customer service", "support", "refund" must not mean a complaint by themselves.
 */
export const SUPPORT_PRAISE = [
  '[your|the] [customer service|support|chat|phone] [rep|agent|person|team|lady|guy] [was|has been] [so patient|super helpful|amazing|lovely|so kind|really quick|a star] [with me|with my {person}|today|]',
  "[best|the best|honestly the best] [customer service|support|service] I['ve| have] ever [had|gotten|dealt with]",
  '[honestly|really|genuinely] impressed [with|by] [how fast support replied|the service|your team|how you handled it]',
  '[support|customer service|your team] [replaced|refunded|sorted|fixed] [it|everything|the damaged volume] in [{days} days|{hours} hours|minutes][,|] no questions asked',
  '[shoutout|shout out|big thanks|kudos] to [whoever packed {order}|{person} from support|the person who answered my email|your support team]',
  '[the|your] refund [took|was done in] [2|two|five|a few] minutes[.|,|!] [amazing|wow|impressive]',
  '[I|i] [emailed|messaged] [support|you] [last night|this morning|on {day}] and [got|had] [an answer|a reply|it sorted] [within the hour|in minutes|right away]',
] as const;

/**
 * Openers shared with complaints ("wow", "honestly", "seriously") and intensifiers that are negative words used in
 * praise ("insane", "unreal", "ridiculous"): the same words must not decide the label on their own.
 */
export const SATISFACTION_LEADS = [
  '[wow|honestly|seriously|ngl|omg|ok so|okay|ok wow|not gonna lie|I have to say|oh my god][,|.|!|]',
] as const;

/** Praise with words that usually complain. */
export const SATISFACTION_INTENSE = [
  '[the|this] [quality|packaging|print quality|speed|detail] [is|was] [insane|unreal|crazy|ridiculous|stupid good|sick]',
  "[I can't believe|can't believe] [how fast it came|how good it looks|the price for this quality]",
  '[seriously|honestly|no joke], [best|fastest|nicest] [order|delivery|packaging] [I’ve ever had|ever|so far]',
  '[this is|that was] [absurdly|ridiculously|insanely] [fast|good|well packed]',
  '[my jaw dropped|I screamed|I was shook] when I opened the box',
  '[this|that] [volume|book|chapter|last arc] [destroyed|wrecked|killed|ruined] me[ in the best way|, 10/10|, thank you|. worth every penny|]',
  '[the|this] art [in {title}|in this volume|on the cover|] is [sick|insane|stupid good|criminal|unreal|disgustingly good|illegal]',
  '[insane|crazy|absurd|ridiculous|unreal] quality [for the price|for {price}|honestly|tbh|]',
  '[the|this] {edition} is [a monster|a beast|an absolute unit|so heavy lol] and I [love it|adore it|regret nothing]',
  '[your|this] [store|shop] is [dangerous|bad for my wallet|a problem|ruining my savings] [lol|😂|haha|] [everything I wanted was in stock|I keep coming back|I have no self control]',
  '[this|that] [packaging|box|bubble wrap situation] is [unhinged|psychotic|overkill|insane] [lol|haha|] [in a good way|and I love it|my books are safe]',
  '[you|you guys] [ruined|spoiled] other [stores|shops] for me[ lol| honestly|]',
  '[I’m|im] [dead|deceased|screaming|crying|not okay] [the|this] [{product}|cover|box|{edition}] is [so|too] [cute|pretty|good]',
  '[it|the {product}|the {edition}] [slaps|goes hard|is fire|hits different|is peak|ate]',
  '[no way|no freaking way|wtf|how], [it|my order] [got here|arrived|came] [in {days} days|already|so fast] [😭|lol|!!|]',
  '[stupid|ridiculously|obscenely|unreasonably] [fast|good|well packed] [shipping|service|packaging] [again|as always|]',
] as const;

/**
 * Praise whose only complaint is shrugged off ("one tiny ding on the cover but no big deal, love it"): satisfaction,
 * not frustration. The small problem is stated calmly and waved away; thanks or praise is the point.
 */
export const THANKS_WITH_NITPICK = [
  '[only|just] [one|a] [tiny|small|minor] [ding|dent|scuff|crease|scratch] on [the cover|one corner|the box|the slipcase] but [no big deal|honestly no big deal|it doesn’t matter|it’s fine|whatever|I don’t mind|I still love it]',
  '[took|it took] [a bit|a little|a few days] longer than [expected|I thought] but [worth it|totally worth the wait|it was worth the wait|no complaints]',
  '[the|my] [box|package] [looked|was] [a bit|kinda|a little] [beat up|battered|squished] but [the books|everything inside|the {product}] [were|was] [perfect|fine|pristine]',
  '[one|a] [bookmark|postcard|freebie] was missing but [who cares|I don’t care|that’s fine], [the|this] {edition} is [gorgeous|perfect|stunning]',
  "[shipping|the wait] [wasn't|was not] the fastest but [the|your] [support|packaging|quality] [made up for it|more than made up for it]",
  '[a bit|a little|slightly] pricey but [worth every penny|so worth it|the quality is there]',
] as const;

/**
 * Satisfaction carried by a question ("how do you pack things so well??", "can I give six stars?"): not every
 * question is confusion.
 */
export const SATISFACTION_QUESTIONS = [
  '[how|how on earth] do you [pack things|ship things|get orders here] so [well|fast|carefully][?|??|?!]',
  '[can I|is it possible to] give [6|six|10|more than five] stars[?|??]',
  '[where|why] have you been all my life[?|??]',
  '[can|could] [whoever|the person who] packed {order} get a raise[?| lol?|??]',
  "[is it weird|is it normal] that I [love|sniffed] the smell of [these books|the paper|the box][?|??] [lol|haha|]",
  '[why|how] is [your|the] [shipping|packaging|support] [so good|this good|better than {competitor}][?|??|?!]',
] as const;

/**
 * Enjoyment of the story that uses negative words: hard negatives for frustration and confusion. Anger at a
 * villain or a cliffhanger is not anger at the store; these are satisfaction.
 */
export const STORY_ENJOYMENT = [
  '{title} {volume} [destroyed|wrecked|broke] me [emotionally|] [😭|lol|] [best volume yet|10/10|masterpiece|what a ride]',
  '[this|that] villain [makes me so mad|is so infuriating|I hate him so much] [lol|haha|😂] [best arc|love this series|such good writing]',
  '[the|that] [cliffhanger|ending] [in {volume}|] [made me scream|had me yelling|made me so angry] [lol|haha|] [can’t wait for the next one|so good|amazing]',
  '[I cried|I was sobbing] [at|over] [the ending|chapter {vol}|{title} {volume}] [and I loved it|in the best way|10/10]',
  '[the plot|this arc] is [so confusing|wild|insane|a mess] [but|and] I [love it|can’t stop reading]',
  'I [hate|can’t stand] how [good|addictive] {title} is',
  '[stayed up until 3am|skipped dinner|cancelled my plans] to [finish|read] {title} [lol|haha|], [so worth it|no regrets|worth it]',
  "[I'm|im] [so|] mad {title} [is|has] [over|ended] [already|], [best series ever|what a journey]",
  "the fight in {volume} [was|is] [brutal|insane|ridiculous] [and|] I [loved|love] every page",
  '[ugh|UGH] {title} is [so|too] good, [I can’t|can’t] [deal|handle it]',
  '{character} [is such an idiot|makes me so mad|is the worst|is so stupid|needs to be stopped] and I [love|adore] [him|her|them|this series] [lol|😂|]',
  'why would the [author|mangaka] do that to {character}[?!|??|?!?] [I’m not okay|I’m devastated|I’m in pieces] [10/10|best series|masterpiece|5 stars]',
  'I want to [fight|punch|strangle] {character} [lol|😤|😂|] [this series is so good|best volume yet|what a villain|peak fiction]',
  '[I hate|I can’t stand] {character} [so much|with my whole heart] [lol|😂|], [amazing|such great] [writing|villain|character work]',
  '[the|that] [mangaka|author] is a [monster|sadist|criminal] for [that ending|chapter {vol}|that cliffhanger] [lol|😭|] [and I love them|can’t wait for more|best series ever]',
  '[chapter {vol}|{volume}|the last volume] [ruined|destroyed|broke] me[,|.] [thank you|thanks|ty] for [shipping it so fast|getting it to me on release day|the gorgeous edition]',
  '[I|i] [threw|almost threw] the book across the room [at the end|after chapter {vol}] [lol|haha|😂] [so good|love it|best series]',
  '[{title}|this arc] made me [rage|scream|cry] [so much|harder than any anime] [lol|😭|] [perfect|10/10|obsessed]',
] as const;
