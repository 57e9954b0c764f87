import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMangaAssistError, MangaAssistError } from './errors';
import { PLUGIN_PACKAGE_EXPORT, registerPluginPackages } from './plugin-packages';
import { PluginRegistry } from './plugin-registry';

// Packages are written as plain CommonJS files; a duck-typed schema stands in for zod so that they need nothing.
const PASS_SCHEMA = '{ safeParse: (v) => ({ success: true, data: v }) }';
const descriptor = (id: string) => `{ id: '${id}', description: '${id} plugin', optionsSchema: ${PASS_SCHEMA}, create: (o, d) => ({ id: '${id}', o, d }) }`;

interface Made {
  readonly root: string;
  readonly configFile: string;
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mangaassist-plugins-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function writePackage(dir: string, name: string, body: string, packageJson: Record<string, unknown> = {}): void {
  const packageDir = join(dir, 'node_modules', ...name.split('/'));
  mkdirSync(packageDir, { recursive: true });
  writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js', ...packageJson }));
  writeFileSync(join(packageDir, 'index.js'), body);
}

function project(): Made {
  const configDir = join(root, 'configs');
  mkdirSync(configDir, { recursive: true });
  return { root, configFile: join(configDir, 'job.yaml') };
}

function captured(fn: () => unknown): MangaAssistError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MangaAssistError) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

const registries = () => ({
  losses: new PluginRegistry<{ labels: string[] }, unknown>('loss'),
  lrSchedules: new PluginRegistry<void, unknown>('lr schedule'),
});

describe('registerPluginPackages', () => {
  it('registers every family the host offers, so that the ids select the plugins and unknown ids list them', () => {
    const { configFile } = project();
    writePackage(root, '@acme/mangaassist-losses', `exports.${PLUGIN_PACKAGE_EXPORT} = { losses: [${descriptor('soft-f1')}, ${descriptor('dice')}], lrSchedules: [${descriptor('cosine')}], thresholdStores: [${descriptor('etcd')}] };`);
    const hosts = registries();
    const loaded = registerPluginPackages(['@acme/mangaassist-losses'], hosts, { configFile, projectDir: root });
    expect(loaded).toEqual([
      {
        name: '@acme/mangaassist-losses',
        file: join(root, 'node_modules', '@acme', 'mangaassist-losses', 'index.js'),
        registered: [
          { family: 'losses', id: 'soft-f1' },
          { family: 'losses', id: 'dice' },
          { family: 'lrSchedules', id: 'cosine' },
        ],
      },
    ]);
    expect(hosts.losses.create('soft-f1', { k: 1 }, { labels: ['a'] })).toEqual({ id: 'soft-f1', o: { k: 1 }, d: { labels: ['a'] } });
    expect(hosts.lrSchedules.ids()).toEqual(['cosine']);
    expect(() => hosts.losses.get('focal')).toThrow('unknown loss plugin "focal"; known: dice, soft-f1');
  });

  it("resolves from the config file's directory before the project, and takes relative paths from the config file", () => {
    const { configFile } = project();
    writePackage(join(root, 'configs'), 'local-losses', `exports.${PLUGIN_PACKAGE_EXPORT} = { losses: [${descriptor('near')}] };`);
    writePackage(root, 'local-losses', `exports.${PLUGIN_PACKAGE_EXPORT} = { losses: [${descriptor('far')}] };`);
    writePackage(root, 'project-losses', `exports.${PLUGIN_PACKAGE_EXPORT} = { losses: [${descriptor('project')}] };`);
    mkdirSync(join(root, 'configs', 'plugins'));
    writeFileSync(join(root, 'configs', 'plugins', 'mine.js'), `exports.${PLUGIN_PACKAGE_EXPORT} = { losses: [${descriptor('mine')}] };`);
    const hosts = registries();
    registerPluginPackages(['local-losses', 'project-losses', './plugins/mine.js'], hosts, { configFile, projectDir: root });
    expect(hosts.losses.ids()).toEqual(['mine', 'near', 'project']);
  });

  it('names the config file, the field, the package and where it looked when a package is missing', () => {
    const { configFile } = project();
    const error = captured(() =>
      registerPluginPackages(['@acme/nowhere'], registries(), { configFile, field: 'plugins', projectDir: join(root, 'configs') }),
    );
    expect(error.code).toBe('PLUGIN_LOAD_FAILED');
    expect(error.message).toBe(
      `${configFile}: plugins[0] ("@acme/nowhere"): cannot find the package from ${join(root, 'configs')}; ` +
        `install it in the project (npm install @acme/nowhere) or give a path relative to ${configFile}`,
    );
    expect(error.details).toMatchObject({ configFile, package: '@acme/nowhere' });
  });

  it('says what the package must export and what it does export', () => {
    const { configFile } = project();
    writePackage(root, 'not-a-plugin', 'exports.softF1 = {}; exports.helper = () => 1;');
    const error = captured(() => registerPluginPackages(['not-a-plugin'], registries(), { configFile, projectDir: root }));
    expect(error.code).toBe('PLUGIN_LOAD_FAILED');
    expect(error.message).toContain(`${configFile}: plugins[0] ("not-a-plugin"): the package must export mangaassistPlugins = { losses?: [...], unfreezingSchedules?: [...], lrSchedules?: [...], thresholdStrategies?: [...], thresholdStores?: [...], escalationPolicies?: [...] }`);
    expect(error.message).toContain('each entry a descriptor { id (kebab-case), description, optionsSchema (zod), create(options, deps) }');
    expect(error.message).toMatch(/it exports softF1, helper$/);
  });

  it('lists every bad entry of the manifest and registers nothing from that package', () => {
    const { configFile } = project();
    writePackage(
      root,
      'half-plugin',
      `exports.${PLUGIN_PACKAGE_EXPORT} = { losses: [${descriptor('good')}, { id: 'Bad Id', description: 3 }], optimizers: [], lrSchedules: {} };`,
    );
    const hosts = registries();
    const error = captured(() => registerPluginPackages(['half-plugin'], hosts, { configFile, projectDir: root }));
    expect(error.code).toBe('PLUGIN_LOAD_FAILED');
    expect(error.message).toContain(
      '  - mangaassistPlugins.losses[1]: id must be a kebab-case string, got "Bad Id"; description must be a string; optionsSchema must be a zod schema; create must be a function',
    );
    expect(error.message).toContain(
      '  - mangaassistPlugins.optimizers: unknown family; allowed: losses, unfreezingSchedules, lrSchedules, thresholdStrategies, thresholdStores, escalationPolicies',
    );
    expect(error.message).toContain('  - mangaassistPlugins.lrSchedules: must be an array of descriptors');
    expect(hosts.losses.ids()).toEqual([]);
  });

  it('reports a package that throws while loading, naming it', () => {
    const { configFile } = project();
    writePackage(root, 'broken-plugin', "throw new Error('boom at load');");
    const error = captured(() => registerPluginPackages(['broken-plugin'], registries(), { configFile, projectDir: root }));
    expect(error.code).toBe('PLUGIN_LOAD_FAILED');
    expect(error.message).toMatch(/^.*plugins\[0\] \("broken-plugin"\): loading .*broken-plugin.index\.js failed: boom at load$/);
  });

  it('refuses an id that is taken, naming the package that brought it', () => {
    const { configFile } = project();
    writePackage(root, 'dup-plugin', `exports.${PLUGIN_PACKAGE_EXPORT} = { losses: [${descriptor('focal')}] };`);
    const hosts = registries();
    hosts.losses.register({ id: 'focal', description: 'built in', optionsSchema: { safeParse: () => ({}) } as never, create: () => ({}) });
    const error = captured(() => registerPluginPackages(['dup-plugin'], hosts, { configFile, field: 'plugins', projectDir: root }));
    expect(isMangaAssistError(error, 'PLUGIN_DUPLICATE')).toBe(true);
    expect(error.message).toBe(`${configFile}: plugins[0] ("dup-plugin"): loss plugin "focal" is already registered`);
    expect(error.details).toMatchObject({ package: 'dup-plugin', field: 'plugins[0]' });
  });
});
