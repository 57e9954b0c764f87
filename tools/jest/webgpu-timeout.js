// Test timeout of the WebGPU tests. A software adapter (lavapipe) compiles every shader on the CPU the first time,
// so a training step can take seconds to minutes: slow, not stuck. (`testTimeout` is global-only in jest's config.)
jest.setTimeout(300_000);
