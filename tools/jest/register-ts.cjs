// Lets a child Node process load the workspace's TypeScript sources the way jest does (jest.preset.js): SWC turns
// each .ts file into CommonJS on load, and @mangaassist/* packages resolve to their src/index.ts, so no build is
// needed. Use: `node -r tools/jest/register-ts.cjs …`.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const packagesDir = path.resolve(__dirname, '..', '..', 'packages');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveWorkspacePackage(request, ...rest) {
  const match = /^@mangaassist\/([a-z0-9-]+)$/.exec(request);
  if (match) {
    const source = path.join(packagesDir, match[1], 'src', 'index.ts');
    if (fs.existsSync(source)) return source;
  }
  return resolveFilename.call(this, request, ...rest);
};

Module._extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
