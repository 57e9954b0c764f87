// `require('webgpu')` in the WebGPU tests: the package as webgpu-environment.js loaded it outside the test realm.
'use strict';
module.exports = globalThis.__mangaassistWebgpuModule;
