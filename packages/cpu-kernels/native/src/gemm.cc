// Batched single-precision matrix multiplication on the system BLAS (row-major cblas_sgemm per batch entry).
// Broadcasting of batch dimensions is resolved by the caller into per-batch element offsets into `a` and `b`.
#include <cblas.h>

#include <algorithm>

#include "common.h"

namespace cpu_kernels {
namespace {

// gemm(a, b, out, m, n, k, transposeA, transposeB, aOffsets, bOffsets): out[i] = op(a @ aOffsets[i]) x op(b @ bOffsets[i])
// where out[i] is the i-th [m, n] block of `out`.
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array a = AsFloat32(info, 0, "a");
  Napi::Float32Array b = AsFloat32(info, 1, "b");
  Napi::Float32Array out = AsFloat32(info, 2, "out");
  const int64_t m = AsInt(info, 3, "m");
  const int64_t n = AsInt(info, 4, "n");
  const int64_t k = AsInt(info, 5, "k");
  const bool transA = AsBool(info, 6, "transposeA");
  const bool transB = AsBool(info, 7, "transposeB");
  Napi::Int32Array aOffsets = AsInt32(info, 8, "aOffsets");
  Napi::Int32Array bOffsets = AsInt32(info, 9, "bOffsets");
  const size_t batch = aOffsets.ElementLength();
  if (bOffsets.ElementLength() != batch) {
    throw Napi::RangeError::New(env, "aOffsets and bOffsets must have the same length");
  }
  RequireLength(env, out.ElementLength(), batch * m * n, "out");
  for (size_t i = 0; i < batch; ++i) {
    if (aOffsets[i] < 0 || bOffsets[i] < 0) throw Napi::RangeError::New(env, "offsets must be >= 0");
    RequireLength(env, a.ElementLength(), static_cast<size_t>(aOffsets[i] + m * k), "a");
    RequireLength(env, b.ElementLength(), static_cast<size_t>(bOffsets[i] + k * n), "b");
  }
  if (m == 0 || n == 0) return env.Undefined();
  const float* pa = a.Data();
  const float* pb = b.Data();
  float* po = out.Data();
  if (k == 0) {
    std::fill(po, po + batch * m * n, 0.0f);
    return env.Undefined();
  }
  const int lda = static_cast<int>(transA ? m : k);
  const int ldb = static_cast<int>(transB ? k : n);
  for (size_t i = 0; i < batch; ++i) {
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0f, pa + aOffsets[i], lda,
                pb + bOffsets[i], ldb, 0.0f, po + i * m * n, static_cast<int>(n));
  }
  return env.Undefined();
}

}  // namespace

void InitGemm(Napi::Env env, Napi::Object exports) {
  exports.Set("gemm", Napi::Function::New(env, Gemm, "gemm"));
}

}  // namespace cpu_kernels
