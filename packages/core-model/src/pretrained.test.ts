import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './__tests__/tf-setup';
import { TINY_VOCAB, writeTinyModel } from './__tests__/tiny-model';
import { fromPretrained } from './pretrained';

describe('fromPretrained with newTokens', () => {
  let root: string;
  beforeAll(useCpuBackend);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pretrained-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads the new tokens and starts their rows where the encoder reads the words that name them', async () => {
    // The tiny vocabulary's last two words give way to two reserved slots.
    writeTinyModel(root, { vocab: [...TINY_VOCAB.slice(0, -2), '[unused0]', '[unused1]'] });
    const plain = await fromPretrained(root);
    const added = await fromPretrained(root, { newTokens: [{ token: '❤', initFrom: 'love' }, { token: '##❤', initFrom: 'love' }] });
    expect(plain.newTokens).toBeUndefined();
    expect(added.newTokens).toEqual({ placed: 2, present: 0, leftOut: 0 });
    expect(plain.tokenizer.encode('❤').tokens).toEqual(['[CLS]', '[UNK]', '[SEP]']);
    expect(added.tokenizer.encode('❤❤').tokens).toEqual(['[CLS]', '❤', '##❤', '[SEP]']);
    const hidden = (encoder: typeof plain.encoder, ids: number[]) =>
      tf.tidy(() => Array.from(encoder.apply(tf.tensor2d([ids], undefined, 'int32'), tf.tensor2d([ids.map(() => 1)], undefined, 'int32')).dataSync()));
    const love = added.tokenizer.encode('love').ids;
    // A row equal to "love"'s gives the same hidden states; the same text read without the new tokens differs.
    expect(hidden(added.encoder, added.tokenizer.encode('❤').ids)).toEqual(hidden(added.encoder, love));
    expect(hidden(plain.encoder, plain.tokenizer.encode('❤').ids)).not.toEqual(hidden(added.encoder, love));
    plain.encoder.dispose();
    added.encoder.dispose();
  });
});
