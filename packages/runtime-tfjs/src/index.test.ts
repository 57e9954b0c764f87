// Importing the runtime package must not load TensorFlow.js (the CLI imports it before choosing a backend, and the
// accelerators must be detected rather than required) nor ONNX Runtime (it has no part in it any more).
describe('@mangaassist/runtime-tfjs import', () => {
  it.each(['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-webgpu', 'onnxruntime-node', 'webgpu'])(
    'does not load %s',
    (id) => {
      jest.isolateModules(() => {
        jest.doMock(id, () => {
          throw new Error(`${id} was loaded eagerly`);
        });
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const runtime = require('./index') as typeof import('./index');
        expect(typeof runtime.selectTfjsBackend).toBe('function');
        jest.dontMock(id);
      });
    },
  );
});
