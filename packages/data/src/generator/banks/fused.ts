/**
 * Whole-message templates for label combinations whose labels live in one sentence ("if it's not here by Friday,
 * cancel it"), keyed by the label names in alphabetical order joined with `+`. Slots `{problem}`, `{contradiction}`, `{churn}`,
 * `{leaveReason}`, `{politeChurn}`, `{deadline}`, `{positive}` and `{tail}` are filled from the other banks.
 */
export const FUSED: Record<string, readonly string[]> = {
  'frustration+urgency': [
    '{problem}[.|,|!] [and|but] I [need|needed] it [by|for] {day}[!|.|!!] [{tail}|]',
    "[this is|it's] the {nth} time I'm [asking|writing][.|,|!] I need [an answer|this fixed|it] [today|by {day}|asap][.|!]",
    '{problem}. [{event} is|it’s for {event},] {day}[!|.|!!!] [seriously|come on|please]',
    '[STILL|still] [waiting|nothing][.|!|...] {problem} and [I need it|it has to be here] [by|before] {day}',
    '[my order|{order}|it] was supposed to [be here|arrive] [on|by] {weekday}. [it’s {weekday2}|its {weekday2} already|it’s been {days} days]. [I need it by {date}|it’s for {event} on {date}|{event} is on {date}][.|,] [where is it|tell me where it is|someone tell me something][?|.|!]',
    '[ordered|paid] {weeks} weeks ago[.|,] still [nothing|not shipped|no tracking][.|,] [it’s|its] for {event} [on|] {date}[.|!]',
  ],
  'churn_risk+frustration': [
    "{problem}[.|!] [that's it|enough|I'm done][,|.|!] {churn}",
    '{years} years of [loyal|regular] [orders|business] and [I get|this is what I get:] {problem}? {churn}',
    '{churn}[.|!] {problem}[,|.] [{tail}|]',
    '[honestly|frankly|tbh] {problem} [every time|too often|constantly][.|,] {churn}',
  ],
  'churn_risk+urgency': [
    "if [it|my order|this] [isn't|is not] [here|delivered] by {day}[,|] [cancel it|I'm cancelling] and [I'll|I will] [buy|get] it [from|at] {competitor}",
    "[I need|need] {item} by {day}[.|,] if you can't [do that|make it], [cancel|please cancel] [everything|my account] [and I'll go to {competitor}|]",
  ],
  'churn_risk+satisfaction': [
    '[I|we] [really|honestly] [liked|enjoyed] [shopping|ordering] [here|with you][,|.] [sadly|unfortunately] {leaveReason}[,|.|;] [so|] {politeChurn}[. all the best|. take care|]',
    '{politeChurn}[.|,] [nothing against you|no hard feelings|it’s not you][,|—] {leaveReason}. [loved|really enjoyed] [shopping here|the boxes|ordering from you] [though|]',
  ],
  'churn_risk+confusion': [
    "[I want to|trying to] [end|stop] my [membership|plan|subscription] [but|and] the [settings page|account page] [has no|doesn't show any] [option|way] to do it[. what am I missing?|, how?|?]",
    "[I tried to|I want to] [close|delete] my account but [the page|the link|settings] [doesn't work|makes no sense|keeps sending me in circles], [how do I|what do I] do[?|]",
    '[I’m|im] [confused|not sure], [did my|was my] [subscription|account] [actually|] [cancelled|closed]? I [asked|requested] [it|that] [last week|on {date}] [but|and] [still got charged|I still see it]',
  ],
  'churn_risk+frustration+urgency': [
    "{problem}. if [it's not|this isn't] [fixed|sorted|here] by {day} [I'm cancelling everything|I'm disputing the charge|I'm never ordering again|close my account]",
    '[fix this|sort this out|refund me] [today|by {day}|now] or {churn}[.|!|!!]',
    '{problem}[,|.] [{tail}|]. [I need it|it needs to be here] by {day} or {churn}',
  ],
  'confusion+frustration+urgency': [
    '{contradiction}?? [{tail}|]. [I need|need] [it|this] [by|before] {day}',
    '[what is going on|what’s happening] [here|]: {contradiction}. [so annoying|really irritating]. [{event} is|need it for] {day}!',
  ],
  'confusion+frustration': [
    "{contradiction}?? [this is|it's] [baffling|confusing] and [really|] [irritating|frustrating]",
    '[seriously|honestly|ok], {contradiction}? [this is|it’s] [ridiculous|a mess|so frustrating]',
  ],
  'frustration+satisfaction': [
    '[love|loving] [the|this] [series|store|book] but {problem}[.|,] [{tail}|]',
    '{positive}, [but|though|however] {problem}[.|!|...] [kind of a bummer|not great|{tail}]',
    '{problem}[.|,] [still|that said|but honestly], {positive}',
    '[thanks|thank you|ty] for [the quick reply|sorting the refund|the replacement|the fast shipping][!|.|,] [though|but|although] [I’m|im] [a bit|kinda|still|honestly] [annoyed|disappointed|bummed|irritated] that {problem}',
    '[the books are|the {edition} is|the {product} is] [gorgeous|perfect|stunning], [shame|such a shame|too bad|pity] {problem}[.|,] [not happy about that|annoying|ugh|]',
  ],
  'satisfaction+urgency': [
    '[love|loving] this [store|shop][!|!!] [one thing|quick thing|one more thing][:|—|,] [can you|could you] [rush|expedite] {order}? {deadline}',
    '{positive}[!|!!] [now|also|oh and] I need {item} by {day}, [can it ship today|is express possible]?',
  ],
  'confusion+satisfaction': [
    '[love|really enjoying] {title}[!|!!] [quick|one] question though, {contradiction}?',
    '{positive}[!|.] [but|although] {contradiction}?',
  ],
  'confusion+urgency': [
    '{contradiction}?? [it’s|it is] [a gift|for {event}] [tonight|tomorrow|{day}], [please help|help] [asap|quickly|]',
    '[I|i] [don’t understand|can’t tell] [if|whether] {order} [is|was] [confirmed|placed] or not, and I [need|have to have] it [for {event}|by {day}]. [please|pls] [check|look] [asap|today]',
  ],
};
