import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMangaAssistError, type MangaAssistError } from '../errors';
import { applyEnvOverrides } from './env-overrides';
import { loadConfigFile, parseConfig } from './load-config';
import { DEFAULT_EPOCHS, recommendedBaseLr, serverConfigSchema, trainingSources, trainJobConfigSchema } from './schemas';

const dir = mkdtempSync(join(tmpdir(), 'mangaassist-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function failure(fn: () => unknown): MangaAssistError {
  try {
    fn();
  } catch (error) {
    if (isMangaAssistError(error)) return error;
    throw error;
  }
  throw new Error('expected a MangaAssistError');
}

describe('loadConfigFile', () => {
  it('loads YAML with every concern defaulted to the recipe that won on hand-written messages', () => {
    const cfg = loadConfigFile(trainJobConfigSchema, file('ok.yaml', 'data:\n  train: { path: train.jsonl }\n'), {});
    expect(trainingSources(cfg.data)[0]!.path).toBe('train.jsonl');
    expect(cfg.optimizer).toMatchObject({ lrDecay: 1, weightDecay: 0.01, gradClipNorm: 1 });
    // No rate yet: the job picks it from the encoder's width when the encoder loads (recommendedBaseLr).
    expect(cfg.optimizer.baseLr).toBeUndefined();
    expect(cfg.schedule).toEqual({ epochs: DEFAULT_EPOCHS, unfreezing: { id: 'full', options: {} }, lr: { id: 'stlr', options: { ratio: 1000 } } });
    expect(cfg.loss).toEqual({ id: 'bce', options: {} });
    expect(cfg.model.head.wide).toEqual({ enabled: true, buckets: 262144, bigrams: true, lrMultiplier: 300 });
    expect(cfg.training.modelSelection).toBe('last-epoch');
    expect(cfg.model.labels).toEqual(['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral']);
  });

  it('recommends 3e-4 for encoders narrower than DistilBERT-base and the design\'s 3e-5 from its width up', () => {
    expect([128, 256, 767].map(recommendedBaseLr)).toEqual([3e-4, 3e-4, 3e-4]);
    expect([768, 1024].map(recommendedBaseLr)).toEqual([3e-5, 3e-5]);
  });

  it('loads JSON', () => {
    const cfg = loadConfigFile(serverConfigSchema, file('server.json', '{"serving":{"port":9000}}'), {});
    expect(cfg.serving.port).toBe(9000);
    expect(cfg.thresholds.cacheTtlMs).toBe(10_000);
  });

  it('names the file and every bad path with allowed values', () => {
    const path = file(
      'bad.yaml',
      ['data:', '  train: { path: t.csv, format: xlsx }', 'optimizer:', '  baseLr: -1', 'training:', '  batchSize: 2.5', 'extra: 1'].join('\n'),
    );
    const error = failure(() => loadConfigFile(trainJobConfigSchema, path, {}));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`${path} is invalid (4 problems)`);
    expect(error.message).toMatch(/data\.train\.format: .*\(allowed: "jsonl", "csv", "tsv", "goemotions"\)/);
    expect(error.message).toContain('optimizer.baseLr:');
    expect(error.message).toContain('training.batchSize:');
    expect(error.message).toContain('(root): unknown key(s) "extra"');
  });

  it('defaults training.modelSelection to last-epoch and rejects an unknown value naming the allowed ones', () => {
    const data = { train: { path: 'train.jsonl' } };
    expect(parseConfig(trainJobConfigSchema, { data }, 'job.yaml').training.modelSelection).toBe('last-epoch');
    expect(parseConfig(trainJobConfigSchema, { data, training: { modelSelection: 'best-validation' } }, 'job.yaml').training.modelSelection).toBe('best-validation');
    const error = failure(() => parseConfig(trainJobConfigSchema, { data, training: { modelSelection: 'best-test' } }, 'job.yaml'));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/training\.modelSelection: .*\(allowed: "best-validation", "last-epoch"\)/);
  });

  it('reports a missing required section', () => {
    const error = failure(() => parseConfig(trainJobConfigSchema, {}, 'job.yaml'));
    expect(error.message).toContain('data:');
  });

  it('reports unreadable and unparsable files by name', () => {
    expect(failure(() => loadConfigFile(trainJobConfigSchema, join(dir, 'missing.yaml'), {})).code).toBe('CONFIG_READ_FAILED');
    const broken = file('broken.json', '{"data": ');
    const error = failure(() => loadConfigFile(trainJobConfigSchema, broken, {}));
    expect(error.code).toBe('CONFIG_READ_FAILED');
    expect(error.message).toContain(broken);
  });

  it('applies environment overrides before validation', () => {
    const path = file('env.yaml', 'data:\n  train: { path: a.jsonl }\noptimizer: { baseLr: 0.001 }\n');
    const cfg = loadConfigFile(trainJobConfigSchema, path, {
      MANGAASSIST_CFG__OPTIMIZER__BASE_LR: '1e-5',
      MANGAASSIST_CFG__TRAINING__OUT_DIR: 'runs/x',
      MANGAASSIST_CFG__DATA__LENIENT: 'true',
    });
    expect(cfg.optimizer.baseLr).toBe(1e-5);
    expect(cfg.training.outDir).toBe('runs/x');
    expect(cfg.data.lenient).toBe(true);
  });
});

describe('applyEnvOverrides', () => {
  it('returns the input untouched when no variable applies', () => {
    const raw = { a: 1 };
    expect(applyEnvOverrides(raw, { PATH: '/bin' })).toBe(raw);
  });

  it('does not modify its input and creates missing sections', () => {
    const raw = { model: { maxLength: 64 } };
    const out = applyEnvOverrides(raw, { MANGAASSIST_CFG__SERVING__CHURN_RULE__PHRASES: '["quit"]' });
    expect(out).toEqual({ model: { maxLength: 64 }, serving: { churnRule: { phrases: ['quit'] } } });
    expect(raw).toEqual({ model: { maxLength: 64 } });
  });
});
