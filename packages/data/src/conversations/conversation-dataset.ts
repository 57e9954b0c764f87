import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';
import { z } from 'zod';

/**
 * One customer conversation of an escalation data set: the customer's messages in order, and whether a human agent
 * should have been brought in by the last one. `pattern` says what makes it so (or not), for per-pattern tables:
 * `sustained-frustration`, `rising-frustration`, `repeated-order`, `earlier-churn` (escalate) and `resolved`,
 * `benign-question`, `order-once`, `order-twice`, `benign-cancel`, `mild-once` (do not).
 */
export interface LabelledConversation {
  readonly id: string;
  readonly escalate: boolean;
  readonly pattern: string;
  /** Customer messages, oldest first; the last one is the message being decided. */
  readonly turns: readonly string[];
}

const conversationSchema = z
  .object({
    id: z.string().min(1),
    escalate: z.boolean(),
    pattern: z.string().min(1),
    turns: z.array(z.string().min(1)).min(2, 'must hold at least 2 messages (earlier turns and the last one)'),
  })
  .strict();

/**
 * The hand-written conversations that ship with this package: online-manga-store chats whose last message alone
 * ("ok", "any update?", "what are my options") does not say whether to escalate; the earlier messages do.
 */
export const HANDWRITTEN_CONVERSATIONS = 'conversations-handwritten.jsonl';

/**
 * The path of the bundled hand-written conversations, inside the installed package.
 *
 * @example
 * ```ts
 * const conversations = readConversations(handwrittenConversationsPath());
 * ```
 */
export function handwrittenConversationsPath(): string {
  return join(__dirname, '..', '..', 'fixtures', HANDWRITTEN_CONVERSATIONS);
}

/**
 * Reads a JSON Lines file of {@link LabelledConversation}s, one per line, and checks every line.
 *
 * @throws MangaAssistError `DATA_INVALID` naming the file, the line and the field; `NOT_FOUND` when the file is missing
 *
 * @example
 * ```ts
 * readConversations('packages/data/fixtures/conversations-handwritten.jsonl').length; // 50
 * ```
 */
export function readConversations(path: string): LabelledConversation[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MangaAssistError('NOT_FOUND', `conversation file not found: ${path}`, { file: path }, { cause: error });
  }
  const ids = new Set<string>();
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, number }) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new MangaAssistError('DATA_INVALID', `${path}:${number}: not JSON: ${(error as Error).message}`, { file: path, line: number });
      }
      const parsed = conversationSchema.safeParse(value);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; ');
        throw new MangaAssistError('DATA_INVALID', `${path}:${number}: ${problems} (fields: id, escalate, pattern, turns)`, { file: path, line: number });
      }
      if (ids.has(parsed.data.id)) throw new MangaAssistError('DATA_INVALID', `${path}:${number}: duplicate id ${JSON.stringify(parsed.data.id)}`, { file: path, line: number });
      ids.add(parsed.data.id);
      return parsed.data;
    });
}
