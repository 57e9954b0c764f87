import { pluginSelectionSchema } from './labels';

/**
 * The loss plugin: `{ id, options }`, e.g. `{ id: focal, options: { gamma: 2 } }`.
 * Known ids and their options come from the loss registry (`npm run cli -- losses`).
 */
export const lossConfigSchema = pluginSelectionSchema('focal');
