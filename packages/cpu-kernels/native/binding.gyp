# Built explicitly (`npm run build:native -w @mangaassist/cpu-kernels`), never at install time: this file lives in
# native/ rather than the package root so that npm does not run node-gyp implicitly during `npm ci`.
{
  "targets": [
    {
      "target_name": "cpu_kernels",
      "sources": [
        "src/addon.cc",
        "src/adamw.cc",
        "src/elementwise.cc",
        "src/fused.cc",
        "src/gemm.cc",
        "src/indexing.cc",
        "src/reduce.cc",
        "src/transpose.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!(node -p \"process.env.CPU_KERNELS_BLAS_INCLUDE || '/usr/include'\")"
      ],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno", "-ftree-vectorize"],
      "libraries": ["-lopenblas"]
    }
  ]
}
