import { describeZodIssues } from '@mangaassist/common';
import { z } from 'zod';
import { HttpError } from './http-errors';

// With the `u` flag a surrogate pair is one code point outside this range, so only unpaired halves match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function isCleanText(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

/** Limits that shape the classify request schema. */
export interface TextLimits {
  readonly maxChars: number;
  readonly maxBatch: number;
}

/**
 * One text to classify: at least one visible character, at most `maxChars` UTF-16 code units, no NUL and no
 * unpaired surrogate (JSON can encode one as `"\ud800"`; the tokenizer could not make sense of it).
 */
export function textSchema(maxChars: number) {
  return z
    .string()
    .max(maxChars, `must be at most ${maxChars} characters`)
    .refine((s) => s.trim().length > 0, 'must contain at least one non-space character')
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters')
    .refine((s) => !LONE_SURROGATE.test(s), 'must not contain unpaired UTF-16 surrogates');
}

/**
 * `POST /v1/classify`: `{ text }` or `{ texts: [...] }`, and `explain` to get the signals that decided.
 *
 * @example
 * ```ts
 * classifyBodySchema({ maxChars: 2000, maxBatch: 64 }).parse({ texts: ['late again', 'thanks!'], explain: true });
 * ```
 */
export function classifyBodySchema(limits: TextLimits) {
  const text = textSchema(limits.maxChars);
  return z
    .object({
      text: text.optional().describe(`one text (at most ${limits.maxChars} characters)`),
      texts: z
        .array(text)
        .min(1, 'must hold at least one text')
        .max(limits.maxBatch, `must hold at most ${limits.maxBatch} texts`)
        .optional()
        .describe(`up to ${limits.maxBatch} texts`),
      explain: z.boolean().default(false).describe('return the signals that decided'),
    })
    .strict()
    .refine((b) => (b.text === undefined) !== (b.texts === undefined), {
      message: 'send exactly one of "text" or "texts"',
      path: ['text'],
    });
}

/** Parsed classify request. */
export type ClassifyBody = z.infer<ReturnType<typeof classifyBodySchema>>;

/** `POST /v1/feedback`: an agent's verdict on an escalation. */
export const feedbackBodySchema = z
  .object({
    escalationId: z.string().min(1).max(100).describe('the escalationId returned by /v1/classify'),
    correct: z.boolean().describe('true: escalating was right; false: a false alarm'),
    agent: z.string().min(1).max(200).refine(isCleanText, 'must not contain NUL or unpaired surrogates').optional(),
    note: z.string().max(2000).refine(isCleanText, 'must not contain NUL or unpaired surrogates').optional(),
  })
  .strict();

/** `PUT /admin/api/thresholds/:label/override`: set (number) or clear (null) an override. */
export const overrideBodySchema = z
  .object({
    value: z.number().gt(0).lt(1).nullable().describe('the new override, or null to clear it'),
    reason: z.string().trim().min(1).max(500).describe('kept in the audit trail'),
    author: z.string().trim().min(1).max(200).describe('who makes the change (kept in the audit trail)'),
  })
  .strict();

const MAX_PROBLEMS = 10;

/**
 * Validates a request part with a zod schema; on failure throws a 400 {@link HttpError} listing at most ten
 * problems, each with its path (`texts[3]`) and what was wrong.
 *
 * @example
 * ```ts
 * const body = validate(feedbackBodySchema, request.body, 'body');
 * ```
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, part: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = describeZodIssues(result.error.issues, part).map((p) => ({ path: p.path, message: p.message }));
  const shown = problems.slice(0, MAX_PROBLEMS);
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  throw new HttpError(
    400,
    'INVALID_REQUEST',
    `invalid request ${part}: ${shown.map((p) => `${p.path}: ${p.message}`).join('; ')}${more}`,
    shown,
  );
}
