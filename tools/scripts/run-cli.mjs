#!/usr/bin/env node
// `npm run cli -- <command>`: builds the workspace when any source is newer than the last build, then runs the
// trainer app's CLI with the given arguments. Builds are incremental (tsc -b), so a fresh clone builds once.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const stamp = join(root, 'apps', 'trainer', 'dist', '.build-stamp');
const entry = join(root, 'apps', 'trainer', 'dist', 'main.js');

function newestSourceMtime() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const top of ['packages', 'apps']) walk(join(root, top));
  return Math.max(newest, statSync(join(root, 'tsconfig.base.json')).mtimeMs);
}

const stale = !existsSync(entry) || !existsSync(stamp) || statSync(stamp).mtimeMs < newestSourceMtime();
if (stale) {
  process.stderr.write('building workspace (tsc -b)…\n');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = spawnSync(process.execPath, [tsc, '-b', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  writeFileSync(stamp, new Date().toISOString());
}
const run = spawnSync(process.execPath, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? (run.signal ? 1 : 0));
