import type { Topic } from '../message-context';

/**
 * Things that do not add up, the stuff of confusion: two sources that disagree, or a process the customer cannot
 * work out. Plain questions about facts are neutral; these carry the puzzlement themselves.
 */
export const CONTRADICTIONS: Record<Topic, readonly string[]> = {
  order: [
    "my order [says|shows] [\"delivered\"|delivered] but [nothing is here|there's no package|I never got anything]",
    '[I got|I received] [an email|one email] saying my order was [cancelled|canceled] and [another|then another|a second one] saying it [shipped|is on the way]',
    'my account says [no orders|I have no orders] but I was charged {amount}',
    'the [confirmation|invoice|packing slip] [lists|shows] [four|three|five] [books|items] but [the box|my package] [had|only had] [two|one]',
    "[my|the] order {order} [doesn't show up|isn't in my account|disappeared from my order history]",
  ],
  shipping: [
    'tracking says ["label created"|"pre-shipment"|"in transit"] [for|since] [a week|{days} days] [—|,] [has it shipped or not|did it actually ship|is it moving or not]',
    '[the site|checkout] said free shipping [over|above] $50 but I was charged shipping on a {amount} order',
    "[the|my] tracking number [doesn't work|isn't valid|shows someone else's package]",
    "it says delivered to {city} [but|and] I [live in|am in] [a different state|another city|{country}]",
    'I [got|received] two tracking numbers for one order [and|but] only one [works|moves]',
  ],
  preorder: [
    '[how|when] do preorders get charged[, now or when they ship|? now or at release|]',
    'what does "ships in [2-3|3-5|1-2] business days" mean for a preorder that [isn’t out|isn’t released] yet',
    'the release date on [the site|my order] [changed to|says] {date} but [the publisher|the email] says [something else|a different date]',
    '[my|the] preorder [disappeared|is gone] from my account [but|and] [I was charged|the charge is still there]',
    'if I preorder {title} {volume} [with|together with] [other|in-stock] books, does the whole order wait',
    'the preorder page says [both|] ["ships {date}"|"ships soon"] and ["release date TBA"|"date unknown"]',
  ],
  edition: [
    "[I can't tell|I don't get|I really can't see] the difference between the {edition} and the {edition2}[, they look the same|, they seem identical| but one costs double|]",
    'is the {edition} [the same content as|different from] the regular volumes',
    "[there are|I see] two [listings|versions] of {title} {volume} [with different prices|with different covers|and I can't tell which is which]",
    'does the {edition} [include|cover] [volumes {vol} to {vol2}|the same chapters]',
    '[the|this] {edition} [is numbered|says] {volume} but it [seems to start|starts] [somewhere else|mid-story]',
  ],
  damaged: [
    '[the|my] replacement [email|note] says [it shipped|it’s on the way] but [tracking says|the status is] [returned|cancelled]',
    '[do I|should I] [send back|return] the damaged [copy|one] [or|before] [you send|getting] a replacement',
    'the return label [you sent|in the email] [is for|says] a different order',
  ],
  restock: [
    '[the page|it] says ["in stock"|in stock] but [also|] "ships in {weeks} weeks"',
    '[I got|I received] a restock alert but the page [still|] says sold out',
    '[is|will] {item} [being|ever be] restocked or [discontinued|out of print]',
  ],
  subscription: [
    '[is|was] [the|my] subscription [monthly|billed monthly] or [every 3 months|quarterly]',
    '[why is|how come] [free shipping|the member discount|my box discount] [not applying|not showing] [when|if] my [cart|order] is [over|above] [$50|the minimum]',
    '[I paused|I skipped] [my subscription|this month] but [still got|I got] charged',
    "[I|I'm] [can't find|not sure where] to change my subscription preferences",
    '[the|my] box [says|shows] "{title}" on the list but [it wasn’t inside|I got {title2}]',
  ],
  refund: [
    "[the|my] refund [says|shows] \"processed\" but [it's not on|nothing is on] my [card|statement|account]",
    '[I got|there is] a refund of {amount} but [I paid|my order was] {price}',
    '[do I|should I] get a refund [or|as] store credit',
    'the refund [went|was sent] to a card I [don’t have anymore|closed], [where does it go|what happens now]',
  ],
  recommendation: [
    "the volume numbers [don't match|are different from] the anime [seasons|episodes], [so|and] I [can't figure out|don't know] where to [start|pick up]",
    '[every site|everyone] [says|gives] a different reading order for {title}, which [one is right|do I follow]',
    '[is|are] {title} and {title2} [the same series|connected|the same story] [or not|]',
  ],
  merch: [
    '[is|are] the {product} [official|licensed] or [not|a knockoff]? the listing [says both|doesn’t say]',
    'the {product} [says|is listed as] ["in stock"|in stock] but [the checkout|the page] says [preorder|backorder]',
    'the {product} [page|listing] [says|shows] [two different sizes|two prices]',
  ],
  giftcard: [
    '[the|my] gift card [balance|] [says|shows] {amount} [in my account|on the card] but [checkout|the cart] [says|shows] $0',
    '[where do I|how do I] [enter|put|redeem] [the|a] gift card code',
    '[can I|do I] use [a|the] gift card [with|on] [a preorder|the app|a sale item]',
    '[why is|how come] [the|my] gift card [not working|getting rejected] [when|if] [it shows a balance|I copied the code exactly|it says active]',
  ],
  account: [
    'the [app|cart] [shows|says] a different price than the website',
    '[my|the] points balance [went down|dropped] [but|and] I didn’t [buy|spend] anything',
    '[I|my card] [was charged|got charged] but the site [said|says] [the payment failed|payment declined]',
    "[it|the site] [says|keeps saying] my [account|email] doesn't exist but I [get|got] your emails",
    "[why is|how come] the [coupon|discount code|{percent}% off code|student discount] [not applying|not working] when [my cart qualifies|it says it applies to manga|I followed the instructions]",
    "[I can't find|I don't see|where is] the [button|option|link|place] to [cancel one item|change my plan|check out as a guest|update my card|see my preorders][ anywhere|, am I blind|]",
    '[the checkout keeps asking me to|it keeps telling me to] [sign in|make an account|verify my email] [and I don’t see|but there’s no] [a guest option|another way|a skip button]',
  ],
};

/** How customers say they are lost; placed before or after a contradiction. */
export const CONFUSION_LEADS = [
  "[I'm|im|I am] [so|a bit|really|kinda|totally|super|] confused[,|.|:|—]",
  '[quick|dumb|stupid|probably silly] question[,|:|—]',
  "[sorry if this is obvious|sorry, maybe I'm missing something|forgive me if this is a dumb question][,|.]",
  '[um|umm|hmm|wait|huh|uhh][,|.|...|?]',
  '[can someone|could you] [explain|help me understand] [something|this][:|,|?]',
  "[I don't|i dont|I do not] [understand|get] [this|something|what's happening][,|.|:]",
  '[not sure|no idea] [what’s going on|what this means|how this works][,|.|:]',
  '[wait so|hold on|ok wait|so wait][,|...|—|]',
  '[is it just me or|am I reading this right or|maybe I’m dumb but][,|]',
  "[I thought|I was told|the email said] [it|my order|this] [would|was going to] [ship|arrive|be charged] [on {date}|this week|at release] [but|and now] [it says|the site says|tracking says] [something else|otherwise|the opposite][.|,|:]",
] as const;

/** Question-like closers that mark confusion. */
export const CONFUSION_TAILS = [
  '[which is it|which one is right|which one is true]?',
  '[what does that mean|what does this mean]?',
  '[what am I missing|am I missing something|am I reading this wrong]?',
  "[what's going on|what is happening] [here|]?",
  "[I don't get it|I really don't get it|this makes no sense|that doesn't make sense|none of this adds up]",
  "[I'm lost|i'm lost lol|totally lost here]",
  '[can you|could someone] [explain|clarify|clear this up][?| please|]',
  "[I'm|im] [honestly|genuinely|] not sure [what that means|how that works|what to do here]",
  '🤔',
  '??',
  '[help|help please|pls help]?',
  'how does that work?',
  "[I genuinely can't tell|I honestly can't tell|can't tell which]",
  '[what now|now what|so what do I do now]?',
  '[did I misread|am I misreading] [the listing|something|the page]?',
  '[how is that possible|how does that even work|how can both be true]?',
  "[I'm|im] [going in circles|more confused than before|so lost lol]",
  '[explain like I’m five|ELI5] [please|pls|]?',
] as const;
