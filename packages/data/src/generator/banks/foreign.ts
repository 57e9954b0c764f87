/**
 * A few words of other languages (Japanese romaji, Spanish, French, Portuguese, German, Italian, Tagalog), as
 * customers of a manga store use them: greetings and sign-offs that carry no label, and interjections that carry
 * the message's feeling (a sign-off "gracias" is no more satisfaction than a sign-off "thanks").
 */
export const FOREIGN_GREETINGS = ['hola', 'Hola!', 'bonjour', 'Bonjour,', 'konnichiwa', 'hallo', 'ciao', 'olá', 'oi', 'buenas', 'Buenos días,', 'moshi moshi', 'kumusta'] as const;

/** Sign-offs with no label of their own. */
export const FOREIGN_CLOSINGS = [
  'gracias', 'muchas gracias', 'merci', 'merci beaucoup', 'arigatou', 'arigatou gozaimasu', 'onegaishimasu', 'danke',
  'obrigado', 'obrigada', 'grazie', 'salamat po', 'saludos', 'cordialement', 'un saludo', 'mata ne', 'yoroshiku',
] as const;

/** Interjections that carry a label, inserted into messages that have it. */
export const FOREIGN_INTERJECTIONS: Readonly<Record<string, readonly string[]>> = {
  satisfaction: ['sugoi', 'sugoii', 'kawaii', 'saikou', 'yabai', 'me encanta', 'qué bonito', 'increíble', 'trop bien', 'magnifique', 'c’est génial', 'que lindo', 'perfeito', 'wunderbar', 'bellissimo', 'kami', 'sasuga'],
  frustration: ['qué desastre', 'no puede ser', 'c’est nul', 'n’importe quoi', 'mon dieu', 'dios mío', 'mou', 'nani kore', 'porca miseria', 'que merda', 'sérieux'],
  confusion: ['nani?', 'no entiendo', 'je comprends pas', '¿cómo?', 'eh?', 'hein?', 'wakaranai'],
  urgency: ['urgente', 'rápido por favor', 'vite svp', 'hayaku', 'schnell bitte', 'onegai'],
  churn_risk: ['adiós para siempre', 'sayonara', 'hasta nunca', 'adieu'],
};
