import type { Rng } from '@mangaassist/common';
import { expand } from './template';
import { addTypos } from './typos';
import { FOREIGN_CLOSINGS, FOREIGN_GREETINGS, FOREIGN_INTERJECTIONS } from './banks/foreign';

/**
 * How a message is written, drawn once per message before it is composed (formal letters carry polite anger,
 * non-native writers their own grammar): casual, standard, formal, texting or non-native English.
 */
export type Register = 'casual' | 'standard' | 'formal' | 'texting' | 'nonnative';

const REGISTERS: ReadonlyArray<[Register, number]> = [
  ['casual', 0.36],
  ['standard', 0.3],
  ['formal', 0.1],
  ['texting', 0.17],
  ['nonnative', 0.07],
];

const EMOJI: Record<string, readonly string[]> = {
  frustration: ['😡', '😤', '🙄', '😠', '🤬', '👎', '😒', '💀', '😑'],
  satisfaction: ['😍', '🥰', '❤️', '😊', '🙏', '✨', '🔥', '💕', '👍', '🤩', '😭', '🥹', '💯'],
  urgency: ['⏰', '🙏', '‼️', '😬', '😰', '⚠️'],
  confusion: ['🤔', '😕', '❓', '😅', '🤷', '🫤'],
  churn_risk: ['👋', '✌️', '😞', '💔'],
  neutral: ['🙂', '😊', '👍', '🙏', '📚', '😅'],
};
const NOISE_EMOJI = ['😂', '😅', '😭', '🙏', '📦', '📚', '🙂'];

/** Word swaps of informal writing, applied per occurrence with the register's probability. */
const SLANG: ReadonlyArray<[RegExp, readonly string[]]> = [
  [/\byou're\b/gi, ['ur', 'youre', 'u r']],
  [/\byou\b/gi, ['u']],
  [/\byour\b/gi, ['ur']],
  [/\bplease\b/gi, ['pls', 'plz', 'pleasee']],
  [/\bthank you\b/gi, ['ty', 'thank u', 'tysm', 'thanks']],
  [/\bthanks\b/gi, ['thx', 'thanx', 'tysm', 'ty']],
  [/\bbecause\b/gi, ['bc', 'cuz', 'cos']],
  [/\bthough\b/gi, ['tho']],
  [/\bgoing to\b/gi, ['gonna']],
  [/\bwant to\b/gi, ['wanna']],
  [/\bI don't know\b/gi, ['idk']],
  [/\bright now\b/gi, ['rn']],
  [/\bpeople\b/gi, ['ppl']],
  [/\bokay\b/gi, ['ok', 'k']],
  [/\btomorrow\b/gi, ['tmrw', 'tmr', 'tomoz']],
  [/\bwith\b/gi, ['w/']],
  [/\breally\b/gi, ['rly', 'realy']],
  [/\bprobably\b/gi, ['prob', 'prolly']],
  [/\bseriously\b/gi, ['srsly', 'seriously??']],
  [/\bsomething\b/gi, ['smth', 'sth']],
  [/\bminutes\b/gi, ['mins']],
  [/\bvolume\b/gi, ['vol']],
  [/\band\b/gi, ['&', 'n']],
  [/\bvery\b/gi, ['super', 'hella', 'rly', 'v']],
  [/\bhonestly\b/gi, ['tbh', 'ngl', 'lowkey', 'honestly']],
  [/\bto be honest\b/gi, ['tbh']],
  [/\bin my opinion\b/gi, ['imo']],
  [/\bwhat\b/gi, ['wut', 'wat', 'wht']],
  [/\bare\b/gi, ['r']],
  [/\bbefore\b/gi, ['b4', 'bfore']],
  [/\bkind of\b/gi, ['kinda']],
  [/\bsort of\b/gi, ['sorta']],
  [/\bgot to\b/gi, ['gotta']],
  [/\bdon't know\b/gi, ['dunno']],
  [/\bthanks so much\b/gi, ['tysm', 'thx so much']],
  [/\bthank you so much\b/gi, ['tysm', 'ty so much']],
  [/\byou guys\b/gi, ['yall', "y'all", 'u guys', 'you lot']],
  [/\bdefinitely\b/gi, ['def', 'deffo', 'defo']],
  [/\bpackage\b/gi, ['pkg', 'parcel', 'pckg']],
  [/\binformation\b/gi, ['info']],
  [/\bweeks\b/gi, ['wks', 'weeks']],
  [/\bhours\b/gi, ['hrs']],
  [/\bmessage\b/gi, ['msg']],
  [/\bquestion\b/gi, ['q', 'qn']],
  [/\bthrough\b/gi, ['thru']],
  [/\bfavorite\b/gi, ['fav', 'fave', 'favourite']],
  [/\bnothing\b/gi, ['nothin', 'nada']],
  [/\bbrother\b/gi, ['bro']],
  [/\bsister\b/gi, ['sis']],
  [/\bI swear\b/gi, ['istg']],
  [/\bfor real\b/gi, ['fr', 'frfr']],
  [/\bgood\b/gi, ['gud', 'good']],
  [/\bsee you\b/gi, ['cya', 'see ya']],
  [/\bcustomer service\b/gi, ['CS', 'cust service']],
  [/\bfrustrated\b/gi, ['frustrated af', 'so done']],
];

/** Slang intensifiers added after an adjective ("slow af", "lowkey perfect"). */
const INTENSIFIED = /\b(late|slow|annoying|good|cute|pretty|fast|gorgeous|confusing|expensive|beautiful|broken|bent)\b/gi;

const CONTRACTIONS: ReadonlyArray<[RegExp, string]> = [
  [/\bcan't\b/gi, 'cannot'],
  [/\bdon't\b/gi, 'do not'],
  [/\bdoesn't\b/gi, 'does not'],
  [/\bhasn't\b/gi, 'has not'],
  [/\bhaven't\b/gi, 'have not'],
  [/\bI'm\b/g, 'I am'],
  [/\bit's\b/gi, 'it is'],
  [/\bwon't\b/gi, 'will not'],
  [/\bI've\b/g, 'I have'],
  [/\bwasn't\b/gi, 'was not'],
];

const ELONGATE: ReadonlyArray<[RegExp, readonly string[]]> = [
  [/\bso\b/gi, ['soooo', 'sooo', 'soo']],
  [/\blove\b/gi, ['loveee', 'looove']],
  [/\bplease\b/gi, ['pleaseee', 'pleeease']],
  [/\bthanks\b/gi, ['thanksss', 'thankss']],
  [/\bwhy\b/gi, ['whyyy', 'whyy']],
  [/\bnow\b/gi, ['nowww']],
  [/\byes\b/gi, ['yesss']],
  [/\bomg\b/gi, ['omggg']],
  [/\bsorry\b/gi, ['sorryyy']],
];

const EMPHASIS = /\b(still|again|never|now|today|asap|need|please|where|why|love|so|three|third|every|nothing|nobody|wrong|late|twice|what)\b/gi;

/**
 * Frames and restyles a message body: discourse markers ("lol", "ngl"), greeting and sign-off by register, then
 * non-native grammar, casing, slang and abbreviations, dropped apostrophes, a few words of another language,
 * elongation, emphasis capitals, repeated punctuation, emoji and typos. Each transform is a coin flip, so one body
 * yields many surface forms; rates differ by register so the corpus holds formal letters as well as lower-case
 * texts. `register` is drawn here unless the caller drew it (to compose the body with it).
 */
export function styleMessage(body: string, labels: readonly string[], rng: Rng, register: Register = pickRegister(rng)): string {
  const short = body.split(/\s+/).length <= 3;
  const chatty = (register === 'casual' || register === 'texting') && rng.chance(0.3);
  // Discourse markers ("lol", "ngl") go on the body, inside any greeting or order reference.
  let text = chatty ? discourse(body, labels, rng) : body;
  if (!short) text = frame(text, register, rng);
  const emotional = labels.some((label) => label === 'frustration' || label === 'urgency');

  if ((register === 'formal' && rng.chance(0.6)) || (register === 'nonnative' && rng.chance(0.5))) {
    for (const [pattern, full] of CONTRACTIONS) text = text.replace(pattern, full);
  }
  if (register === 'nonnative') text = nonNative(text, rng);
  if (register === 'casual' || register === 'texting') {
    const slangRate = register === 'texting' ? 0.55 : 0.2;
    for (const [pattern, options] of SLANG) text = text.replace(pattern, (match) => (rng.chance(slangRate) ? keepCase(match, rng.pick(options)) : match));
    if (rng.chance(register === 'texting' ? 0.2 : 0.08)) {
      text = text.replace(INTENSIFIED, (word) => (rng.chance(0.5) ? (rng.chance(0.5) ? `${word} af` : `${rng.pick(['lowkey', 'highkey', 'deadass', 'hella'])} ${word}`) : word));
    }
    if (rng.chance(register === 'texting' ? 0.85 : 0.45)) text = text.replace(/(\w)['’](\w)/g, '$1$2');
  }
  text = foreignTouch(text, labels, register, rng);
  if (rng.chance(labels.includes('satisfaction') ? 0.2 : 0.08)) {
    for (const [pattern, options] of ELONGATE) text = text.replace(pattern, (match) => (rng.chance(0.5) ? keepCase(match, rng.pick(options)) : match));
  }
  if (emotional && rng.chance(0.18)) text = text.replace(EMPHASIS, (word) => (rng.chance(0.45) ? word.toUpperCase() : word));
  text = punctuation(text, labels, register, rng);

  const lower = register === 'texting' ? 0.9 : register === 'casual' ? 0.55 : register === 'nonnative' ? 0.2 : 0;
  if (rng.chance(lower)) text = text.toLowerCase();
  else if (register !== 'formal' && rng.chance(0.1)) text = text.charAt(0).toLowerCase() + text.slice(1);
  if (emotional && rng.chance(0.035)) text = text.toUpperCase();

  const emojiRate = register === 'formal' ? 0.03 : register === 'standard' || register === 'nonnative' ? 0.15 : 0.32;
  if (rng.chance(emojiRate)) text = addEmoji(text, labels, rng);
  const typoRate = { formal: 0.006, standard: 0.018, casual: 0.035, texting: 0.055, nonnative: 0.03 }[register];
  text = addTypos(text, typoRate, rng);
  // A missing space after a full stop or comma, as thumbs on a phone leave it.
  if (register !== 'formal' && rng.chance(0.06)) text = text.replace(/([a-z])([.,]) ([a-zA-Z])/, '$1$2$3');
  return text.replace(/[ \t]{2,}/g, ' ').trim();
}

/** Draws a register by its share of messages. */
export function pickRegister(rng: Rng): Register {
  let roll = rng.next();
  for (const [register, weight] of REGISTERS) {
    roll -= weight;
    if (roll < 0) return register;
  }
  return 'standard';
}

function frame(body: string, register: Register, rng: Rng): string {
  const fill = (template: string): string => expand(template, rng, () => '');
  const greet = { formal: 0.85, standard: 0.35, casual: 0.22, texting: 0.08, nonnative: 0.6 }[register];
  const close = { formal: 0.8, standard: 0.3, casual: 0.18, texting: 0.05, nonnative: 0.5 }[register];
  let text = body;
  if (rng.chance(greet)) {
    const greeting =
      register === 'formal'
        ? fill('[Dear MangaAssist team,|Dear Customer Service,|Hello,|Good morning,|Good afternoon,|To whom it may concern,|Hi there,|Dear support team,]')
        : register === 'nonnative'
          ? fill('[Hello|Hello,|Dear Sir,|Dear Sir or Madam,|Good day,|Hi,|Hello sir,|Hello team,|Dear MangaAssist,|Hello, I am from [Germany|Brazil|France|Mexico|Poland|Italy|Spain|the Philippines|Japan|Chile].|Hello I write from [Germany|Brazil|France|Mexico|Poland|Italy|Spain|the Philippines|Japan|Chile],]')
          : fill('[hi|hello|hey|hi there|hey guys|hiya|yo|hi team|hello!|good morning|hey there|hi!|Hi,|Hello,]');
    text = `${greeting}${rng.chance(register === 'formal' ? 0.5 : 0.15) ? '\n' : ' '}${text}`;
  }
  if (rng.chance(0.06)) text = `${fill('[Order|Re: order|Re:|About order|Ref]')} #${rng.int(10000, 99999)}${rng.pick([': ', ' - ', '. ', '\n'])}${text}`;
  if (rng.chance(close)) {
    const closing =
      register === 'formal'
        ? fill('[Kind regards.|Best regards.|Thank you in advance.|Many thanks.|Regards.|Sincerely.|I look forward to your reply.|Thank you for your time.]')
        : register === 'nonnative'
          ? fill('[Thank you very much.|Thanks you.|Best regards.|Thank you for your help.|Waiting your answer.|Sorry for my bad English.|Thank you in advance for your answer.|Greetings.|Regards.]')
          : fill('[thanks|thank you|thanks in advance|cheers|thx|ty|thanks!|Thanks.|best|appreciate it|ty in advance]');
    text = `${text}${rng.chance(0.3) ? '\n' : ' '}${closing}`;
  }
  if (rng.chance(0.015)) text = `${text}\n\nSent from my iPhone`;
  return text;
}

function punctuation(text: string, labels: readonly string[], register: Register, rng: Rng): string {
  const intense = labels.some((label) => label !== 'neutral') ? 0.3 : 0.08;
  let out = text
    .replace(/\?(?=\s|$)/g, (mark) => (rng.chance(intense) ? rng.pick(['??', '???', '?!', '?!?']) : mark))
    .replace(/!(?=\s|$)/g, (mark) => (rng.chance(intense) ? rng.pick(['!!', '!!!', '!!!!']) : mark));
  if (register === 'texting') out = out.replace(/[.,](?=\s|$)/g, () => (rng.chance(0.75) ? '' : '.'));
  else if (register === 'casual' && rng.chance(0.6)) out = out.replace(/\.$/, '');
  if (register !== 'formal' && rng.chance(0.08)) out = out.replace(/\. /, () => rng.pick(['... ', ' - ', ', ', '.. ']));
  return out;
}

/** Per-occurrence rewrites typical of English written as a second language. */
const NON_NATIVE: ReadonlyArray<[RegExp, readonly string[] | ((match: string, ...groups: string[]) => string), number]> = [
  [/\b(I|it|my order|the package|the book|my package|my refund) (haven't|hasn't|didn't|have not|has not|did not) (\w+)/gi, (_m, who: string, _neg: string, verb: string) => `${who} not ${baseVerb(verb)}`, 0.6],
  [/\b(don't|do not|doesn't|does not)\b/gi, ['not', 'no'], 0.3],
  [/\bit(?:'s| has| is) been (\w+) (days|weeks|months)\b/gi, (_m, n: string, unit: string) => `since ${n} ${unit}`, 0.6],
  [/\b(the|a|an) /gi, [''], 0.35],
  [/\bhow much (?:is|does it cost)\b/gi, ['how much cost', 'how much it cost'], 0.7],
  [/\bis it possible\b/gi, ['it is possible', 'is possible'], 0.5],
  [/\bcan you\b/gi, ['can you please to', 'please can you', 'you can', 'is possible you'], 0.35],
  [/\bplease\b/gi, ['kindly', 'please kindly', 'plz'], 0.25],
  [/\b(received|arrived|ordered|bought|sent|paid|came)\b/gi, (m: string) => baseVerb(m), 0.3],
  [/\b(volumes|books|items)\b/gi, (m: string) => m.slice(0, -1), 0.3],
  [/\bwaiting for\b/gi, ['waiting', 'waiting since'], 0.3],
  [/\bI want to\b/gi, ['I want', 'I would like'], 0.4],
  [/\binformation\b/gi, ['informations'], 0.6],
  [/\bI'm\b|\bI am\b/g, ['I am', 'I', 'Im'], 0.25],
];

const BASE_VERBS: Record<string, string> = {
  received: 'receive', arrived: 'arrive', ordered: 'order', bought: 'buy', sent: 'send', paid: 'pay', came: 'come', shipped: 'ship',
  updated: 'update', answered: 'answer', replied: 'reply', moved: 'move', heard: 'hear', gotten: 'get', got: 'get', been: 'be', shown: 'show',
  come: 'come', arrive: 'arrive', had: 'have', left: 'leave', changed: 'change',
};

function baseVerb(verb: string): string {
  const base = BASE_VERBS[verb.toLowerCase()] ?? verb;
  return /^[A-Z]/.test(verb) ? base.charAt(0).toUpperCase() + base.slice(1) : base;
}

/** Rewrites a message the way a non-native writer might: dropped articles, "I not receive", "since 3 weeks", "how much cost". */
function nonNative(text: string, rng: Rng): string {
  let out = text;
  for (const [pattern, replacement, rate] of NON_NATIVE) {
    out = out.replace(pattern, (match: string, ...groups: string[]) => {
      if (!rng.chance(rate)) return match;
      return typeof replacement === 'function' ? replacement(match, ...groups) : keepCase(match, rng.pick(replacement));
    });
  }
  if (rng.chance(0.12)) out = `${out} ${rng.pick(['Sorry my english.', 'sorry for my english', 'Sorry for bad english.', 'my english is not good sorry'])}`;
  return out.replace(/ {2,}/g, ' ').replace(/^\s*([a-z])/, (c) => (rng.chance(0.5) ? c.toUpperCase() : c));
}

/**
 * A few words of another language: a greeting or sign-off (no label) or an interjection that carries one of the
 * message's labels. Non-native writers do it most, fans texting in romaji some.
 */
function foreignTouch(text: string, labels: readonly string[], register: Register, rng: Rng): string {
  const rate = { nonnative: 0.35, texting: 0.06, casual: 0.05, standard: 0.02, formal: 0 }[register];
  if (!rng.chance(rate)) return text;
  const roll = rng.next();
  if (roll < 0.3) return `${rng.pick(FOREIGN_GREETINGS)} ${text}`;
  if (roll < 0.6) return `${text}${rng.chance(0.5) ? ' ' : '\n'}${rng.pick(FOREIGN_CLOSINGS)}`;
  const interjections = FOREIGN_INTERJECTIONS[rng.pick(labels)];
  if (interjections === undefined) return `${text} ${rng.pick(FOREIGN_CLOSINGS)}`;
  const word = rng.pick(interjections);
  // At the start only when the message does not open with a greeting ("Dear Sir, …").
  const greets = /^(dear|hello|hi|hey|good|to whom|re:|ref|about|order)\b/i.test(text);
  return !greets && rng.chance(0.4) ? `${word}${rng.pick(['!', '!!', '', ' -', ','])} ${text}` : `${text} ${word}${rng.pick(['', '!', '!!', '...'])}`;
}

function discourse(text: string, labels: readonly string[], rng: Rng): string {
  const frustrated = labels.includes('frustration');
  const prefix = rng.pick(['lol ', 'ok so ', 'honestly ', 'tbh ', 'ngl ', 'so ', 'um ', 'hey so ', 'quick one, ', 'istg ', 'lowkey ', 'bruh ', 'okay so like ', 'not gonna lie ', 'idk ']);
  const suffix = rng.pick([' lol', ' lmao', ' tbh', ' haha', ' fr', ' xD', ' lol.', ' ngl', ' fr fr', ' imo', ' lmfao', ' ;)', frustrated ? ' smh' : ' :)', frustrated ? ' wtf' : ' :P', frustrated ? ' fml' : ' <3', frustrated ? ' ffs' : ' hehe']);
  return rng.chance(0.5) ? prefix + text.charAt(0).toLowerCase() + text.slice(1) : text + suffix;
}

function addEmoji(text: string, labels: readonly string[], rng: Rng): string {
  const label = rng.pick(labels);
  const pool = rng.chance(0.8) ? (EMOJI[label] ?? NOISE_EMOJI) : NOISE_EMOJI;
  const emoji = rng.pick(pool);
  const run = rng.chance(0.3) ? emoji.repeat(rng.int(2, 3)) : emoji;
  const roll = rng.next();
  if (roll < 0.75) return `${text}${rng.chance(0.7) ? ' ' : ''}${run}`;
  if (roll < 0.8) return `${run} ${text}`;
  const cut = text.search(/[.!?]\s/);
  return cut === -1 ? `${text} ${run}` : `${text.slice(0, cut + 1)} ${run}${text.slice(cut + 1)}`;
}

function keepCase(original: string, replacement: string): string {
  return /^[A-Z]/.test(original) && original !== 'I' ? replacement.charAt(0).toUpperCase() + replacement.slice(1) : replacement;
}
