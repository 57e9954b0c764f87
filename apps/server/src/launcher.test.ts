import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LAUNCHER = join(__dirname, '..', 'bin', 'mangaassist-server');

// The launcher execs Node on dist/main.js; a preloaded script reports what that process sees and exits before the
// server would start, so the test needs no build and no model.
describe('bin/mangaassist-server', () => {
  let dir: string;
  let preload: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'launcher-'));
    preload = join(dir, 'report.js');
    writeFileSync(
      preload,
      'process.stdout.write(JSON.stringify({ pid: process.pid, tunables: process.env.GLIBC_TUNABLES ?? null, argv: process.argv.slice(1) }));\nprocess.exit(0);\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const launch = (tunables: string | undefined, launcher = LAUNCHER) => {
    const { GLIBC_TUNABLES: _ignored, ...env } = process.env;
    const result = spawnSync(launcher, ['--config', 'server.yaml'], {
      env: { ...env, ...(tunables === undefined ? {} : { GLIBC_TUNABLES: tunables }), NODE: process.execPath, NODE_OPTIONS: `--require ${preload}` },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`launcher exited ${result.status}: ${result.stderr}`);
    return { pid: result.pid, seen: JSON.parse(result.stdout) as { pid: number; tunables: string | null; argv: string[] } };
  };

  it('runs dist/main.js with the arguments, in the same process (exec), so that signals reach the server', () => {
    const { pid, seen } = launch(undefined);
    expect(seen.argv[0]).toBe(join(__dirname, '..', 'dist', 'main.js'));
    expect(seen.argv.slice(1)).toEqual(['--config', 'server.yaml']);
    expect(seen.pid).toBe(pid);
  });

  it('finds dist/ beside the real file when started through a symbolic link (an npm bin)', () => {
    const link = join(dir, 'mangaassist-server');
    symlinkSync(LAUNCHER, link);
    expect(launch(undefined, link).seen.argv[0]).toBe(join(__dirname, '..', 'dist', 'main.js'));
  });

  it('turns on huge pages for malloc', () => {
    expect(launch(undefined).seen.tunables).toBe('glibc.malloc.hugetlb=1');
    expect(launch('').seen.tunables).toBe('glibc.malloc.hugetlb=1');
  });

  it('keeps other tunables, and an explicit hugetlb setting (=0 opts out)', () => {
    expect(launch('glibc.malloc.arena_max=2').seen.tunables).toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
    expect(launch('glibc.malloc.hugetlb=0').seen.tunables).toBe('glibc.malloc.hugetlb=0');
    expect(launch('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=0').seen.tunables).toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=0');
  });
});
