import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { anonHugePageBytes, HUGE_PAGES_TUNABLE, processHugePageBytes, withHugePages } from './huge-pages';

describe('withHugePages', () => {
  it('adds the tunable to an environment without GLIBC_TUNABLES, leaving the rest alone', () => {
    const env = withHugePages({ PATH: '/bin' });
    expect(env).toEqual({ PATH: '/bin', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
  });

  it('appends to other tunables', () => {
    expect(withHugePages({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
  });

  it('keeps an explicit hugetlb setting, so that =0 opts out', () => {
    expect(withHugePages({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }).GLIBC_TUNABLES).toBe('glibc.malloc.hugetlb=0');
    expect(withHugePages({ GLIBC_TUNABLES: 'a=1:glibc.malloc.hugetlb=2' }).GLIBC_TUNABLES).toBe('a=1:glibc.malloc.hugetlb=2');
  });

  it('forces the setting off when disabled, other tunables kept', () => {
    expect(withHugePages({}, false).GLIBC_TUNABLES).toBe('glibc.malloc.hugetlb=0');
    expect(withHugePages({ GLIBC_TUNABLES: 'a=1:glibc.malloc.hugetlb=1' }, false).GLIBC_TUNABLES).toBe('a=1:glibc.malloc.hugetlb=0');
  });

  it('does not modify the environment it is given', () => {
    const env = { GLIBC_TUNABLES: 'x=1' };
    withHugePages(env);
    expect(env).toEqual({ GLIBC_TUNABLES: 'x=1' });
  });
});

describe('anonHugePageBytes', () => {
  it('reads AnonHugePages from smaps_rollup text', () => {
    const text = 'Rss:              250020 kB\nAnonymous:        240000 kB\nAnonHugePages:    174080 kB\nShmemPmdMapped:        0 kB\n';
    expect(anonHugePageBytes(text)).toBe(174080 * 1024);
  });

  it('is null when the field is missing', () => {
    expect(anonHugePageBytes('Rss: 1 kB\n')).toBeNull();
  });
});

// The kernel's transparent huge page mode ("always", "madvise" or "never"; null without the setting), and whether
// glibc is new enough to ask for them (2.35 added the tunable).
function hugePageMode(): string | null {
  const thp = '/sys/kernel/mm/transparent_hugepage/enabled';
  return existsSync(thp) ? (/\[(\w+)\]/.exec(readFileSync(thp, 'utf8'))?.[1] ?? null) : null;
}
function glibcHasTunable(): boolean {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  const [major = 0, minor = 0] = (header?.glibcVersionRuntime ?? '0.0').split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 35);
}

describe('processHugePageBytes', () => {
  // A child allocates and touches 64 MB, as ONNX Runtime does with a model's weights, and prints its smaps_rollup.
  const childHugePages = (env: NodeJS.ProcessEnv): number | null => {
    const script = [
      'const weights = Buffer.alloc(64 << 20).fill(1);',
      "process.stdout.write(require('fs').readFileSync('/proc/self/smaps_rollup', 'utf8'));",
      'weights[0];', // still referenced while smaps is read
    ].join('\n');
    const result = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr);
    return anonHugePageBytes(result.stdout);
  };

  it('reports this process (a number on Linux)', () => {
    const bytes = processHugePageBytes();
    if (process.platform === 'linux') expect(bytes).toBeGreaterThanOrEqual(0);
    else expect(bytes).toBeNull();
  });

  it('sees a child started withHugePages back its large blocks with huge pages, and an opted-out one not', () => {
    if (process.platform !== 'linux') return;
    const { GLIBC_TUNABLES: _ignored, ...plain } = process.env;
    const mode = hugePageMode();
    const withTunable = childHugePages(withHugePages(plain));
    if ((mode === 'madvise' || mode === 'always') && glibcHasTunable()) expect(withTunable).toBeGreaterThanOrEqual(32 << 20);
    else expect(withTunable).toBe(0);
    // With "madvise" (the usual default) nothing gets huge pages unless asked for.
    if (mode === 'madvise') expect(childHugePages(withHugePages(plain, false))).toBeLessThan(32 << 20);
    expect(HUGE_PAGES_TUNABLE).toBe('glibc.malloc.hugetlb=1');
  });
});
