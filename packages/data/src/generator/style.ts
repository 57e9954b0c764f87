import type { Rng } from '@mangaassist/common';
import { expand } from './template';
import { addTypos } from './typos';

/** How a message is written; drawn per message. */
type Register = 'casual' | 'standard' | 'formal' | 'texting';

const REGISTERS: ReadonlyArray<[Register, number]> = [
  ['casual', 0.4],
  ['standard', 0.33],
  ['formal', 0.1],
  ['texting', 0.17],
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
];

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
 * Frames and restyles a message body: greeting and sign-off by register, then casing, slang, dropped apostrophes,
 * elongation, emphasis capitals, repeated punctuation, discourse markers ("lol", "tbh"), emoji and typos. Each
 * transform is a coin flip, so one body yields many surface forms; rates differ by register so the corpus holds
 * formal letters as well as lower-case texts.
 */
export function styleMessage(body: string, labels: readonly string[], rng: Rng): string {
  const register = pickRegister(rng);
  const short = body.split(/\s+/).length <= 3;
  let text = short ? body : frame(body, register, rng);
  const emotional = labels.some((label) => label === 'frustration' || label === 'urgency');

  if (register === 'formal' && rng.chance(0.6)) for (const [pattern, full] of CONTRACTIONS) text = text.replace(pattern, full);
  if (register === 'casual' || register === 'texting') {
    const slangRate = register === 'texting' ? 0.55 : 0.2;
    for (const [pattern, options] of SLANG) text = text.replace(pattern, (match) => (rng.chance(slangRate) ? keepCase(match, rng.pick(options)) : match));
    if (rng.chance(register === 'texting' ? 0.85 : 0.45)) text = text.replace(/(\w)['’](\w)/g, '$1$2');
    if (rng.chance(0.3)) text = discourse(text, labels, rng);
  }
  if (rng.chance(labels.includes('satisfaction') ? 0.2 : 0.08)) {
    for (const [pattern, options] of ELONGATE) text = text.replace(pattern, (match) => (rng.chance(0.5) ? keepCase(match, rng.pick(options)) : match));
  }
  if (emotional && rng.chance(0.18)) text = text.replace(EMPHASIS, (word) => (rng.chance(0.45) ? word.toUpperCase() : word));
  text = punctuation(text, labels, register, rng);

  const lower = register === 'texting' ? 0.9 : register === 'casual' ? 0.55 : 0;
  if (rng.chance(lower)) text = text.toLowerCase();
  else if (register !== 'formal' && rng.chance(0.1)) text = text.charAt(0).toLowerCase() + text.slice(1);
  if (emotional && rng.chance(0.035)) text = text.toUpperCase();

  const emojiRate = register === 'formal' ? 0.03 : register === 'standard' ? 0.15 : 0.32;
  if (rng.chance(emojiRate)) text = addEmoji(text, labels, rng);
  const typoRate = { formal: 0.004, standard: 0.012, casual: 0.025, texting: 0.04 }[register];
  text = addTypos(text, typoRate, rng);
  return text.replace(/[ \t]{2,}/g, ' ').trim();
}

function pickRegister(rng: Rng): Register {
  let roll = rng.next();
  for (const [register, weight] of REGISTERS) {
    roll -= weight;
    if (roll < 0) return register;
  }
  return 'standard';
}

function frame(body: string, register: Register, rng: Rng): string {
  const fill = (template: string): string => expand(template, rng, () => '');
  const greet = { formal: 0.85, standard: 0.35, casual: 0.22, texting: 0.08 }[register];
  const close = { formal: 0.8, standard: 0.3, casual: 0.18, texting: 0.05 }[register];
  let text = body;
  if (rng.chance(greet)) {
    const greeting =
      register === 'formal'
        ? fill('[Dear MangaAssist team,|Dear Customer Service,|Hello,|Good morning,|Good afternoon,|To whom it may concern,|Hi there,|Dear support team,]')
        : fill('[hi|hello|hey|hi there|hey guys|hiya|yo|hi team|hello!|good morning|hey there|hi!|Hi,|Hello,]');
    text = `${greeting}${rng.chance(register === 'formal' ? 0.5 : 0.15) ? '\n' : ' '}${text}`;
  }
  if (rng.chance(0.06)) text = `${fill('[Order|Re: order|Re:|About order|Ref]')} #${rng.int(10000, 99999)}${rng.pick([': ', ' - ', '. ', '\n'])}${text}`;
  if (rng.chance(close)) {
    const closing =
      register === 'formal'
        ? fill('[Kind regards.|Best regards.|Thank you in advance.|Many thanks.|Regards.|Sincerely.|I look forward to your reply.|Thank you for your time.]')
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

function discourse(text: string, labels: readonly string[], rng: Rng): string {
  const frustrated = labels.includes('frustration');
  const prefix = rng.pick(['lol ', 'ok so ', 'honestly ', 'tbh ', 'ngl ', 'so ', 'um ', 'hey so ', 'quick one, ']);
  const suffix = rng.pick([' lol', ' lmao', ' tbh', ' haha', ' fr', ' xD', ' lol.', frustrated ? ' smh' : ' :)', frustrated ? ' wtf' : ' :P']);
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
