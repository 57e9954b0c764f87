import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isMangaAssistError, lossConfigSchema } from '@mangaassist/common';
import { z } from 'zod';
import { useCpuBackend } from './__tests__/cpu-backend';
import { elementwiseLoss } from './elementwise-loss';
import type { LossDescriptor, Reduction } from './loss';
import { reductionSchema } from './options';
import { BUILT_IN_LOSSES, createLossRegistry } from './registry';

beforeAll(useCpuBackend);

const labels = ['frustration', 'neutral'];

describe('loss registry', () => {
  it('lists exactly the plugins/ folder, one file per plugin named after its id', () => {
    const files = readdirSync(join(__dirname, 'plugins'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(BUILT_IN_LOSSES.map((d) => d.id).sort()).toEqual(files);
    expect(createLossRegistry().ids()).toEqual(files);
  });

  it('throws PLUGIN_UNKNOWN with the known ids for an unknown id', () => {
    let error: unknown;
    try {
      createLossRegistry().create('hinge', {}, { labels });
    } catch (e) {
      error = e;
    }
    expect(isMangaAssistError(error, 'PLUGIN_UNKNOWN')).toBe(true);
    expect((error as Error).message).toBe(
      'unknown loss plugin "hinge"; known: asymmetric, bce, focal, uncertainty-weighted',
    );
  });

  it('lists every plugin with a description and the JSON Schema of its options', () => {
    const listing = createLossRegistry().list();
    expect(listing.map((p) => p.id)).toEqual(['asymmetric', 'bce', 'focal', 'uncertainty-weighted']);
    for (const plugin of listing) expect(plugin.description.length).toBeGreaterThan(10);
    const focal = listing.find((p) => p.id === 'focal')!.optionsJsonSchema as {
      properties: Record<string, { default?: unknown; minimum?: number }>;
      additionalProperties: boolean;
    };
    expect(focal.properties.gamma).toMatchObject({ default: 2, minimum: 0 });
    expect(Object.keys(focal.properties).sort()).toEqual(['alpha', 'gamma', 'reduction']);
    expect(focal.additionalProperties).toBe(false);
  });

  it('creates the loss a configuration selects (one line swaps it)', () => {
    const registry = createLossRegistry();
    for (const raw of [{}, { id: 'focal' }, { id: 'asymmetric', options: { gammaNeg: 2 } }]) {
      const selection = lossConfigSchema.parse(raw);
      const loss = registry.create(selection.id, selection.options, { labels });
      expect(loss.id).toBe(selection.id);
      loss.dispose();
    }
    expect(lossConfigSchema.parse({}).id).toBe('bce');
  });

  it('accepts third-party losses on a fresh registry, without touching other registries', () => {
    const squaredError: LossDescriptor<{ reduction: Reduction }> = {
      id: 'squared-error',
      description: 'Squared error between sigmoid probabilities and targets.',
      optionsSchema: z.object({ reduction: reductionSchema }).strict(),
      create: ({ reduction }, deps) =>
        elementwiseLoss('squared-error', deps.labels, reduction, {
          value: (logits, targets) => tf.squaredDifference(tf.sigmoid(logits), targets),
          derivative: (logits, targets) => {
            const p = tf.sigmoid(logits);
            return tf.mul(tf.mul(2, tf.sub(p, targets)), tf.mul(p, tf.sub(1, p)));
          },
        }),
    };
    const registry = createLossRegistry().register(squaredError);
    expect(registry.has('squared-error')).toBe(true);
    expect(createLossRegistry().has('squared-error')).toBe(false);
    const loss = registry.create('squared-error', {}, { labels });
    const value = tf.tidy(() => loss.compute(tf.tensor2d([[0, 0]]), tf.tensor2d([[1, 0]])).dataSync()[0]);
    expect(value).toBeCloseTo(0.25, 6);
    expect(() => registry.register({ ...squaredError })).toThrow('"squared-error" is already registered');
    expect(() => registry.register({ id: 'bce', description: 'x', optionsSchema: z.object({}), create: () => loss })).toThrow(
      'already registered',
    );
  });
});
