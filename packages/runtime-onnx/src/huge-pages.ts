import { readFileSync } from 'node:fs';

/**
 * The glibc tunable (glibc ≥ 2.35) that makes `malloc` ask the kernel for transparent huge pages on the large
 * blocks it maps: ONNX Runtime's packed weights then sit on 2 MB pages instead of 4 KB ones. Every message reads all
 * of them (42.5 MB int8, 170 MB fp32 for DistilBERT-base), and with 4 KB pages that read misses the address
 * translation cache thousands of times (10,000 pages of 4 KB for int8): on the project's 2-core machine one 24-token
 * message took 3–10% less time with the tunable, in every comparison of alternated fresh processes (`bench serve`
 * prints one; docs/results/serving-benchmark.md has the figures).
 *
 * glibc reads tunables when a process starts, so it has to be in the environment of the process that loads the
 * model: `apps/server/bin/mangaassist-server` sets it, and children that serve or benchmark get it from
 * {@link withHugePages}. Elsewhere (musl, macOS, Windows, older glibc) it is ignored.
 */
export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

/**
 * `env` with {@link HUGE_PAGES_TUNABLE} added to `GLIBC_TUNABLES` (other tunables kept); an explicit
 * `glibc.malloc.hugetlb` setting already there — `=0` to opt out — is left as it is. With `enabled` false the
 * setting is forced to `=0` instead, for comparisons.
 *
 * @example
 * ```ts
 * spawn(process.execPath, [entry], { env: withHugePages(process.env) });
 * ```
 */
export function withHugePages(env: NodeJS.ProcessEnv, enabled = true): NodeJS.ProcessEnv {
  const entries = (env.GLIBC_TUNABLES ?? '').split(':').filter((entry) => entry !== '');
  const isHugetlb = (entry: string) => entry.startsWith('glibc.malloc.hugetlb=');
  if (enabled && entries.some(isHugetlb)) return { ...env };
  const tunables = [...entries.filter((entry) => !isHugetlb(entry)), enabled ? HUGE_PAGES_TUNABLE : 'glibc.malloc.hugetlb=0'];
  return { ...env, GLIBC_TUNABLES: tunables.join(':') };
}

/**
 * Bytes of `AnonHugePages` in a `/proc/<pid>/smaps_rollup` text, or null when the field is missing.
 *
 * @example
 * ```ts
 * anonHugePageBytes('AnonHugePages:    174080 kB\n'); // 178,257,920
 * ```
 */
export function anonHugePageBytes(smapsRollup: string): number | null {
  const match = /^AnonHugePages:\s+(\d+) kB$/m.exec(smapsRollup);
  return match ? Number(match[1]) * 1024 : null;
}

/**
 * Bytes of this process's memory on transparent huge pages (all threads, workers included), or null where the
 * kernel does not report it (not Linux). Zero after a model is loaded means its weights sit on 4 KB pages.
 */
export function processHugePageBytes(): number | null {
  try {
    return anonHugePageBytes(readFileSync('/proc/self/smaps_rollup', 'utf8'));
  } catch {
    return null;
  }
}
