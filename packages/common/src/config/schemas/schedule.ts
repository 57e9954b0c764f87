import { z } from 'zod';
import { pluginSelectionSchema } from './labels';

/** Training epochs when `schedule.epochs` is not set: the design's eight (see {@link scheduleConfigSchema}). */
export const DEFAULT_EPOCHS = 8;

/**
 * Training length and the two schedule plugins: which layer groups train in each epoch (`unfreezing`) and how the
 * learning rate moves within training (`lr`). Known ids: `npm run cli -- schedules`.
 *
 * The defaults are the recipe that won on hand-written messages (docs/results/handwritten-quality.md): every layer
 * trains from the first step (`full`; ULMFiT's gradual unfreezing left the lower layers almost untrained in a few
 * epochs) under a slanted-triangular rate (10% warm-up, then a linear decay to 1/1000 of the peak), for the design's
 * {@link DEFAULT_EPOCHS} epochs.
 */
export const scheduleConfigSchema = z
  .object({
    epochs: z.number().int().positive().default(DEFAULT_EPOCHS),
    unfreezing: pluginSelectionSchema('full').default({ id: 'full', options: {} }),
    lr: pluginSelectionSchema('stlr').default({ id: 'stlr', options: { ratio: 1000 } }),
  })
  .strict();

/** Parsed schedule configuration. */
export type ScheduleConfig = z.infer<typeof scheduleConfigSchema>;
