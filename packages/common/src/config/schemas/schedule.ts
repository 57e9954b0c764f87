import { z } from 'zod';
import { pluginSelectionSchema } from './labels';

/**
 * Training length and the two schedule plugins: which layer groups train in each epoch (`unfreezing`) and how the
 * learning rate moves within training (`lr`). Known ids: `npm run cli -- schedules`.
 */
export const scheduleConfigSchema = z
  .object({
    epochs: z.number().int().positive().default(4),
    unfreezing: pluginSelectionSchema('ulmfit').default({ id: 'ulmfit', options: {} }),
    lr: pluginSelectionSchema('warmup-linear-per-epoch').default({ id: 'warmup-linear-per-epoch', options: {} }),
  })
  .strict();

/** Parsed schedule configuration. */
export type ScheduleConfig = z.infer<typeof scheduleConfigSchema>;
