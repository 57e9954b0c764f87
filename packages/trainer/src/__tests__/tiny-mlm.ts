// Test helpers for the masked-LM loop: a tiny random DistilBertForMaskedLM and a toy language it can learn.
import {
  bertTokenizerJsonFromVocab,
  DistilBertEncoder,
  DistilBertMaskedLm,
  initDistilBertWeights,
  initMaskedLmHeadWeights,
  tinyDistilBertConfig,
  WordPieceTokenizer,
} from '@mangaassist/core-model';
import type { MlmExample } from '../mlm-evaluate';
import { mulberry32 } from '../rng';

const SUBJECTS = ['cat', 'dog', 'bird', 'fish'];
const VERBS = ['sleeps', 'barks', 'sings', 'swims'];
const PLACES = ['sofa', 'yard', 'tree', 'pond'];
/** The toy vocabulary: BERT's special tokens first, then the words. */
export const TOY_VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'in', ...SUBJECTS, ...VERBS, ...PLACES];

/**
 * `[CLS] the <subject> <verb> in the <place> [SEP]`, where the verb and the place follow from the subject: a masked
 * word is predictable from the others, so a model that learns lowers its masked-LM loss well below chance.
 */
export function toySentences(n: number, seed: number): Int32Array[] {
  const random = mulberry32(seed);
  const id = (word: string) => TOY_VOCAB.indexOf(word);
  return Array.from({ length: n }, () => {
    const k = Math.floor(random() * SUBJECTS.length);
    return Int32Array.from([2, id('the'), id(SUBJECTS[k]!), id(VERBS[k]!), id('in'), id('the'), id(PLACES[k]!), 3]);
  });
}

/** Held-out toy sentences, half from each of two sources. */
export function toyHeldOut(n: number, seed: number): MlmExample[] {
  return toySentences(n, seed).map((ids, i) => ({ ids, source: i % 2 === 0 ? 'even' : 'odd' }));
}

/** A tiny random DistilBertForMaskedLM over {@link TOY_VOCAB} (dim 16, one layer, no dropout unless asked). */
export function tinyMaskedLm(seed = 1, dropout = 0): DistilBertMaskedLm {
  const config = tinyDistilBertConfig({ vocab_size: TOY_VOCAB.length, dim: 16, n_heads: 2, hidden_dim: 32, n_layers: 1, max_position_embeddings: 16, dropout, attention_dropout: dropout });
  return new DistilBertMaskedLm({
    encoder: new DistilBertEncoder(config, initDistilBertWeights(config, seed)),
    tokenizer: new WordPieceTokenizer(bertTokenizerJsonFromVocab(TOY_VOCAB.join('\n'))),
    headWeights: initMaskedLmHeadWeights(config, seed + 1),
  });
}
