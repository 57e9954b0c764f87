import type { Topic } from '../message-context';

/**
 * Things that went wrong, stated without a stance: the same fact reads as a calm report (neutral), a complaint
 * (with frustration markers), a deadline problem (urgency) or a reason to leave (churn_risk). Keeping the facts
 * shared across labels forces a model to learn the stance, not the topic.
 */
export const PROBLEMS: Record<Topic, readonly string[]> = {
  order: [
    "my order {order} [still hasn't|hasn't|has not|never] [arrived|shown up|come|been delivered]",
    'order {order} has been [stuck on|sitting at|stuck in] ["processing"|"preparing to ship"|"awaiting fulfillment"|processing] for {days} days',
    'I [got|received] the wrong [book|volume|item] [—|,|:] I ordered {item} and [got|received] {title2} [instead|]',
    'you sent [the wrong volume|a duplicate of one I already bought|volume {vol2}] instead of {title} {volume}',
    '[half of my order is missing|my order came incomplete], only [one|two] of the [three|four|five] books [came|arrived|were in the box]',
    'the [package|box] [arrived|came] [empty|without {item} in it|with someone else’s order in it]',
    '[my|the] order [got|was] cancelled [without any notice|for no reason|and nobody told me why]',
    'I [ordered|bought] {item} on {date} and [there is still no tracking|it still has not shipped|nothing has happened since]',
  ],
  shipping: [
    "it's been {days} days and [my package|{item}|my order] [still hasn't|hasn't] [shipped|left the warehouse|moved]",
    "[the|my] tracking [hasn't|has not] [updated|moved|changed] in [a week|{days} days|over a week|ages]",
    '{carrier} [left|dropped] [the box|my package] [in the rain|at the wrong house|outside in the snow|in a puddle]',
    'shipping [cost|was|is] {price} for [one|a single] [book|paperback|volume]',
    'the [express|expedited|2-day|next day] shipping I paid [extra|] for took [{days} days|over a week|longer than standard]',
    '[my|the] package [got|was] sent back to you [for no reason|even though the address was right]',
    'the [delivery|package] was marked [delivered|as delivered] [at {city}|to the wrong address|at a house down the street]',
    'your "[fast dispatch|same day dispatch|ships in 24 hours]" [promise|] [took|turned into] {days} days',
  ],
  preorder: [
    'my preorder for {item} [got|has been|was] [delayed|pushed back] [again|for the {nth} time|another {weeks} weeks|with no explanation]',
    '[you|the site] charged me for [my|the] preorder [months|weeks] before [it ships|release|the release date]',
    'the preorder [bonus|postcard|exclusive cover|shikishi|bonus print] was [missing|not in the box|not included]',
    "[everyone else|my friends] got {title} {volume} [on release day|last week|days ago] and mine [hasn't even shipped|is still processing]",
    'my preorder [was|got] cancelled [because of stock|without warning] after [I waited|waiting] {months} months',
    'the preorder price went up [after I ordered|by {amount}|the day before release]',
  ],
  edition: [
    'the {edition} I [got|received] [is|was] [a different printing|the censored version|the wrong language|missing the color pages|smaller than advertised]',
    'the [translation|lettering|print quality] in [this|the new] {edition} is [terrible|really bad|full of typos|blurry]',
    '[the pages|the print] in {title} {volume} [are|is] [so faded|blurry|cut off at the edges|printed crooked|coming loose]',
    '[the listing|your site] said {edition} but [I got|you sent] the regular [paperback|edition]',
    'the {edition} [has|came with] [pages glued together|a misprinted chapter|two copies of the same chapter]',
  ],
  damaged: [
    '{item} [arrived|came|showed up] [with bent corners|with a torn cover|water damaged|crushed|with a dented spine|with a ripped dust jacket|scratched up]',
    'the [box|package] was [crushed|soaked|ripped open|falling apart] and {item} [inside|] [is|was] [ruined|damaged|bent]',
    '[the|my] {product} [arrived|came] [broken|with a snapped arm|with a missing piece|with paint scuffs|with a crushed box]',
    '[you|they] [packed|shipped] {item} in [a flimsy envelope|a bag with no padding|a huge box with nothing inside to protect it]',
    '[every|each] [volume|book] [has|had] [creases|dents|bent corners] [on the cover|on the spine|]',
    'the replacement [you sent|I got] [is|was] damaged [too|as well|the same way]',
  ],
  restock: [
    '{item} has been [out of stock|sold out|"coming soon"] for [{weeks} weeks|{months} months|ages|forever]',
    'the restock [notification|alert|email] [came|arrived] and it was [already|] sold out [within minutes|by the time I clicked|again]',
    "[you|the site] [keep|keeps] saying [it'll be back|restock soon|next week] [and it never is|and nothing happens]",
    'scalpers [bought|grabbed] the whole restock [in seconds|before anyone could]',
    '{title} {volume} went from "in stock" to "backordered" [after I paid|right after I ordered]',
  ],
  subscription: [
    '[my|the] subscription box [had|came with|included] [volumes|books] I [already own|already have|marked as owned]',
    '[I was|I got] charged for [my|the] subscription [twice|after I paused it|early|for a month I skipped]',
    "[this month's|my] box [hasn't arrived|never came|is late again|was half empty]",
    'the [box|subscription] [price went up|costs more now] [without|with no] [warning|notice|email]',
    'the box [had|included] [the same|a repeat] {product} [two months in a row|as last time]',
  ],
  refund: [
    "[my|the] refund [still hasn't|hasn't|has not] [come through|shown up|arrived|hit my account] [after {days} days|in {weeks} weeks|yet]",
    '[you|the site] [charged|billed] me [twice|two times|three times] for [the same|one] order',
    "[I returned|I sent back] {item} [two|three|{weeks}] weeks ago and [still no refund|haven't been refunded|nothing]",
    "[you|they] [refused|denied] my [return|refund] [even though|but] [it arrived damaged|it was unopened|I'm within the window]",
    '[I only got|I only got back|they refunded] [half|part] of [my money|what I paid]',
    'the refund was only [half|part] of what I paid',
  ],
  recommendation: [
    "[the|your] recommendations [are|keep being] [all|just] [series I already own|stuff I said I don't like|the same five titles]",
    '[the|your] [quiz|recommendation email] [suggested|recommended] [horror|romance|sports manga] [when I said|after I said] I [hate|don’t read] [it|that]',
    'the staff pick [you recommended|you suggested] [was|turned out to be] [volume {vol} of something|a series with no English release|out of stock everywhere]',
  ],
  merch: [
    '[the|my] {product} [is|looks] [clearly|obviously|very much] [a bootleg|fake|not official]',
    '[the|my] {product} [arrived|came] [broken|damaged|with a missing piece|in a crushed box]',
    'the {product} [looks|is] nothing like the [photos|listing|pictures]',
    '[the|my] {product} [order|preorder] [got|was] [delayed|pushed back] [again|{times} times]',
  ],
  giftcard: [
    "[the|my] gift card [code|] [doesn't|won't|does not] [work|apply|go through] at checkout",
    '[the|my] gift card [balance|] [shows|says] $0 even though I [never used it|haven’t spent it]',
    '[the|my] gift card [expired|has expired] [after {months} months|already]',
    'the e-gift card [email|] [never arrived|never came|went nowhere]',
  ],
  account: [
    '[your|the] [website|site|app] [logged me out|crashed|froze] [at checkout|during payment] [twice|again|three times]',
    "[the|my] [coupon|discount code|promo code] [won't|doesn't] apply [at checkout|to my cart]",
    "[my|the] [password reset|verification] email [never arrives|never comes|isn't coming]",
    "[I've been|I'm|been] [on hold|waiting in the chat queue|waiting for an agent] for {minutes} minutes",
    '[support|customer service|nobody] [has not|never|hasn’t] [answered|replied to] my [email|emails|messages|ticket] [in {days} days|for a week|at all]',
    '[the|your] chatbot [keeps giving|just gives] me the same [useless|canned|copy-paste] answer',
    'the price [changed|jumped] from {price} to [more|a lot more|something higher] [in my cart|at checkout]',
  ],
};

/** Problems with any topic: slow or absent support. Appended to complaints to vary them. */
export const SUPPORT_PROBLEMS = [
  '[nobody|no one] [has answered|answers|replied to] my [emails|messages|ticket]',
  "[I've|I have] [emailed|messaged|written|called] {times} times [already|now|]",
  '[support|your team|customer service] [keeps|just keeps] [sending|giving] me [the same|a copy-paste|an automated] [reply|answer|email]',
  'the [chat|chatbot|bot] [just|] [loops|goes in circles|sends me back to the FAQ]',
  "I [still|] [haven't|have not] [heard back|gotten a reply|had any update]",
] as const;
