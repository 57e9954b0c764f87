#!/usr/bin/env node
// Builds the optional native kernel pack (native/binding.gyp) with node-gyp against the system OpenBLAS.
// Never run at install time: `npm ci` must not depend on a compiler. Without prerequisites it explains what is
// missing and exits 0, so callers (quickstart) go on with the JavaScript kernels; `--strict` (CI) exits 1 instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const strict = process.argv.includes('--strict');
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(packageDir, 'native');
const addon = join(nativeDir, 'build', 'Release', 'cpu_kernels.node');

function stop(reason) {
  process.stderr.write(`cpu-kernels: native kernels not built: ${reason}\n`);
  process.stderr.write('cpu-kernels: training falls back to the JavaScript kernels (much slower).\n');
  process.exit(strict ? 1 : 0);
}

/** node-gyp: the one npm runs scripts with, a local install, or the copy bundled with npm. */
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally
  }
  const prefix = dirname(dirname(process.execPath));
  candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((c) => c && existsSync(c));
}

/** The include folder whose cblas.h is OpenBLAS's (it declares openblas_set_num_threads). */
function findOpenBlasInclude() {
  const dirs = [process.env.CPU_KERNELS_BLAS_INCLUDE, '/usr/include/openblas', '/usr/local/include', '/usr/include', '/opt/homebrew/opt/openblas/include'];
  for (const entry of existsSync('/usr/include') ? readdirSync('/usr/include') : []) {
    dirs.push(join('/usr/include', entry, 'openblas-pthread'), join('/usr/include', entry, 'openblas-openmp'), join('/usr/include', entry));
  }
  return dirs.find((dir) => {
    const header = dir && join(dir, 'cblas.h');
    return header && existsSync(header) && readFileSync(header, 'utf8').includes('openblas_set_num_threads');
  });
}

const nodeGyp = findNodeGyp();
if (!nodeGyp) stop('node-gyp not found (it ships with npm; run this through `npm run build:native -w @mangaassist/cpu-kernels`)');
const blasInclude = findOpenBlasInclude();
if (!blasInclude) stop('OpenBLAS headers not found; install them with `apt-get install libopenblas-dev` (Debian/Ubuntu)');

// Headers installed beside this node (Debian, NodeSource, official tarballs) avoid a download from nodejs.org.
const prefix = dirname(dirname(process.execPath));
const args = [nodeGyp, 'rebuild'];
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
process.stderr.write(`cpu-kernels: building native kernels (OpenBLAS headers in ${blasInclude})\n`);
const build = spawnSync(process.execPath, args, {
  cwd: nativeDir,
  stdio: 'inherit',
  env: { ...process.env, CPU_KERNELS_BLAS_INCLUDE: blasInclude },
});
if (build.status !== 0) stop(`node-gyp failed (exit ${build.status ?? build.signal}); see the compiler output above`);

const check = spawnSync(process.execPath, ['-e', `const i = require(${JSON.stringify(addon)}).info(); console.log(i.corename + ', ' + i.threads + ' threads')`], {
  encoding: 'utf8',
});
if (check.status !== 0) stop(`the built addon does not load: ${check.stderr.trim()}`);
process.stderr.write(`cpu-kernels: native kernels ready (${addon}; OpenBLAS ${check.stdout.trim()})\n`);
