// The jest environment of every project: Node's, with the host realm's typed-array constructors.
// jest gives each test file its own realm, so the sandbox's `Float32Array` differs from the one native bindings use;
// onnxruntime-common's `instanceof` checks then reject every output tensor ("A float32 tensor's data must be type of
// Float32Array"). Sharing the host's constructors makes both sides agree.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'Float32Array', 'Float64Array', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array', 'ArrayBuffer',
];

class SharedTypedArraysEnvironment extends TestEnvironment {
  constructor(...args) {
    super(...args);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = SharedTypedArraysEnvironment;
