// A separate OS process writing overrides to a sqlite threshold store, for the cross-process concurrency test.
// It loads the TypeScript sources through SWC, as jest does, so no build is needed.
// Usage: node sqlite-writer-process.js <db path> <model id> <writer name> <comma-separated values>
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..', '..', '..', '..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveWorkspace(request, ...rest) {
  const workspace = /^@mangaassist\/([a-z-]+)$/.exec(request);
  if (workspace) return path.join(root, 'packages', workspace[1], 'src', 'index.ts');
  return resolveFilename.call(this, request, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

const { createThresholdStoreRegistry } = require('../store-registry.ts');

const [dbPath, modelId, writer, values] = process.argv.slice(2);
const store = createThresholdStoreRegistry().create('sqlite', { path: dbPath, busyTimeoutMs: 10000 }, {});
// Signal readiness, then start writing when the parent says "go", so that every writer runs at the same time.
process.stdout.write('ready\n');
process.stdin.once('data', async () => {
  try {
    await write();
  } catch (error) {
    process.stderr.write(`${error.stack || error}\n`);
    process.exit(1);
  }
});

async function write() {
  for (const value of values.split(',').map(Number)) {
    await store.setOverride(modelId, 'frustration', value, { author: writer, reason: 'cross-process test' });
    await store.setRecommended(modelId, { urgency: value }, { author: writer, reason: 'cross-process test' });
  }
  await store.close();
  process.stdin.destroy();
}
