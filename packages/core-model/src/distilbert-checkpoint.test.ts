import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isMangaAssistError, sharedAsset } from '@mangaassist/common';
import { useCpuBackend } from './__tests__/tf-setup';
import { writeTinyModel } from './__tests__/tiny-model';
import { parseDistilBertConfig } from '@mangaassist/model-format';
import { modelFamilyFor } from './model-registry';
import { fromPretrained } from './pretrained';

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function thrown(fn: () => unknown): Error & { code?: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('checkpoint loading', () => {
  let root: string;
  beforeAll(useCpuBackend);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'checkpoint-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const firstOutput = async (dir: string) => {
    const { encoder } = await fromPretrained(dir);
    const out = tf.tidy(() => Array.from(encoder.apply(tf.tensor2d([[2, 5, 6, 3]], undefined, 'int32'), tf.tensor2d([[1, 1, 1, 1]], undefined, 'int32')).dataSync()));
    encoder.dispose();
    return out;
  };

  it('loads bare and distilbert.-prefixed checkpoints alike and reports head tensors as ignored', async () => {
    writeTinyModel(join(root, 'bare'), { seed: 3 });
    const mlmHead = {
      'vocab_transform.weight': { shape: [8, 8], data: new Float32Array(64) },
      'vocab_layer_norm.weight': { shape: [8], data: new Float32Array(8) },
      'vocab_projector.bias': { shape: [24], data: new Float32Array(24) },
    };
    writeTinyModel(join(root, 'mlm'), { seed: 3, prefix: 'distilbert.', extra: mlmHead });
    const bare = await fromPretrained(join(root, 'bare'));
    const mlm = await fromPretrained(join(root, 'mlm'));
    expect(bare.report.prefix).toBe('');
    expect(bare.report.ignored).toEqual([]);
    expect(mlm.report.prefix).toBe('distilbert.');
    expect([...mlm.report.ignored].sort()).toEqual(Object.keys(mlmHead).sort());
    expect(mlm.report.loaded).toEqual(bare.report.loaded);
    expect(mlm.report.loaded).toHaveLength(4 + 2 * 16);
    bare.encoder.dispose();
    mlm.encoder.dispose();
    expect(await firstOutput(join(root, 'mlm'))).toEqual(await firstOutput(join(root, 'bare')));
  });

  it('names the file and every missing tensor', async () => {
    writeTinyModel(root, { prefix: 'distilbert.', omit: ['transformer.layer.1.ffn.lin1.weight', 'embeddings.LayerNorm.bias'] });
    const error = await rejection(fromPretrained(root));
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect(error.message).toBe(
      `${join(root, 'model.safetensors')}: missing tensors for a DistilBERT encoder with n_layers 2: ` +
        '"distilbert.embeddings.LayerNorm.bias" [8], "distilbert.transformer.layer.1.ffn.lin1.weight" [16, 8]',
    );
    expect(error.details).toMatchObject({ file: join(root, 'model.safetensors'), tensor: 'distilbert.embeddings.LayerNorm.bias' });
  });

  it('names the file, the tensor and both shapes for a wrong shape', async () => {
    writeTinyModel(root, { replace: { 'transformer.layer.0.ffn.lin2.weight': { shape: [8, 15], data: new Float32Array(120) } } });
    const error = await rejection(fromPretrained(root));
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect(error.message).toMatch(
      /model\.safetensors: tensor "transformer\.layer\.0\.ffn\.lin2\.weight" has shape \[8, 15\] but the config .* requires \[8, 16\]$/,
    );
    expect(error.details).toMatchObject({ tensor: 'transformer.layer.0.ffn.lin2.weight', expected: [8, 16] });
  });

  it('rejects an integer tensor where weights are expected', async () => {
    writeTinyModel(root, { replace: { 'embeddings.LayerNorm.weight': { shape: [8], data: new Int32Array(8) } } });
    const error = await rejection(fromPretrained(root));
    expect(error.message).toContain('tensor "embeddings.LayerNorm.weight" has dtype I32; a floating-point dtype');
  });

  it('reports a malformed or truncated model.safetensors naming the file', async () => {
    writeTinyModel(root);
    const file = join(root, 'model.safetensors');
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    let error = await rejection(fromPretrained(root));
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect(error.message).toMatch(new RegExp(`^${file}: truncated file: tensor ".+" needs data bytes`));
    writeFileSync(file, Buffer.concat([bytes.subarray(0, 8), Buffer.from('{"oops"'), bytes.subarray(15)]));
    error = await rejection(fromPretrained(root));
    expect(error.message).toMatch(new RegExp(`^${file}: malformed safetensors header: not valid JSON`));
  });

  it('rejects an unknown or absent model_type naming config.json and the supported types', async () => {
    writeTinyModel(root);
    const configFile = join(root, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    writeFileSync(configFile, JSON.stringify({ ...config, model_type: 'bert' }));
    const error = await rejection(fromPretrained(root));
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect(error.message).toBe(`${configFile}: unknown model_type "bert"; supported: distilbert`);
    expect(error.details).toMatchObject({ field: 'model_type', allowed: ['distilbert'] });
    expect(thrown(() => modelFamilyFor({}, 'x/config.json')).message).toBe('x/config.json: no model_type; supported: distilbert');
  });

  it('rejects an inconsistent config naming each bad field', () => {
    const error = thrown(() =>
      parseDistilBertConfig({ model_type: 'distilbert', dim: 10, n_heads: 3, activation: 'swish' }, 'm/config.json'),
    );
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect(error.message).toContain('m/config.json: invalid DistilBERT config:');
    expect(error.message).toMatch(/activation: .*"gelu"/);
  });

  it('names the missing directory or file', async () => {
    const missing = await rejection(fromPretrained(join(root, 'nope')));
    expect(isMangaAssistError(missing, 'NOT_FOUND')).toBe(true);
    expect(missing.message).toContain('no such model directory');
    writeTinyModel(root);
    rmSync(join(root, 'model.safetensors'));
    const noWeights = await rejection(fromPretrained(root));
    expect(noWeights.message).toBe(`${join(root, 'model.safetensors')}: not found`);
  });

  it('computes absent sinusoidal position embeddings instead of failing', async () => {
    writeTinyModel(root, { config: { sinusoidal_pos_embds: true }, omit: ['embeddings.position_embeddings.weight'] });
    const { encoder, report } = await fromPretrained(root);
    expect(report.computed).toEqual(['embeddings.position_embeddings.weight']);
    encoder.dispose();
  });

  it('reads the real distilbert-base-uncased config layout', () => {
    const file = sharedAsset('fixtures/hf/distilbert-base-uncased.config.json');
    if (!file) {
      console.warn('skipped: fixtures/hf/distilbert-base-uncased.config.json is not available');
      return;
    }
    const config = parseDistilBertConfig(JSON.parse(readFileSync(file, 'utf8')), file);
    expect([config.dim, config.n_layers, config.n_heads, config.hidden_dim, config.max_position_embeddings]).toEqual([768, 6, 12, 3072, 512]);
    expect([config.vocab_size, config.activation, config.dropout, config.attention_dropout]).toEqual([30522, 'gelu', 0.1, 0.1]);
  });

  const standIn = sharedAsset('models/mini-distilbert-mlm/model.safetensors') && sharedAsset('models/mini-distilbert-mlm');
  (standIn ? it : it.skip)(
    `loads the mini-distilbert-mlm stand-in unchanged, ignoring only its MLM head${standIn ? '' : ' (skipped: models/mini-distilbert-mlm/model.safetensors is not available)'}`,
    async () => {
      const before = tf.memory().numTensors;
      const { encoder, tokenizer, report, config } = await fromPretrained(standIn!);
      expect([config.n_layers, config.dim, config.n_heads]).toEqual([4, 256, 4]);
      expect(report.prefix).toBe('distilbert.');
      expect(report.loaded).toHaveLength(4 + 4 * 16);
      expect([...report.ignored].sort()).toEqual([
        'vocab_layer_norm.bias',
        'vocab_layer_norm.weight',
        'vocab_projector.bias',
        'vocab_transform.bias',
        'vocab_transform.weight',
      ]);
      const batch = tokenizer.encodeBatch(['where is my manga?'], { maxLength: 8, padding: 'max_length' });
      const hidden = tf.tidy(() =>
        encoder.apply(tf.tensor2d(batch.inputIds, undefined, 'int32'), tf.tensor2d(batch.attentionMask, undefined, 'int32')),
      );
      expect(hidden.shape).toEqual([1, 8, 256]);
      expect(Array.from(hidden.dataSync()).every(Number.isFinite)).toBe(true);
      hidden.dispose();
      encoder.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});
