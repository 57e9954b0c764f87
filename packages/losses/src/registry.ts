import { PluginRegistry } from '@mangaassist/common';
import type { Loss, LossDeps, LossDescriptor } from './loss';
import { asymmetricLoss } from './plugins/asymmetric';
import { bceLoss } from './plugins/bce';
import { focalLoss } from './plugins/focal';
import { uncertaintyWeightedLoss } from './plugins/uncertainty-weighted';

/**
 * The built-in loss plugins, one per file in `plugins/` (a meta-test keeps this list and the folder in sync).
 *
 * @example
 * ```ts
 * BUILT_IN_LOSSES.map((d) => d.id); // ['bce', 'focal', 'asymmetric', 'uncertainty-weighted']
 * ```
 */
// Descriptors differ in their options type; the registry validates options with each one's own schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const BUILT_IN_LOSSES: readonly LossDescriptor<any>[] = [bceLoss, focalLoss, asymmetricLoss, uncertaintyWeightedLoss];

/**
 * The family of loss plugins, selected by id (`loss: { id, options }` in configuration).
 *
 * @example
 * ```ts
 * const losses: LossRegistry = createLossRegistry();
 * ```
 */
export type LossRegistry = PluginRegistry<LossDeps, Loss>;

/**
 * A new registry holding the built-in losses. Each call returns a fresh registry, so a host (or a third-party
 * package it loads) can register more losses without affecting others.
 *
 * @example
 * ```ts
 * const losses = createLossRegistry().register(myThirdPartyLoss);
 * const loss = losses.create('focal', { gamma: 2 }, { labels: ['frustration', 'neutral'] });
 * ```
 */
export function createLossRegistry(): LossRegistry {
  const registry: LossRegistry = new PluginRegistry<LossDeps, Loss>('loss');
  for (const descriptor of BUILT_IN_LOSSES) registry.register(descriptor);
  return registry;
}
