import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Importing the package must not load ONNX Runtime (the server imports it for huge pages before any model is
// opened), and the package must not depend on TensorFlow.js at all: serving installs it.
describe('@mangaassist/runtime-onnx import', () => {
  it.each(['onnxruntime-node', '@tensorflow/tfjs', '@tensorflow/tfjs-core'])('does not load %s', (id) => {
    jest.isolateModules(() => {
      jest.doMock(id, () => {
        throw new Error(`${id} was loaded eagerly`);
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const runtime = require('./index') as typeof import('./index');
      expect(typeof runtime.createOrtSession).toBe('function');
      jest.dontMock(id);
    });
  });

  it('declares no TensorFlow.js package among its dependencies', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const declared = ['dependencies', 'optionalDependencies', 'peerDependencies'].flatMap((field) => Object.keys(manifest[field] ?? {}));
    expect(declared.filter((name) => name.startsWith('@tensorflow/'))).toEqual([]);
  });
});
