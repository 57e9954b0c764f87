// Shared jest settings for every project: TypeScript through SWC (fast, no type check: `npm run typecheck` does that),
// and workspace packages resolved to their sources so tests never need a build.
const fs = require('node:fs');
const path = require('node:path');

const root = __dirname;
// Every workspace package with TypeScript sources: read from the folder, so a new or renamed package needs no edit here.
const packages = fs.readdirSync(path.join(root, 'packages')).filter((name) => fs.existsSync(path.join(root, 'packages', name, 'src', 'index.ts')));

module.exports = {
  testEnvironment: path.join(root, 'tools', 'jest', 'shared-typed-arrays-environment.js'),
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: Object.fromEntries(
    packages.map((name) => [`^@mangaassist/${name}$`, path.join(root, 'packages', name, 'src', 'index.ts')]),
  ),
  // `cookie` 2 (loaded by fastify's inject) ships only ES modules: let SWC transpile it like our sources.
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
