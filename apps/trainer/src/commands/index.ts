import { ablationCommand } from './ablation';
import { benchCommand } from './bench';
import { calibrateCommand } from './calibrate';
import type { CommandModule } from './command-module';
import { dataCommand } from './data';
import { exportCommand } from './export';
import { lossesCommand } from './losses';
import { parityCommand } from './parity';
import { pretrainMlmCommand } from './pretrain-mlm';
import { quickstartCommand } from './quickstart';
import { evaluateCommand } from './evaluate';
import { schedulesCommand } from './schedules';
import { trainCommand } from './train';
import { trainingJobCommand } from './training-job';

/** Every implemented subcommand; add a new command's module here (one line). */
const IMPLEMENTED: CommandModule[] = [
  ablationCommand,
  benchCommand,
  dataCommand,
  exportCommand,
  lossesCommand,
  calibrateCommand,
  parityCommand,
  pretrainMlmCommand,
  trainCommand,
  trainingJobCommand,
  evaluateCommand,
  schedulesCommand,
  quickstartCommand,
];

/** Every subcommand, by name. */
export function allCommands(): CommandModule[] {
  return [...IMPLEMENTED].sort((a, b) => a.name.localeCompare(b.name));
}
