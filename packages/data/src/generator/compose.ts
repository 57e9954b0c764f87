import type { Rng } from '@mangaassist/common';
import { expand } from './template';
import { createContext, TOPICS, type MessageContext, type Topic } from './message-context';
import { PROBLEMS, SUPPORT_PROBLEMS } from './banks/problems';
import { CONFUSION_LEADS, CONFUSION_TAILS, CONTRADICTIONS } from './banks/contradictions';
import {
  APPRECIATION,
  POSITIVES,
  RESOLVED_THANKS,
  SATISFACTION_INTENSE,
  SATISFACTION_LEADS,
  SATISFACTION_QUESTIONS,
  STORY_ENJOYMENT,
  SUPPORT_PRAISE,
  THANKS_WITH_NITPICK,
} from './banks/positives';
import {
  CHURN_INTENTS,
  CHURN_POLITE_INTENTS,
  CHURN_REASONS,
  CLAIMS,
  FRUSTRATION_DRY,
  FRUSTRATION_FORMAL,
  FRUSTRATION_IMPLICIT,
  FRUSTRATION_LEADS,
  FRUSTRATION_SARCASM,
  FRUSTRATION_TAILS,
  TASKS,
  URGENCY_MARKERS,
  URGENCY_REASONS,
  URGENCY_REQUESTS,
  URGENCY_SITUATIONS,
} from './banks/stances';
import { CALM_REQUESTS, NEUTRAL_HARD, NEUTRAL_SHORT, PRACTICAL_CANCELLATIONS, QUESTION_LEADS, QUESTIONS, STATEMENTS } from './banks/neutral';
import { FUSED } from './banks/fused';
import { CONTEXT_SENTENCES } from './banks/context';
import { BACKSTORY, RAMBLE_CONNECTORS } from './banks/backstory';
import { SHORT_REACTIONS } from './banks/reactions';
import type { Register } from './style';

/** Share of multi-label messages written from a one-sentence template instead of label parts joined together. */
const FUSED_SHARE = 0.4;

/** Share of messages that get a background sentence (order date, who it is for, how long a customer). */
const CONTEXT_SHARE = 0.2;

/** Share of longer messages that open with a rambling backstory before getting to the point. */
const RAMBLE_SHARE = 0.07;

/** Share of single-label messages, per label, that are a one-word or emoji-only reaction ("😍😍", "ugh", "huh??"). */
const SHORT_REACTION_SHARE: Readonly<Record<string, number>> = { satisfaction: 0.07, frustration: 0.05, confusion: 0.1, urgency: 0.06, churn_risk: 0.12 };

/**
 * Writes the body of one message carrying exactly `labels` (before framing and style): a topic is drawn, then
 * either a fused template for the combination or one part per label, joined the way people join them ("…, but",
 * "Still, …"). The register (drawn by the caller) chooses some stances: formal letters complain politely.
 */
export function composeBody(labels: readonly string[], rng: Rng, register: Register = 'standard'): string {
  const set = new Set(labels);
  const topic = pickTopic(set, rng);
  const ctx = createContext(topic, rng, register);
  const fill = (template: string): string => expand(template, rng, (name) => slotFor(name, ctx));
  const only = set.size === 1 ? (labels[0] as string) : undefined;
  const reactions = only === undefined ? undefined : SHORT_REACTIONS[only];
  if (reactions !== undefined && rng.chance(SHORT_REACTION_SHARE[only as string] ?? 0)) return fill(rng.pick(reactions));
  let body: string;
  if (set.has('neutral')) body = neutralBody(ctx, fill);
  else {
    const fused = FUSED[[...set].sort().join('+')];
    body = fused !== undefined && set.size > 1 && rng.chance(FUSED_SHARE) ? fill(rng.pick(fused)) : joinedBody(set, ctx, fill);
  }
  const long = body.split(' ').length > 3;
  if (long && rng.chance(CONTEXT_SHARE)) {
    const context = finish(fill(rng.pick(CONTEXT_SENTENCES)), '.', rng);
    body = rng.chance(0.6) ? `${context} ${body}` : `${finish(body, '.', rng)} ${context}`;
  }
  if (long && rng.chance(RAMBLE_SHARE)) body = ramble(body, ctx, fill);
  return body;
}

/** Backstory first (one to three sentences), then a way back to the point, then the message. */
function ramble(body: string, ctx: MessageContext, fill: Fill): string {
  const { rng } = ctx;
  const count = rng.pick([1, 2, 2, 3]);
  const story = rng.shuffle([...BACKSTORY]).slice(0, count).map((sentence) => finish(fill(sentence), rng.pick(['.', '.', '!', '...', '']), rng));
  const connector = rng.chance(0.75) ? `${fill(rng.pick(RAMBLE_CONNECTORS))} ` : '';
  return `${story.join(' ')} ${connector}${lowerFirst(body)}`;
}

function pickTopic(labels: ReadonlySet<string>, rng: Rng): Topic {
  // Recommendations rarely come with a deadline or a goodbye; everything else goes with every label.
  const allowed = labels.has('urgency') || labels.has('churn_risk') ? TOPICS.filter((t) => t !== 'recommendation') : TOPICS;
  return rng.pick(allowed);
}

type Fill = (template: string) => string;

function slotFor(name: string, ctx: MessageContext): string {
  const { rng, topic } = ctx;
  const fill = (template: string): string => expand(template, rng, (inner) => slotFor(inner, ctx));
  switch (name) {
    case 'problem':
      return fill(rng.pick(PROBLEMS[topic]));
    case 'contradiction':
      return fill(rng.pick(CONTRADICTIONS[topic]));
    case 'churn':
      return fill(rng.pick(CHURN_INTENTS));
    case 'leaveReason':
      return fill(rng.pick(CHURN_REASONS));
    case 'politeChurn':
      return fill(rng.pick(CHURN_POLITE_INTENTS));
    case 'deadline':
      return fill(rng.pick(URGENCY_REASONS));
    case 'positive':
      return fill(rng.pick(POSITIVES[topic]));
    case 'tail':
      return fill(rng.pick(rng.chance(0.8) ? FRUSTRATION_TAILS : FRUSTRATION_DRY));
    case 'claim':
      return rng.pick(CLAIMS);
    case 'task':
      return rng.pick(TASKS);
    default:
      return ctx.slot(name);
  }
}

function neutralBody(ctx: MessageContext, fill: Fill): string {
  const { rng, topic } = ctx;
  const roll = rng.next();
  if (roll < 0.56) {
    const question = finish(fill(rng.pick(QUESTIONS[topic])), '?', rng);
    return rng.chance(0.12) ? `${fill(rng.pick(QUESTION_LEADS))} ${question}` : question;
  }
  if (roll < 0.7) return finish(fill(rng.pick(STATEMENTS)), '.', rng);
  if (roll < 0.8) return finish(fill(rng.pick(NEUTRAL_HARD)), '.', rng);
  if (roll < 0.86) return finish(fill(rng.pick(PRACTICAL_CANCELLATIONS)), '.', rng);
  if (roll < 0.96) {
    // A problem reported calmly, with a plain request: not frustration without an expressed feeling.
    return `${finish(fill(rng.pick(PROBLEMS[topic])), '.', rng)} ${fill(rng.pick(CALM_REQUESTS[topic]))}`;
  }
  return rng.pick(NEUTRAL_SHORT);
}

function joinedBody(labels: ReadonlySet<string>, ctx: MessageContext, fill: Fill): string {
  const { rng } = ctx;
  const parts: string[] = [];
  let problemShown = false;
  const single = labels.size === 1;

  if (labels.has('confusion')) {
    parts.push(confusionPart(ctx, fill));
    problemShown = true;
  }
  let frustration: string | undefined;
  if (labels.has('frustration')) {
    frustration = frustrationPart(ctx, fill, problemShown, single, labels.has('satisfaction'));
    problemShown = true;
  }
  if (labels.has('satisfaction')) {
    const satisfaction = satisfactionPart(ctx, fill, single);
    if (frustration !== undefined) {
      // Mixed sentiment: the two halves are joined by a contrast, in either order.
      if (rng.chance(0.5)) {
        parts.push(`${stripEnd(satisfaction)}${fill('[, but|. But|... but|, though|. However,|, sadly|. Only problem:]')} ${lowerFirst(frustration)}`);
      } else {
        parts.push(frustration, `${fill('[Still,|That said,|On the bright side,|But honestly|Otherwise|Other than that,|]')} ${satisfaction}`.trim());
      }
      frustration = undefined;
    } else {
      parts.unshift(satisfaction);
    }
  }
  if (frustration !== undefined) parts.push(frustration);
  if (labels.has('urgency')) {
    const urgency = urgencyPart(ctx, fill, problemShown);
    if (labels.has('frustration') && rng.chance(0.25)) parts.unshift(urgency);
    else parts.push(urgency);
  }
  if (labels.has('churn_risk')) {
    const churn = labels.has('satisfaction') && !labels.has('frustration') ? politeChurnPart(ctx, fill) : churnPart(ctx, fill, problemShown, single);
    if (labels.has('frustration') && rng.chance(0.25)) parts.unshift(churn);
    else parts.push(churn);
  }
  return parts.map((part) => finish(part, '.', rng)).join(rng.chance(0.85) ? ' ' : rng.pick(['  ', '\n', ' - ']));
}

function frustrationPart(ctx: MessageContext, fill: Fill, problemShown: boolean, single: boolean, mixed: boolean): string {
  const { rng, topic } = ctx;
  const tail = (): string => fill(rng.pick(FRUSTRATION_TAILS));
  const lead = (): string => fill(rng.pick(FRUSTRATION_LEADS));
  if (problemShown) {
    if (ctx.register === 'formal' && rng.chance(0.5)) return fill(rng.pick(FRUSTRATION_FORMAL));
    return rng.chance(0.5) ? tail() : `${finish(tail(), '.', rng)} ${finish(tail(), '.', rng)}`;
  }
  if (single && rng.chance(0.08)) {
    return fill(rng.pick(['[worst|terrible] [customer service|store|experience] [ever|I’ve had|]', '[ugh|UGH], [again|this again]?', 'are you [serious|kidding me|joking]', 'unreal', '[this is|what] a joke', '🙄', 'so over this', '[wow|seriously|really]. just wow.']));
  }
  // Polite anger in formal letters, complaints carried by facts alone, and sarcasm in praise words.
  if (rng.chance(ctx.register === 'formal' ? 0.55 : 0.05)) {
    const formal = (): string => finish(fill(rng.pick(FRUSTRATION_FORMAL)), '.', rng);
    const problem = finish(fill(rng.pick(PROBLEMS[topic])), '.', rng);
    return rng.chance(0.5) ? `${formal()} ${capitalize(problem)}` : `${capitalize(problem)} ${formal()}`;
  }
  if (rng.chance(0.16)) return fill(rng.pick(FRUSTRATION_IMPLICIT));
  // Sarcasm is kept out of mixed praise-and-complaint messages, where it would read as the sincere half.
  if (!mixed && rng.chance(0.12)) return fill(rng.pick(FRUSTRATION_SARCASM));
  const problem = fill(rng.pick(PROBLEMS[topic]));
  const dry = (): string => fill(rng.pick(FRUSTRATION_DRY));
  if (rng.chance(0.3)) return rng.chance(0.5) ? `${finish(problem, '.', rng)} ${dry()}` : `${finish(dry(), '.', rng)} ${problem}`;
  const roll = rng.next();
  if (roll < 0.3) return `${lead()} ${finish(problem, '.', rng)}${rng.chance(0.4) ? ` ${tail()}` : ''}`;
  if (roll < 0.6) return `${finish(problem, rng.pick(['.', '!', '!!', '...']), rng)} ${tail()}`;
  if (roll < 0.8) return `${problem}${fill('[, and|. and| and|.|. also|;]')} ${fill(rng.pick(SUPPORT_PROBLEMS))}${rng.chance(0.5) ? `. ${tail()}` : ''}`;
  const again = /\bagain\b/i.test(problem) ? '' : ` ${fill('[again|AGAIN|yet again|for the {nth} time|once again]')}`;
  return `${problem}${again}${fill('[.|!|!!|?!]')} ${rng.chance(0.6) ? tail() : ''}`.trim();
}

function satisfactionPart(ctx: MessageContext, fill: Fill, single: boolean): string {
  const { rng, topic } = ctx;
  const positive = (): string => {
    const roll = rng.next();
    return fill(rng.pick(roll < 0.2 ? SATISFACTION_INTENSE : roll < 0.3 ? SUPPORT_PRAISE : POSITIVES[topic]));
  };
  const thanks = (): string => fill(rng.pick(single && rng.chance(0.1) ? RESOLVED_THANKS : APPRECIATION));
  const lead = rng.chance(0.2) ? `${fill(rng.pick(SATISFACTION_LEADS))} ` : '';
  if (single && rng.chance(0.1)) {
    // Thanks with a small complaint waved away: still satisfaction.
    const nitpick = finish(fill(rng.pick(THANKS_WITH_NITPICK)), rng.pick(['.', '!', '']), rng);
    return rng.chance(0.5) ? `${finish(positive(), rng.pick(['.', '!']), rng)} ${nitpick}` : `${finish(thanks(), '!', rng)} ${nitpick}`;
  }
  if (rng.chance(0.06)) return `${finish(positive(), rng.pick(['!', '!!', '.']), rng)} ${fill(rng.pick(SATISFACTION_QUESTIONS))}`;
  const roll = rng.next();
  if (single && roll < 0.18) return fill(rng.pick(STORY_ENJOYMENT));
  if (roll < 0.5) return `${lead}${finish(positive(), rng.pick(['.', '!', '!!']), rng)} ${thanks()}`;
  if (roll < 0.65) return `${finish(thanks(), rng.pick(['!', '.', '!!']), rng)} ${positive()}`;
  if (roll < 0.85) return `${lead}${positive()}`;
  return thanks();
}

function urgencyPart(ctx: MessageContext, fill: Fill, problemShown: boolean): string {
  const { rng } = ctx;
  const reason = (): string => fill(rng.pick(URGENCY_REASONS));
  const request = (): string => fill(rng.pick(URGENCY_REQUESTS));
  const marker = (): string => fill(rng.pick(URGENCY_MARKERS));
  const situation = problemShown || rng.chance(0.45) ? '' : `${finish(fill(rng.pick(URGENCY_SITUATIONS)), '.', rng)} `;
  const roll = rng.next();
  let core: string;
  if (roll < 0.35) core = `${finish(reason(), '.', rng)} ${finish(request(), '?', rng)}`;
  else if (roll < 0.6) core = `${finish(request(), '?', rng)} ${reason()}`;
  else if (roll < 0.8) core = `${marker()} ${finish(request(), '?', rng)}${rng.chance(0.5) ? ` ${reason()}` : ''}`;
  else core = `${finish(request(), '?', rng)} ${marker()}`;
  return `${situation}${core}`.trim();
}

function confusionPart(ctx: MessageContext, fill: Fill): string {
  const { rng, topic } = ctx;
  const contradiction = fill(rng.pick(CONTRADICTIONS[topic]));
  const roll = rng.next();
  if (roll < 0.4) return `${fill(rng.pick(CONFUSION_LEADS))} ${finish(contradiction, '?', rng)}`;
  if (roll < 0.8) return `${finish(contradiction, rng.pick(['?', '??', '.', '...']), rng)} ${fill(rng.pick(CONFUSION_TAILS))}`;
  return `${fill(rng.pick(CONFUSION_LEADS))} ${finish(contradiction, '.', rng)} ${fill(rng.pick(CONFUSION_TAILS))}`;
}

function churnPart(ctx: MessageContext, fill: Fill, reasonGiven: boolean, single: boolean): string {
  const { rng } = ctx;
  const intent = fill(rng.pick(CHURN_INTENTS));
  if (reasonGiven || rng.chance(0.35)) return intent;
  const reason = fill(rng.pick(CHURN_REASONS));
  const polite = single && rng.chance(0.5) ? fill('[ thanks| thank you| sorry| no hard feelings| thanks for everything]') : '';
  return rng.chance(0.5) ? `${finish(intent, '.', rng)} ${reason}.${polite}` : `${reason}, ${rng.pick(['so', 'so', 'which is why'])} ${intent}.${polite}`;
}

function politeChurnPart(ctx: MessageContext, fill: Fill): string {
  const { rng } = ctx;
  const intent = fill(rng.pick(CHURN_POLITE_INTENTS));
  const reason = fill(rng.pick(CHURN_REASONS));
  return rng.chance(0.5) ? `${fill('[But|Sadly,|Unfortunately|That said,]')} ${reason}, so ${intent}.` : `${finish(intent, '.', rng)} ${reason}.`;
}

/** Ends a sentence with `mark` unless it already ends with punctuation or an emoji. */
export function finish(text: string, mark: string, rng: Rng): string {
  const trimmed = text.trim();
  if (trimmed.length === 0) return trimmed;
  if (/[.!?…:,;)\-—]$|\p{Extended_Pictographic}\uFE0F?$/u.test(trimmed)) return trimmed;
  if (mark === '?' && rng.chance(0.1)) return trimmed; // people often drop the question mark
  return trimmed + mark;
}

function stripEnd(text: string): string {
  return text.replace(/[.!]+$/, '');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
