import { pluginSelectionSchema } from './labels';

/**
 * The loss plugin: `{ id, options }`, e.g. `{ id: focal, options: { gamma: 2 } }`; `bce` by default (it beat focal
 * loss with α from label frequencies on hand-written messages: docs/results/handwritten-quality.md).
 * Known ids and their options come from the loss registry (`npm run cli -- losses`).
 */
export const lossConfigSchema = pluginSelectionSchema('bce');
