/** A small vocabulary: BERT's special tokens at BERT's ids would need 100 unused rows, so they come first here. */
export const TINY_VOCAB = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]',
  'where', 'is', 'my', 'order', 'manga', 'late', 'again', 'never', 'love', 'this', 'series',
  'un', '##believ', '##able', '!', '?', '.', 'volume', '14',
];
