// The jest environment of the WebGPU tests: the shared-typed-arrays one, plus the `webgpu` package (Dawn) loaded by
// Node itself. The package is an ES module: jest's module system cannot require it, Node's require can (Node >=
// 20.19 loads ES modules synchronously), and jest intercepts every require made inside a test file's realm, even
// through createRequire. So this environment, which lives outside that realm, loads it on first use and hands it in;
// jest.config.js maps `webgpu` to webgpu-module.cjs, which returns it.
const SharedTypedArraysEnvironment = require('./shared-typed-arrays-environment');

class WebgpuEnvironment extends SharedTypedArraysEnvironment {
  constructor(...args) {
    super(...args);
    Object.defineProperty(this.global, '__mangaassistWebgpuModule', {
      get: () => require('webgpu'),
      configurable: true,
    });
  }
}

module.exports = WebgpuEnvironment;
