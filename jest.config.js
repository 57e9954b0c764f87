// `npm test` runs every project's tests in one jest invocation (one summary at the end).
const path = require('node:path');
const preset = require('./jest.preset.js');

// WebGPU tests (`*.webgpu.test.ts`, beside what they test) form a project of their own: they need a WebGPU adapter
// (in CI: Mesa's lavapipe, on the CPU), skip with the reason where there is none, and run one file at a time on
// that adapter. They check that the WebGPU backend computes what the cpu backend does, not how fast.
const WEBGPU_TESTS = '\\.webgpu\\.test\\.ts$';

const projects = [
  ...['common', 'model-format', 'runtime-tfjs', 'runtime-onnx', 'fused-ops', 'cpu-kernels', 'core-model', 'losses', 'data', 'trainer', 'thresholds', 'serving', 'export', 'pipelines'].map((name) => ({
    name,
    dir: `packages/${name}`,
  })),
  { name: 'bench', dir: 'packages/bench' },
  { name: 'trainer-app', dir: 'apps/trainer' },
  { name: 'server-app', dir: 'apps/server' },
  { name: 'tools', dir: 'tools' },
];

module.exports = {
  projects: [
    ...projects.map(({ name, dir }) => ({
      ...preset,
      displayName: name,
      rootDir: path.join(__dirname, dir),
      testMatch: ['<rootDir>/**/*.test.ts'],
      testPathIgnorePatterns: [...preset.testPathIgnorePatterns, WEBGPU_TESTS],
    })),
    {
      ...preset,
      displayName: 'webgpu',
      rootDir: __dirname,
      roots: ['<rootDir>/packages', '<rootDir>/apps'],
      testMatch: [`<rootDir>/**/*.webgpu.test.ts`],
      testEnvironment: '<rootDir>/tools/jest/webgpu-environment.js',
      globalSetup: '<rootDir>/tools/jest/webgpu-global-setup.js',
      moduleNameMapper: { ...preset.moduleNameMapper, '^webgpu$': '<rootDir>/tools/jest/webgpu-module.cjs' },
      setupFilesAfterEnv: ['<rootDir>/tools/jest/webgpu-timeout.js'],
    },
  ],
};
