// Data movement: transpose by an arbitrary permutation (a kept last axis is copied as contiguous runs) and box
// copies between tensors (slice, pad).
#include <algorithm>

#include "common.h"

namespace cpu_kernels {
namespace {

// transpose(x, out, shape, perm): out has shape[perm[i]] along axis i.
Napi::Value Transpose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = AsFloat32(info, 0, "x");
  Napi::Float32Array out = AsFloat32(info, 1, "out");
  const std::vector<int64_t> shape = ToVector(AsInt32(info, 2, "shape"));
  const std::vector<int64_t> perm = ToVector(AsInt32(info, 3, "perm"));
  const size_t rank = shape.size();
  if (perm.size() != rank || rank == 0) throw Napi::RangeError::New(env, "perm must have the rank of shape (>= 1)");
  std::vector<bool> seen(rank, false);
  for (int64_t p : perm) {
    if (p < 0 || static_cast<size_t>(p) >= rank || seen[p]) throw Napi::RangeError::New(env, "perm is not a permutation");
    seen[p] = true;
  }
  std::vector<int64_t> inStrides(rank, 1);
  for (int64_t d = static_cast<int64_t>(rank) - 2; d >= 0; --d) inStrides[d] = inStrides[d + 1] * shape[d + 1];
  const int64_t size = rank > 0 ? inStrides[0] * shape[0] : 1;
  RequireLength(env, x.ElementLength(), static_cast<size_t>(size), "x");
  RequireLength(env, out.ElementLength(), static_cast<size_t>(size), "out");
  if (size == 0) return env.Undefined();
  std::vector<int64_t> outShape(rank), stride(rank);
  for (size_t i = 0; i < rank; ++i) {
    outShape[i] = shape[perm[i]];
    stride[i] = inStrides[perm[i]];
  }
  const int64_t inner = outShape[rank - 1];
  const int64_t innerStride = stride[rank - 1];
  const int64_t outer = size / inner;
  std::vector<int64_t> index(rank, 0);
  int64_t offset = 0;
  const float* px = x.Data();
  float* po = out.Data();
  for (int64_t o = 0; o < outer; ++o) {
    const float* src = px + offset;
    float* dst = po + o * inner;
    if (innerStride == 1) {
      std::copy(src, src + inner, dst);
    } else {
      for (int64_t i = 0; i < inner; ++i) dst[i] = src[i * innerStride];
    }
    for (int64_t d = static_cast<int64_t>(rank) - 2; d >= 0; --d) {
      index[d]++;
      offset += stride[d];
      if (index[d] < outShape[d]) break;
      offset -= stride[d] * outShape[d];
      index[d] = 0;
    }
  }
  return env.Undefined();
}

// copyRegion(src, srcShape, srcBegin, dst, dstShape, dstBegin, region): copies the box `region` from `src` at
// `srcBegin` into `dst` at `dstBegin` (Slice reads a box out, PadV2 writes one into a filled output).
Napi::Value CopyRegion(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array src = AsFloat32(info, 0, "src");
  const std::vector<int64_t> srcShape = ToVector(AsInt32(info, 1, "srcShape"));
  const std::vector<int64_t> srcBegin = ToVector(AsInt32(info, 2, "srcBegin"));
  Napi::Float32Array dst = AsFloat32(info, 3, "dst");
  const std::vector<int64_t> dstShape = ToVector(AsInt32(info, 4, "dstShape"));
  const std::vector<int64_t> dstBegin = ToVector(AsInt32(info, 5, "dstBegin"));
  const std::vector<int64_t> region = ToVector(AsInt32(info, 6, "region"));
  const size_t rank = region.size();
  if (rank == 0 || srcShape.size() != rank || srcBegin.size() != rank || dstShape.size() != rank || dstBegin.size() != rank) {
    throw Napi::RangeError::New(env, "copyRegion: every shape and offset must have the region's rank (>= 1)");
  }
  int64_t srcSize = 1, dstSize = 1, regionSize = 1;
  for (size_t d = 0; d < rank; ++d) {
    if (srcBegin[d] < 0 || dstBegin[d] < 0 || srcBegin[d] + region[d] > srcShape[d] || dstBegin[d] + region[d] > dstShape[d]) {
      throw Napi::RangeError::New(env, "copyRegion: region out of bounds along axis " + std::to_string(d));
    }
    srcSize *= srcShape[d];
    dstSize *= dstShape[d];
    regionSize *= region[d];
  }
  RequireLength(env, src.ElementLength(), static_cast<size_t>(srcSize), "src");
  RequireLength(env, dst.ElementLength(), static_cast<size_t>(dstSize), "dst");
  if (regionSize == 0) return env.Undefined();
  std::vector<int64_t> srcStride(rank, 1), dstStride(rank, 1);
  for (int64_t d = static_cast<int64_t>(rank) - 2; d >= 0; --d) {
    srcStride[d] = srcStride[d + 1] * srcShape[d + 1];
    dstStride[d] = dstStride[d + 1] * dstShape[d + 1];
  }
  int64_t srcOffset = 0, dstOffset = 0;
  for (size_t d = 0; d < rank; ++d) {
    srcOffset += srcBegin[d] * srcStride[d];
    dstOffset += dstBegin[d] * dstStride[d];
  }
  const int64_t inner = region[rank - 1];
  const int64_t outer = regionSize / inner;
  std::vector<int64_t> index(rank, 0);
  const float* ps = src.Data();
  float* pd = dst.Data();
  for (int64_t o = 0; o < outer; ++o) {
    std::copy(ps + srcOffset, ps + srcOffset + inner, pd + dstOffset);
    for (int64_t d = static_cast<int64_t>(rank) - 2; d >= 0; --d) {
      index[d]++;
      srcOffset += srcStride[d];
      dstOffset += dstStride[d];
      if (index[d] < region[d]) break;
      srcOffset -= srcStride[d] * region[d];
      dstOffset -= dstStride[d] * region[d];
      index[d] = 0;
    }
  }
  return env.Undefined();
}

}  // namespace

void InitTranspose(Napi::Env env, Napi::Object exports) {
  exports.Set("transpose", Napi::Function::New(env, Transpose, "transpose"));
  exports.Set("copyRegion", Napi::Function::New(env, CopyRegion, "copyRegion"));
}

}  // namespace cpu_kernels
