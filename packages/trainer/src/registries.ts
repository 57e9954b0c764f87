import { PluginRegistry } from '@mangaassist/common';
import type { LrSchedule } from './lr-schedule';
import { constant } from './lr-schedules/constant';
import { stlr } from './lr-schedules/stlr';
import { warmupLinearPerEpoch } from './lr-schedules/warmup-linear-per-epoch';
import type { UnfreezingSchedule } from './unfreezing-schedule';
import { custom } from './unfreezing/custom';
import { full } from './unfreezing/full';
import { headOnly } from './unfreezing/head-only';
import { ulmfit } from './unfreezing/ulmfit';

/**
 * A registry holding the built-in unfreezing schedules (one file each in `src/unfreezing/`; a meta-test keeps the
 * folder and this list in sync); register more on it.
 *
 * @example
 * ```ts
 * const schedule = createUnfreezingRegistry().create('ulmfit', {}, undefined);
 * ```
 */
export function createUnfreezingRegistry(): PluginRegistry<void, UnfreezingSchedule> {
  return new PluginRegistry<void, UnfreezingSchedule>('unfreezing schedule')
    .register(ulmfit)
    .register(headOnly)
    .register(full)
    .register(custom);
}

/**
 * A registry holding the built-in LR schedules (one file each in `src/lr-schedules/`; a meta-test keeps the folder
 * and this list in sync); register more on it.
 *
 * @example
 * ```ts
 * const lr = createLrScheduleRegistry().create('stlr', { ratio: 32 }, undefined);
 * ```
 */
export function createLrScheduleRegistry(): PluginRegistry<void, LrSchedule> {
  return new PluginRegistry<void, LrSchedule>('lr schedule').register(warmupLinearPerEpoch).register(stlr).register(constant);
}
