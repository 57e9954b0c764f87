/**
 * What a team installing one of our packages gets: each publishable package is packed with `npm pack`, the tarballs
 * are installed into a scratch project (no workspace links), and each package is imported by name.
 * Only `.` is exported: a deep import must be refused by Node's `exports` check.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const packagesDir = join(root, 'packages');
const names = readdirSync(packagesDir).filter((name) => {
  try {
    return !JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8')).private;
  } catch {
    return false;
  }
});

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_loglevel: 'error', ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
}

describe('publishable packages', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'mangaassist-pack-'));
  const tarballs = new Map<string, string>();

  beforeAll(() => {
    for (const name of names) {
      const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', scratch], join(packagesDir, name))) as {
        filename: string;
      }[];
      tarballs.set(`@mangaassist/${name}`, `file:${join(scratch, packed!.filename)}`);
    }
    const dependencies = Object.fromEntries(tarballs);
    writeFileSync(
      join(scratch, 'package.json'),
      // Overrides point every internal dependency at its tarball, as the registry would serve it.
      JSON.stringify({ name: 'scratch', private: true, dependencies, overrides: dependencies }, null, 2),
    );
    // Install scripts are skipped: native add-ons are optional and loaded lazily, so every package must import without them.
    npm(['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--omit=optional'], scratch);
  }, 300_000);

  it('finds every package', () => {
    expect(names).toEqual(expect.arrayContaining(['common', 'core-model', 'losses', 'trainer', 'thresholds', 'serving', 'runtime', 'data']));
  });

  it.each(names)('@mangaassist/%s ships only dist and README with types, and imports by name', (name) => {
    const manifest = JSON.parse(readFileSync(join(scratch, 'node_modules', '@mangaassist', name, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.exports)).toEqual(['.', './package.json']);
    const script = [
      `const m = require('@mangaassist/${name}');`,
      `const fs = require('fs'); const p = require.resolve('@mangaassist/${name}');`,
      `if (!fs.existsSync(p.replace(/\\.js$/, '.d.ts'))) throw new Error('no types beside ' + p);`,
      `let deep = 'allowed'; try { require('@mangaassist/${name}/dist/index.js'); } catch (e) { deep = e.code; }`,
      `console.log(JSON.stringify({ keys: Object.keys(m).length, deep }));`,
    ].join('\n');
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: scratch, encoding: 'utf8' }));
    expect(out.deep).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(out.keys).toBeGreaterThan(0);
  });
});
