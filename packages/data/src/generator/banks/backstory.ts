/**
 * Label-free backstory for long, rambling messages: how the customer got into a series, who they buy for, where they
 * live, what else is going on. People write these before getting to the point; a model must find the point.
 */
export const BACKSTORY = [
  "so I've been collecting {title} since [high school|college|I was a kid|the first volume came out] and [I'm finally close to finishing it|my shelf is almost full|it's kind of my whole personality lol]",
  "my {person} got me into manga [a couple of years ago|last summer|during lockdown|when we were kids] and now [we|I] [buy|order] [pretty much everything|a volume every month|way too much] [from you|here|]",
  '[I|we] [just|recently] moved to {city} [so|and] [the mail here is a bit weird|I keep forgetting my new address|everything is still in boxes]',
  "I [usually|normally] read [digital|on my phone|scans] but for {title} I [wanted|want] the physical copies[ on my shelf| because the art deserves it|]",
  '[my|our] [book club|reading group|group chat|friend group] is [reading|doing|obsessed with] {title} [this month|right now|at the moment]',
  '[I|we] [found|discovered] your [store|shop|site] [through|on] [TikTok|Reddit|a friend|Instagram|a YouTube video|a discord server] [a while ago|last year|recently]',
  "I [was at|had just got back from] [work|my cousin's wedding|the dentist|the gym|a double shift] when I [got|saw] the [email|notification|text]",
  "[I'm|im] [re-reading|rereading] [the whole series|{title} from the start] [before vol {vol2} comes out|before the new volume drops|ahead of the new volume|before volume {vol2} drops]",
  "I'm [a|a broke|a poor] [student|nurse|teacher|dad of three] so I [save up|budget|wait for sales] for [these|my manga|new volumes]",
  "I [ordered|bought] {title} {volume} [for|as a surprise for] my {person}, [they|who] [just started|have been begging for] the series",
  '[last time|the last time] I [ordered|bought something] [from you|here] [everything was fine|it went fine|it came in like two days]',
  "[english isn't my first language|my english is not great|I'm not a native speaker] so [bear with me|sorry if this is weird|please be patient]",
  "I'm [writing|typing this] [on my phone|on my lunch break|at 2am|in the car (not driving lol)] so [sorry for typos|excuse the typos|bear with me]",
  '[this is|it’s] [kind of|a bit] [a long story|complicated] [but|so] [bear with me|here goes]',
] as const;

/** Phrases that return from backstory to the point of the message. */
export const RAMBLE_CONNECTORS = [
  '[anyway|anyways|so anyway|ok so|long story short|so yeah|ANYWAY][,|:|.|]',
  '[but that’s not why I’m writing.|the reason I’m writing:|where was I. right:|anyway, sorry, the point is:|sorry, back to the point:]',
] as const;
