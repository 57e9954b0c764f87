import { createContainer } from './container';
import { buildProgram } from './program';

describe('mangaassist CLI', () => {
  it('lists every reserved command in --help', () => {
    const help = buildProgram(createContainer()).helpInformation();
    for (const name of ['train', 'pretrain-mlm', 'evaluate', 'calibrate', 'export', 'parity', 'bench', 'quickstart', 'losses', 'schedules', 'data', 'training-job']) {
      expect(help).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
    }
  });
});
