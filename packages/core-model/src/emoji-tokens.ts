import emojiByCharacter from 'unicode-emoji-json/data-by-emoji.json';
import emojiComponents from 'unicode-emoji-json/data-emoji-components.json';
import type { TextReplacement } from '@mangaassist/model-format';
import type { NewToken } from './new-tokens';

/** U+FE0F, which asks for the emoji presentation; an uncased BERT normaliser drops it with the accents. */
const VARIATION_SELECTOR = /\uFE0F/gu;
const PICTOGRAPH = /\p{Extended_Pictographic}/gu;
const SKIN_TONES = ['light_skin_tone', 'medium_light_skin_tone', 'medium_skin_tone', 'medium_dark_skin_tone', 'dark_skin_tone'] as const;

/** Every emoji that is one code point once U+FE0F is dropped, with its Unicode name, in Unicode's order. */
const SINGLE_EMOJI: ReadonlyMap<string, string> = new Map(
  Object.entries(emojiByCharacter as Record<string, { readonly name: string }>)
    .map(([emoji, { name }]) => [emoji.replace(VARIATION_SELECTOR, ''), name] as const)
    .filter(([emoji]) => [...emoji].length === 1),
);

/**
 * Emoji tokens for a WordPiece vocabulary (BERT's has none; every emoji reads as `[UNK]`, so "❤️❤️" and "🙄" look
 * alike), each initialised from its Unicode name ("loudly crying face"). The emoji of `texts` come first, the most
 * frequent first, then the skin-tone modifiers, then every other single-code-point emoji in Unicode's order (faces and
 * hands first), so the slots a vocabulary has go to what the messages use. Each emoji comes twice: as a word (`😭`)
 * and as a continuation (`##😭`), because the BERT pre-tokeniser keeps "😭😭" or "👍🏽" as one word and WordPiece
 * turns a whole word into `[UNK]` when one piece is missing. Emoji built from several code points (flags, families)
 * are read through their parts.
 *
 * @param prefix - the vocabulary's continuation prefix (`model.continuing_subword_prefix` of `tokenizer.json`)
 *
 * @example
 * ```ts
 * emojiTokens(['omg it came early 😭😭', 'thanks 🙏']).slice(0, 4);
 * // [{ token: '😭', initFrom: 'loudly crying face' }, { token: '##😭', … }, { token: '🙏', initFrom: 'folded hands' }, …]
 * ```
 */
export function emojiTokens(texts: readonly string[], prefix = '##'): NewToken[] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const [emoji] of text.replace(VARIATION_SELECTOR, '').matchAll(PICTOGRAPH)) {
      if (SINGLE_EMOJI.has(emoji)) counts.set(emoji, (counts.get(emoji) ?? 0) + 1);
    }
  }
  // A stable sort keeps first appearance among equal counts.
  const seen = [...counts.keys()].sort((a, b) => (counts.get(b) as number) - (counts.get(a) as number));
  const tokens: NewToken[] = [];
  const both = (emoji: string) => {
    const initFrom = SINGLE_EMOJI.get(emoji) as string;
    tokens.push({ token: emoji, initFrom }, { token: `${prefix}${emoji}`, initFrom });
  };
  seen.forEach(both);
  const components = emojiComponents as Record<string, string>;
  for (const tone of SKIN_TONES) tokens.push({ token: `${prefix}${components[tone]}`, initFrom: tone.replace(/_/g, ' ') });
  for (const emoji of SINGLE_EMOJI.keys()) if (!counts.has(emoji)) both(emoji);
  return tokens;
}

/**
 * Normaliser replacements that write each emoji as its Unicode name ("❤️❤️" reads "red heart red heart", "👍🏽"
 * "thumbs up"), for `withTextReplacements` of `@mangaassist/model-format` or `fromPretrained`'s `textReplacements`:
 * each of Unicode's single-code-point emoji becomes its name between spaces and the five skin-tone modifiers become a
 * space; U+FE0F and the zero-width joiner are dropped by BERT's own normaliser after them. Unlike {@link emojiTokens}
 * this needs no new embedding rows: the encoder already knows the words ("heart", "thumbs", "crying"), and every emoji
 * is read, however rarely the training messages use it. Tweet models prepare text the same way (BERTweet's
 * normaliser writes emoji as their names); here the rewrite lives in the model's `tokenizer.json`, so every reader of
 * the model directory applies it.
 *
 * @example
 * ```ts
 * const { json } = withTextReplacements(tokenizer.json, emojiNameReplacements());
 * new WordPieceTokenizer(json).encode('thanks 👍').tokens; // ['[CLS]', 'thanks', 'thumbs', 'up', '[SEP]']
 * ```
 */
export function emojiNameReplacements(): TextReplacement[] {
  const components = emojiComponents as Record<string, string>;
  return [
    ...[...SINGLE_EMOJI].map(([emoji, name]) => ({ pattern: emoji, content: ` ${name} ` })),
    ...SKIN_TONES.map((tone) => ({ pattern: components[tone] as string, content: ' ' })),
  ];
}
