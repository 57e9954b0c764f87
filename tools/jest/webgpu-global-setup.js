// Global setup of the `webgpu` jest project: finds out once whether a WebGPU adapter exists (in a child process:
// webgpu-probe.cjs) and tells the test files through the environment, which the test processes inherit:
//   MANGAASSIST_WEBGPU_ADAPTER  the adapter's description, when there is one: the tests run;
//   MANGAASSIST_WEBGPU_SKIP     why there is none: each WebGPU test file skips, naming the reason.
// With MANGAASSIST_REQUIRE_WEBGPU=1 (CI, which installs Mesa's lavapipe) a missing adapter fails the run instead.
'use strict';
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function webgpuGlobalSetup() {
  const probe = spawnSync(process.execPath, [join(__dirname, 'webgpu-probe.cjs')], { encoding: 'utf8', timeout: 60_000 });
  let result;
  try {
    result = JSON.parse(probe.stdout.trim().split('\n').pop());
  } catch {
    result = { reason: `the WebGPU probe failed (status ${probe.status}): ${(probe.stderr || '').trim().split('\n').pop()}` };
  }
  if (result.adapter) {
    const { description, vendor, architecture, isFallbackAdapter } = result.adapter;
    process.env.MANGAASSIST_WEBGPU_ADAPTER = description || `${vendor} ${architecture}`;
    delete process.env.MANGAASSIST_WEBGPU_SKIP;
    process.stderr.write(`\nWebGPU tests on ${process.env.MANGAASSIST_WEBGPU_ADAPTER}${isFallbackAdapter ? ' (a CPU adapter: correctness, not speed)' : ''}\n`);
    return;
  }
  if (process.env.MANGAASSIST_REQUIRE_WEBGPU === '1') {
    throw new Error(`MANGAASSIST_REQUIRE_WEBGPU=1 but ${result.reason}`);
  }
  delete process.env.MANGAASSIST_WEBGPU_ADAPTER;
  process.env.MANGAASSIST_WEBGPU_SKIP = result.reason;
  process.stderr.write(`\nWebGPU tests skipped: ${result.reason}\n`);
};
