/** Openers that mark frustration before a problem ("seriously? …"). */
export const FRUSTRATION_LEADS = [
  '[ugh|UGH|ugh.|sigh]',
  '[seriously|really|wow|unbelievable|honestly|come on|not again|are you kidding me]?',
  '[great|fantastic|wonderful|cool|oh great|perfect|awesome]. [just great.|]',
  '[so|ok so|well|yeah so] [once again|yet again|again],',
  '[this is|it’s] the {nth} time [this has happened|I’m writing about this|]:',
  "[I'm|im|I am] [really|so|beyond|honestly] [annoyed|frustrated|fed up|disappointed|angry][.|,|:]",
  '[hey|hi], [not happy|not impressed|pretty upset] [here|].',
  '[what a joke|what a mess|unreal][.|...]',
] as const;

/** Closers that mark frustration after a problem, including sarcasm and repetition. */
export const FRUSTRATION_TAILS = [
  "[this is|that's|it's] [ridiculous|unacceptable|absurd|a joke|insane|pathetic|beyond frustrating]",
  "[I'm|im|I am] [so|really|beyond|absolutely] [frustrated|annoyed|fed up|disappointed|furious|sick of this]",
  '[so|really|super|incredibly] [annoying|frustrating|disappointing]',
  '[not|definitely not] [happy|okay|acceptable|what I paid for]',
  '[every|each] single time',
  '[I|we] expected [better|more] [from you|]',
  '[why|how] is this so [hard|difficult]',
  "[I'm|im] [sick|tired] of [this|chasing you|waiting]",
  '[how|why] is this [still|] [a problem|happening again]',
  'what a [joke|mess|waste of money]',
  'thanks for nothing',
  '[great|amazing|wonderful|stellar] [job|service|work][,|] [guys|team|really]',
  'love that for me',
  '[just|] perfect',
  '[zero|no] [communication|updates|response][ whatsoever| at all|]',
  '[fix it|sort it out|do something about it]',
  '[I want|give me] my money back',
  '[absolutely|totally|utterly] [useless|ridiculous|unacceptable]',
  '[smh|wtf|ffs|ugh|bruh|jfc]',
  '[worst|terrible|awful|horrible] [service|experience|store]',
  '[really|very|so] [disappointed|let down|unimpressed]',
  '[not cool|not okay|not acceptable]',
  '[what is going on|what the hell is going on] with [this store|you guys|your shipping]',
  '[of course|naturally|figures|typical]',
  "[I can't believe|can't believe] [this|I paid for this|this keeps happening]",
  "this [isn't|is not] the first time [either|]",
  '[again|AGAIN|yet again]',
  '[still|STILL] [nothing|waiting|no answer]',
  "[I'm|im] [losing|about to lose] my patience",
  '[really|so] [annoyed|irritated|upset] [right now|about this|]',
] as const;

/**
 * Complaints carried by sarcasm or rhetorical questions instead of emotion words: "so much for express shipping",
 * "who approved this?". A model that only knows "angry" words misses these.
 */
export const FRUSTRATION_DRY = [
  'so much for ["{claim}"|{claim}]',
  '"{claim}" [lol|haha|my foot|right|sure|yeah right]',
  '"{claim}"[.|,] [sure|right|ok|suuure|if you say so]',
  '[who|which genius] [approved|signed off on] this?',
  '[does|is] anyone [there|over there] [even|] [checking|reading|paying attention]?',
  '[is this|was that] [a joke|supposed to be funny]?',
  '[how hard is it|is it that hard] to [{task}]?',
  "[I|I'm] [literally|honestly|just] [can't|cannot] [with you guys|with this|even]",
  '[did|does] [anyone|somebody] [actually|even] [look at|check] [this|it] before [shipping|sending] it?',
  "[I|I've] [paid|spent] {price} for [this|that]?",
  '[cool|great|nice], [thanks|thx] [I guess|for that]',
  "[I don't|i dont] [even|] [know|understand] why I [bother|keep ordering]",
  '[yeah|yep], [that|this] is [exactly|totally] what I [ordered|paid for]. not.',
] as const;

/** Store promises a sarcastic customer quotes back. */
export const CLAIMS = ['carefully packed', 'express shipping', 'fast dispatch', 'in stock', 'brand new', 'mint condition', 'ships in 24 hours', 'premium packaging', 'customer first', 'we value your feedback', 'your issue has been resolved', 'arriving today', 'protective packaging', 'like new', 'priority support'] as const;

/** Simple jobs the store failed at, for rhetorical questions. */
export const TASKS = ['put a book in a box', 'send the right volume', 'answer an email', 'update the tracking', 'ship on time', 'read an address', 'use some bubble wrap', 'check the order before shipping', 'refund a charge', 'keep the website working'] as const;

/** Why a date matters: the heart of urgency. */
export const URGENCY_REASONS = [
  "it's a [gift|present] for {event} [on {day}|{day}|]",
  '[{event} is|{event} is on] {day}',
  'I [fly out|leave|travel] {day} [and want it before|and need it before|] [then|I go|]',
  "I'm moving {day} [and|so] [won't be at this address|need it before that]",
  '[I need|need] it for {event} [on {day}|this weekend|]',
  '[the|my] [preorder|sale|discount] [closes|ends|expires] [tonight|in an hour|at midnight|today]',
  '[my|the] return window [closes|ends] [tomorrow|today|{day}]',
  '[class|school|the semester] starts {day} and [I need|my {person} needs] [it|this book|the book]',
  "[it's|it is] [my|the] [last|only] chance before {event}",
  "[I'm|im] [only|] [home|here] until {day}",
  '[it|my order|{order}] ships in [an hour|{hours} hours|{minutes} minutes|the morning] [with the wrong address|and the address is wrong|and I need to change something]',
  '[the|my] [preorder|checkout|cutoff|sale] [closes|ends|times out] in {minutes} minutes',
  '[the|my] [checkout|cart] timer is running out',
  "[I'm|im] leaving [the country|town|for {country}] {day}",
  '[it has to|it needs to|this must] [be here|arrive] before {date}',
  '[the|my] [package|order] will [be returned|go back] [tomorrow|today|{day}] if [nobody|no one] [acts|does anything]',
] as const;

/** What the customer needs done, now. */
export const URGENCY_REQUESTS = [
  '[can you|could you|please] [expedite|rush|speed up] [it|my order|{order}|this]',
  '[can|could] [it|this|my order] [ship|go out] today',
  '[I need|need|I really need] [it|this|my order] [by|before] {day}',
  '[can you|please] upgrade [it|my order|the shipping] to [overnight|express|next day]',
  '[please|can you] change the [shipping|delivery] address before it ships',
  '[can someone|please] [call|email|get back to] me [today|right away|within the hour]',
  'is [same-day|next day|overnight] [delivery|shipping] [possible|available] [to {city}|]',
  '[please|can you] [hold|stop] [the package|my order] [before it ships|today]',
  '[can you|please] [send|ship] [a replacement|the replacement|it] [today|overnight|right away]',
  '[is there any|is there a|any] way [it|this] [can|could] arrive [by|before] {day}',
  '[I need|need] [an answer|a reply|this sorted] [today|now|before {day}]',
  '[please|pls] [respond|reply|answer] [quickly|fast|as soon as you can]',
  '[please|can you|pls] cancel {order} before it ships[, wrong address|, I ordered it twice|, I picked the wrong edition| — I’ll reorder|]',
  '[will|would] [standard|regular|the cheapest] shipping [make it|get here|arrive] [by|before|in time for] {day}',
] as const;

/** Explicit urgency words. */
export const URGENCY_MARKERS = [
  '[urgent|URGENT|Urgent][:|!|]',
  '[asap|ASAP|as soon as possible]',
  '[time sensitive|time-sensitive]',
  '[please hurry|quickly please|right now please|hurry please]',
  "[this is|it's] [really|kind of|super|very] [urgent|time sensitive]",
  '⏰',
  '‼️',
  '[need an answer|need a reply] [today|now|asap]',
  '[emergency|kind of an emergency]',
] as const;

/** Neutral facts an urgent message can lean on when no problem is stated. */
export const URGENCY_SITUATIONS = [
  "[my|the] order [{order}|] [hasn't shipped yet|still says processing|is still processing|hasn't left yet]",
  '[I|we] ordered [it|this|{item}] on {weekday}',
  'I [just|] [placed|made] [an|my] order [{order}|this morning|an hour ago] [and|but] [put the wrong address|forgot to add {item}|picked the wrong shipping]',
  '[I ordered|I bought] {item} [yesterday|today|this morning|last night]',
  '[my|the] package is [at the depot|out for delivery|at the post office] [and|but] I [won’t be home|am not home]',
  'I [still|] need to [order|buy|get] {item}',
] as const;

/** Ways of leaving: cancelling, closing the account, switching store, disputing a charge. */
export const CHURN_INTENTS = [
  '[please|] cancel my subscription[ effective now| after this box| and don’t renew it|]',
  '[please|can you] [close|delete|deactivate] my account',
  'delete my account and [all|] my [data|card details|info]',
  "[I won't|I will not|I'm not going to] [be ordering|order|shop|buy] [here|from you|with you] again",
  'this [is|was] my last order [with you|here|]',
  "[I'm|im] [going to|gonna] [buy|order|get my manga] from {competitor} [from now on|instead|going forward]",
  "[I'll|I will] take my [business|money] [elsewhere|somewhere else]",
  '[unsubscribe me|take me off] [from everything|your mailing list] [and close my account|for good]',
  "cancel [all|every one of] my preorders[,|.] [I'm done|I'm out|]",
  "[I'm|I am] [filing|opening|doing] a [chargeback|dispute] [with my bank|with PayPal|]",
  "[I'm|im] [not renewing|cancelling] my [membership|subscription|plan]",
  "you['ve| have] lost a customer",
  "[I'm|im] switching to {competitor}",
  "[I'm|im] done [with this store|with you guys|shopping here|ordering from you]",
  "[goodbye|bye], [forever|for good|I'm out]",
  'never [again|ordering here again|buying from you again]',
  '[I’m|I am] [leaving|quitting] [this store|your service|the subscription] [for good|]',
  "[that's it|that's the last straw|enough], [cancel everything|close my account|I'm gone]",
  "[I'm|im] [seriously|] [thinking about|considering] [cancelling|leaving|going to {competitor}]",
] as const;

/** Ways of leaving that fit a friendly message (no disputes, no threats). */
export const CHURN_POLITE_INTENTS = [
  '[please|could you] cancel my subscription[ after this box| at the end of the month|]',
  '[please|could you|can you] close my account',
  "[I won't|I will not] be renewing [my membership|the subscription|my plan]",
  '[this|this one] will be my last order [for a while|]',
  "[I'll|I will] [probably|] [be buying|be getting my manga] [from|at] {competitor} [from now on|for now]",
  '[please|] [stop|cancel] my [monthly box|standing order|preorders]',
] as const;

/** Calm reasons for leaving. */
export const CHURN_REASONS = [
  '[the|your] prices [went up|have gone up] too much',
  "I'm moving [abroad|to {country}] and you don't ship there",
  "[I don't|I just don't] read [as much|manga] [anymore|these days]",
  '[money is|budget is|things are] [tight|tight right now]',
  'I found [it|the same books|better prices] [cheaper|] at {competitor}',
  "[the|this] subscription [isn't|is not] [for me|worth it for me] anymore",
] as const;

/**
 * Sarcasm that wraps a complaint in praise words ("oh great, … love that for me", "thanks for the crushed box"):
 * frustration, although every word is positive. `{problem}` is the topic's problem.
 */
export const FRUSTRATION_SARCASM = [
  '[oh great|wow great|fantastic|wonderful|amazing|perfect|oh perfect|love this|brilliant|lovely], {problem}. [love that for me|just what I needed|exactly what I wanted|thanks so much|10/10 experience|truly amazing service|what a treat]',
  '{problem}. [great job|well done|amazing work|bravo|stellar service|A+ work|outstanding|incredible work] [guys|team|👏|👏👏|]',
  '{problem}[.|,] [but hey|oh well|but sure], at least the [confirmation email|invoice|receipt|marketing emails] [arrived|came|showed up] [on time|fast|right away]',
  '[thanks|thank you so much|thanks a lot|big thanks] for [the crushed box|sending the wrong volume|the {days} day wait|ignoring my emails|the copy-paste reply|the surprise bent corners|charging me twice][.|!|,] [really|truly|] [appreciate it|made my day|great service|so thoughtful]',
  '[wow|oh wow|impressive], only {weeks} weeks for [a|one] [paperback|package|single book]. [record time|speedy|so fast|must be a new record]',
  '[love|really love|just love|gotta love] paying [extra|] for [express shipping|express|next day delivery] [to wait|and waiting|and getting it in] {days} days',
  '[10/10|5 stars|would recommend|A+], would [wait a month|get a crushed box|be ignored|get the wrong book|pay twice] again',
  '[another|yet another|oh look, another] "[sorry for the inconvenience|we are looking into it|delayed due to high volume|your issue has been resolved]" [email|message|reply][.|,] [great|lovely|sure|cool|how helpful|so reassuring]',
  'nice [bait and switch|touch|one|try][.|,] {problem}',
  '[so|really] glad I paid {price} for [this|that|the privilege]. {problem}',
  '[can’t wait|really looking forward] to [my next|the next|another] [{days} day|month long|two week] wait [lol|haha|]',
  '[wow|cool|great] so {problem}. [amazing|fantastic|sick], [thanks|thx]',
] as const;

/**
 * Anger in polite, formal words ("I must say I am deeply disappointed"): frustration without a single rude word,
 * as formal letters carry it.
 */
export const FRUSTRATION_FORMAL = [
  '[I must say|I have to say|I must admit] I am [deeply|very|quite|extremely|rather] disappointed [with|by] [the service|how this has been handled|this experience|your response]',
  '[I regret to say|I am sorry to say|Regrettably,] [this|my experience|this order] has been [far from satisfactory|unsatisfactory|a real disappointment]',
  '[Frankly|Honestly|To be frank], this is not the [level|standard] of service I [expect|have come to expect] [from you|from your store|from MangaAssist]',
  'I find this [unacceptable|quite unacceptable|rather disappointing|deeply frustrating]',
  'I am writing to express my [dissatisfaction|disappointment|frustration] [with|regarding|about] [this order|{order}|your service]',
  'I would like to [lodge|file|make] a formal complaint',
  'With all due respect, [this is|that is] [not good enough|simply not acceptable|not how a business should operate]',
  'I have been a [loyal|regular] customer for {years} years and I am [dismayed|saddened|appalled] by [this|how this was handled|the lack of response]',
  'this is the {nth} time I have had to write [to you|about this], which I find [frustrating|exasperating|very disappointing]',
  'needless to say, I am [not pleased|not impressed|far from happy|rather upset]',
  'I [expected|had expected] [considerably|a great deal|much] better',
  'I do not appreciate [being ignored|the lack of communication|having to chase this|being given the runaround]',
] as const;

/**
 * Complaints carried by facts alone, no emotion word: a late order stated as dates ("ordered on the 2nd. it's the
 * 20th. nothing."), a promise set against what happened, a pointed "you sent me X. I ordered Y." No request, no
 * softening: the pointedness is the complaint. (A problem reported with a plain request stays neutral.)
 */
export const FRUSTRATION_IMPLICIT = [
  '[ordered|paid|placed the order] {days} days ago[.|,] [still nothing|still not here|nothing|no package|still no tracking][.|]',
  '[my order|{order}|the package|it] was supposed to [arrive|be here|be delivered] [on|by] {day}. [it’s now {days} days later|it’s a week later|its been {days} days|today is {date}|now it’s two weeks later]',
  '[my order|{order}|the package|it] was supposed to [arrive|be here|be delivered] [on|by] {weekday}. [it’s|its|today is] {weekday2}[.|...|]',
  'day {days} of waiting for [{order}|my order|one book|my package]',
  '[support|you|your site|the email] told me [3-5|5-7|2-3|7-10] [business|working|] days. [it’s|its|it has] been {days}[.|]',
  '{days} days[.|,] [one|a single] [paperback|book|package|volume][.|]',
  '[still|STILL] [not here|no sign of it|nothing in the mailbox|no package][.|,] [ordered|paid] {weeks} weeks ago[.|]',
  'you sent me [the German edition|a Spanish copy|the French edition|the wrong volume|a used copy]. I [don’t read German|ordered the English one|ordered {volume}|paid for new][.|]',
  'the "[gift wrap|protective packaging|bubble wrap|premium box]" was [literally|just] [a plastic bag|one sheet of paper|nothing|a grocery bag][.|]',
  '[I asked|I specifically asked|I paid] for [a box|gift wrap|express shipping|a signed copy] and [got|it came in|received] [an envelope|nothing|standard shipping|an unsigned one][.|]',
  '[paid for|ordered with] [express|2-day|next day] shipping. [arrived|it came|got it] [on day {days}|after {days} days|a week later|after {weeks} weeks][.|]',
  '[that’s|this is] the {nth} [damaged|wrong|late|missing] [order|box|package|delivery] [this year|in a row|since {date}][.|]',
  '[I’ve|I have] [emailed|written|called] {times} times[.|] [{times}.|no answer.|nothing.|]',
  "[my|the] order [shows|says] [delivered|shipped] {days} days ago. [it's|it is] not [here|anywhere][.|]",
  '[refund|return] [approved|processed] on {date}. [still|nothing|no money] on my card[.|]',
  "[I|we] [ordered|got] {item}[.|,] [it's|it is] [missing half the pages|the wrong language|missing the cover|upside down inside][.|]",
] as const;
