// `npm test` runs every project's tests in one jest invocation (one summary at the end).
const preset = require('./jest.preset.js');

const projects = [
  ...['common', 'runtime', 'cpu-kernels', 'core-model', 'losses', 'data', 'trainer', 'thresholds', 'serving', 'export'].map((name) => ({
    name,
    dir: `packages/${name}`,
  })),
  { name: 'trainer-app', dir: 'apps/trainer' },
  { name: 'server-app', dir: 'apps/server' },
  { name: 'tools', dir: 'tools' },
];

module.exports = {
  projects: projects.map(({ name, dir }) => ({
    ...preset,
    displayName: name,
    rootDir: require('node:path').join(__dirname, dir),
    testMatch: ['<rootDir>/**/*.test.ts'],
  })),
};
