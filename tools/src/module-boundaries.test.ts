/**
 * The lint rules that keep the architecture honest, checked on deliberate violations: serving never imports
 * TensorFlow.js, libraries never take the global tsyringe container, plugins depend on interfaces only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

// ESLint runs as its own process: its flat config is an ES module, which jest's CommonJS sandbox cannot import.
async function ruleIds(code: string, file: string): Promise<string[]> {
  const eslint = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', join(root, file)],
    { cwd: root, input: code, encoding: 'utf8' },
  );
  // Nx may print a notice (e.g. about its project graph cache) before ESLint's JSON: read from the JSON array on.
  const start = eslint.stdout.indexOf('[{');
  if (start < 0) throw new Error(`no ESLint JSON in its output:\n${eslint.stdout}\n${eslint.stderr}`);
  const [result] = JSON.parse(eslint.stdout.slice(start)) as { messages: { ruleId: string; message: string }[] }[];
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('module boundaries', () => {
  // The Nx rule reads Nx's project graph cache and skips itself (with a warning) when there is none: build it first.
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'show', 'projects'], { cwd: root, stdio: 'ignore' });
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
});
