// Importing the runtime package must not load TensorFlow.js (the serving package imports it for ONNX Runtime and
// must never pull TensorFlow.js in) nor ONNX Runtime (TensorFlow.js-only callers should not pay for it).
describe('@mangaassist/runtime import', () => {
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
        expect(typeof runtime.createOrtSession).toBe('function');
        jest.dontMock(id);
      });
    },
  );
});
