/**
 * Publishing as configured in nx.json (`release`): one fixed version for every package under packages/, changelog
 * from the commits, no git commit or tag. A dry run (offline: versions are read from the package.json files, npm
 * is told not to reach the registry) must version every publishable package, leave private ones alone and write
 * nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  publishConfig?: { access?: string };
}

const manifest = (dir: string) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as PackageJson;
const dirsIn = (parent: string) =>
  readdirSync(join(root, parent))
    .map((name) => `${parent}/${name}`)
    .filter((dir) => existsSync(join(root, dir, 'package.json')));

const publishable = dirsIn('packages').filter((dir) => !manifest(dir).private);
// Apps, tools and the private packages (the benchmarks): nx.json's release must leave them out.
const unpublished = [...dirsIn('apps'), 'tools', ...dirsIn('packages').filter((dir) => manifest(dir).private)];

function nextPatch(version: string): string {
  const [major, minor, patch] = version.split('-')[0]!.split('.').map(Number);
  return `${major}.${minor}.${patch! + 1}`;
}

describe('nx release', () => {
  it('gives every publishable package public access', () => {
    expect(publishable.length).toBeGreaterThan(0);
    for (const dir of publishable) expect({ dir, access: manifest(dir).publishConfig?.access }).toEqual({ dir, access: 'public' });
  });

  it('would version every publishable package together, and only those, without writing anything', () => {
    // Tracked files and the changelog (other test files may write scratch files meanwhile, so not every untracked one).
    const changelog = join(root, 'CHANGELOG.md');
    const status = () => ({
      tracked: execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }),
      changelog: existsSync(changelog) ? readFileSync(changelog, 'utf8') : null,
    });
    const before = status();
    const run = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'release', 'patch', '--dry-run', '--skip-publish', '--first-release', '--verbose'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', npm_config_offline: 'true', FORCE_COLOR: '0' },
      },
    );
    // Nx prints the file previews on stderr, the rest on stdout.
    const output = run.stdout + run.stderr;
    expect({ status: run.status, output }).toEqual({ status: 0, output: expect.any(String) });
    // One fixed version: every package moves from the version they share to its next patch.
    const versions = new Set(publishable.map((dir) => manifest(dir).version));
    expect(versions.size).toBe(1);
    const next = nextPatch([...versions][0]!);
    for (const dir of publishable) {
      expect(output).toContain(`New version ${next} written to manifest: ${dir}/package.json`);
      expect(output).toContain(`UPDATE ${dir}/package.json [dry-run]`);
    }
    for (const dir of unpublished) expect(output).not.toContain(`${dir}/package.json`);
    expect(output).toContain(`CHANGELOG.md for v${next}`);
    expect(output).not.toMatch(/Staging changed files|Committing changes|Tagging commit/);
    expect(status()).toEqual(before);
  }, 120_000);
});
