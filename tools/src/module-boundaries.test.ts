/**
 * The lint rules that keep the architecture honest, checked on deliberate violations: the data flows one way
 * (`layer:*` tags), light packages pull no heavy dependency (`weight:light`), serving never imports TensorFlow.js,
 * libraries never take the global tsyringe container, plugins depend on interfaces only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

interface Snippet {
  code: string;
  file: string;
}

// ESLint runs as its own process: its flat config is an ES module, which jest's CommonJS sandbox cannot import. One
// process lints every snippet given (through ESLint's Node API, each under a made-up file path inside a project).
const LINT_SNIPPETS = `
const { ESLint } = require('eslint');
const snippets = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
(async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const { code, file } of snippets) {
    const [result] = await eslint.lintText(code, { filePath: file });
    out.push((result?.messages ?? []).map((m) => m.ruleId + ': ' + m.message));
  }
  process.stdout.write('\\n@@RESULTS@@' + JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

function lintSnippets(snippets: Snippet[]): string[][] {
  const eslint = spawnSync(process.execPath, ['-e', LINT_SNIPPETS], {
    cwd: root,
    input: JSON.stringify(snippets.map(({ code, file }) => ({ code, file: join(root, file) }))),
    encoding: 'utf8',
  });
  // Without Nx's project graph the boundaries rule skips itself with a warning, and an allowed import would look
  // allowed for the wrong reason: fail instead.
  if (/No cached ProjectGraph/.test(eslint.stdout + eslint.stderr)) throw new Error(`the module boundaries rule did not run:\n${eslint.stderr}`);
  // Nx may print a notice (e.g. about its project graph cache) before the results: read from the marker on.
  const start = eslint.stdout.indexOf('@@RESULTS@@');
  if (eslint.status !== 0 || start < 0) throw new Error(`ESLint failed:\n${eslint.stdout}\n${eslint.stderr}`);
  return JSON.parse(eslint.stdout.slice(start + '@@RESULTS@@'.length)) as string[][];
}

async function ruleIds(code: string, file: string): Promise<string[]> {
  return lintSnippets([{ code, file }])[0]!;
}

const importing = (imported: string) => `import { x } from '${imported}';\nexport const y = x;\n`;

interface ProjectJson {
  name: string;
  tags?: string[];
}

function projectDirs(): string[] {
  const inside = (parent: string) =>
    readdirSync(join(root, parent))
      .map((name) => `${parent}/${name}`)
      .filter((dir) => existsSync(join(root, dir, 'project.json')));
  return [...inside('packages'), ...inside('apps'), 'tools'];
}

function project(dir: string): ProjectJson {
  return JSON.parse(readFileSync(join(root, dir, 'project.json'), 'utf8')) as ProjectJson;
}

const BOUNDARY = /@nx\/enforce-module-boundaries/;

describe('module boundaries', () => {
  // The Nx rule reads Nx's project graph cache and skips itself (with a warning) when there is none: build it first.
  beforeAll(() => {
    const projects = execFileSync(process.execPath, [join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'show', 'projects'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(projects.split('\n')).toEqual(expect.arrayContaining(projectDirs().map((dir) => project(dir).name)));
  }, 120_000);

  it('refuses TensorFlow.js in serving', async () => {
    const messages = await ruleIds("import * as tf from '@tensorflow/tfjs-core';\nexport const t = tf;\n", 'packages/serving/src/bad.ts');
    expect(messages.join('\n')).toContain('scope:serving" is not allowed to import "@tensorflow/tfjs-core"');
  }, 60_000);

  it('refuses the global container in libraries but allows it in apps', async () => {
    const code = "import { container } from 'tsyringe';\nexport const c = container;\n";
    expect((await ruleIds(code, 'packages/data/src/bad.ts')).join('\n')).toContain('only apps own a tsyringe container');
    expect(await ruleIds(code, 'apps/server/src/ok.ts')).toEqual([]);
  }, 60_000);

  it('refuses a plugin package importing a library package', async () => {
    const messages = await ruleIds("import { x } from '@mangaassist/data';\nexport const y = x;\n", 'packages/losses/src/bad.ts');
    expect(messages.join('\n')).toMatch(/@nx\/enforce-module-boundaries/);
  }, 60_000);

  // Each project sits at one place in the flow: one without a layer tag could not be imported at all.
  it('gives every project exactly one layer tag', () => {
    const layers = Object.fromEntries(projectDirs().map((dir) => [dir, (project(dir).tags ?? []).filter((t) => t.startsWith('layer:'))]));
    for (const [dir, tags] of Object.entries(layers)) expect({ dir, tags: tags.length }).toEqual({ dir, tags: 1 });
  });

  // Back-imports against the flow (none of them would close a cycle, so the layer rule is what must catch them),
  // heavy dependencies in light packages, and imports along the flow, linted in one ESLint process.
  const backImports: [string, string, string][] = [
    ['packages/model-format/src/bad.ts', '@mangaassist/losses', 'layer:format'],
    ['packages/runtime-tfjs/src/bad.ts', '@mangaassist/losses', 'layer:runtime'],
    ['packages/losses/src/bad.ts', '@mangaassist/data', 'layer:model'],
    ['packages/thresholds/src/bad.ts', '@mangaassist/trainer', 'layer:thresholds'],
    ['packages/serving/src/bad.ts', '@mangaassist/trainer', 'layer:serving'],
    ['packages/serving/src/bad.ts', '@mangaassist/core-model', 'layer:serving'],
    ['packages/export/src/bad.ts', '@mangaassist/serving', 'layer:export'],
    ['packages/losses/src/bad.ts', '@mangaassist/bench', 'layer:model'],
    ['packages/trainer/src/bad.ts', '@mangaassist/bench', 'layer:train'],
  ];
  // Pipelines depend (through trainer and serving) on every library, so a back-import into them from any library
  // closes a cycle: the rule refuses it as one before the layer check is reached.
  const intoPipelines: string[] = ['packages/trainer/src/bad.ts', 'packages/serving/src/bad.ts', 'packages/data/src/bad.ts'];
  const heavyInLight: [string, string, string][] = [
    ['packages/data/src/bad.ts', '@mangaassist/core-model', 'can only depend on libs tagged with "weight:light"'],
    ['packages/model-format/src/bad.ts', '@tensorflow/tfjs-core', 'is not allowed to import "@tensorflow/tfjs-core"'],
    ['packages/common/src/bad.ts', 'onnxruntime-node', 'is not allowed to import "onnxruntime-node"'],
    ['packages/data/src/bad.ts', 'pg', 'is not allowed to import "pg"'],
  ];
  const alongTheFlow: [string, string][] = [
    ['packages/serving/src/ok.ts', '@mangaassist/model-format'],
    ['packages/serving/src/ok.ts', '@mangaassist/thresholds'],
    ['packages/export/src/ok.ts', '@mangaassist/core-model'],
    ['packages/trainer/src/ok.ts', '@mangaassist/data'],
    ['apps/server/src/ok.ts', '@mangaassist/serving'],
    ['packages/bench/src/ok.ts', '@mangaassist/serving'],
    ['packages/bench/src/ok.ts', '@mangaassist/core-model'],
    ['apps/trainer/src/ok.ts', '@mangaassist/bench'],
    ['packages/pipelines/src/ok.ts', '@mangaassist/trainer'],
    ['packages/pipelines/src/ok.ts', '@mangaassist/serving'],
    ['apps/trainer/src/ok.ts', '@mangaassist/pipelines'],
  ];
  const linted = new Map<string, string>();
  beforeAll(() => {
    const snippets = [...backImports, ...intoPipelines.map((file) => [file, '@mangaassist/pipelines']), ...heavyInLight, ...alongTheFlow].map(([file, imported]) => ({
      file: file!,
      code: importing(imported!),
    }));
    lintSnippets(snippets).forEach((messages, i) => linted.set(`${snippets[i]!.file} ${snippets[i]!.code}`, messages.join('\n')));
  }, 120_000);
  const lintedMessages = (file: string, imported: string) => linted.get(`${file} ${importing(imported)}`)!;

  it.each(backImports)('refuses %s importing %s', (file, imported, layer) => {
    expect(lintedMessages(file, imported)).toMatch(BOUNDARY);
    expect(lintedMessages(file, imported)).toContain(`A project tagged with "${layer}" can only depend on libs tagged with`);
  });

  it.each(intoPipelines)('refuses %s importing @mangaassist/pipelines', (file) => {
    expect(lintedMessages(file, '@mangaassist/pipelines')).toMatch(BOUNDARY);
    expect(lintedMessages(file, '@mangaassist/pipelines')).toMatch(/Circular dependency between "[a-z-]+" and "pipelines"|can only depend on libs tagged with/);
  });

  it.each(heavyInLight)('refuses %s importing %s (a light package)', (file, imported, message) => {
    expect(lintedMessages(file, imported)).toContain(`A project tagged with "weight:light" ${message}`);
  });

  // The rule ran (lintSnippets fails when it skipped itself), and found nothing.
  it.each(alongTheFlow)('allows %s to import %s', (file, imported) => {
    expect(lintedMessages(file, imported)).toBe('');
  });

  // Lint sees imports only: a light package must not declare a heavy dependency it never imports either.
  it('keeps heavy dependencies out of light packages', () => {
    const heavy = /^(@tensorflow\/|onnxruntime-|@huggingface\/transformers$|webgpu$|better-sqlite3$|pg$|ioredis$)/;
    const light = new Set(
      projectDirs()
        .filter((dir) => project(dir).tags?.includes('weight:light'))
        .map((dir) => (JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string }).name),
    );
    expect(light.size).toBeGreaterThan(0);
    for (const dir of projectDirs().filter((d) => project(d).tags?.includes('weight:light'))) {
      const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
      const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies });
      const offending = deps.filter((d) => heavy.test(d) || (d.startsWith('@mangaassist/') && !light.has(d)));
      expect({ dir, offending }).toEqual({ dir, offending: [] });
    }
  });
});
