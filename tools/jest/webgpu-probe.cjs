// Run by webgpu-global-setup.js as its own process: asks Dawn (the `webgpu` package) for the adapter that
// TensorFlow.js's WebGPU backend would use and prints one JSON line, {"adapter": {...}} or {"reason": "..."}.
// A separate process because Dawn is a native module that stays loaded; the tests load it themselves.
'use strict';

function report(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

let dawn;
try {
  dawn = require('webgpu');
} catch (error) {
  report({ reason: `the webgpu package (Dawn) does not load: ${String(error.message).split('\n')[0]}` });
}
Object.assign(globalThis, dawn.globals);
dawn
  .create([])
  .requestAdapter({ powerPreference: 'high-performance' })
  .then((adapter) => {
    if (!adapter) {
      report({ reason: 'no WebGPU adapter: Dawn found no Vulkan device (install libvulkan1 and Mesa 25 lavapipe: tools/ci/install-system-deps.sh)' });
    }
    const { vendor, architecture, device, description, isFallbackAdapter } = adapter.info;
    report({ adapter: { vendor, architecture, device, description, isFallbackAdapter } });
  })
  .catch((error) => report({ reason: `Dawn could not enumerate adapters: ${String(error.message).split('\n')[0]}` }));
