// Row gather (embedding lookup) and its gradient, the unsorted segment sum, in O(indices x row) time.
#include <algorithm>

#include "common.h"

namespace cpu_kernels {
namespace {

// gatherRows(x, indices, out, rowSize, numRows): returns the position of the first index outside [0, numRows), or -1.
Napi::Value GatherRows(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = AsFloat32(info, 0, "x");
  Napi::Int32Array indices = AsInt32(info, 1, "indices");
  Napi::Float32Array out = AsFloat32(info, 2, "out");
  const int64_t rowSize = AsInt(info, 3, "rowSize");
  const int64_t numRows = AsInt(info, 4, "numRows");
  const size_t count = indices.ElementLength();
  RequireLength(env, x.ElementLength(), static_cast<size_t>(numRows * rowSize), "x");
  RequireLength(env, out.ElementLength(), count * rowSize, "out");
  const float* px = x.Data();
  float* po = out.Data();
  for (size_t i = 0; i < count; ++i) {
    const int32_t row = indices[i];
    if (row < 0 || row >= numRows) return Napi::Number::New(env, static_cast<double>(i));
    std::copy(px + row * rowSize, px + (row + 1) * rowSize, po + i * rowSize);
  }
  return Napi::Number::New(env, -1);
}

// segmentSum(x, segmentIds, out, rowSize, numSegments): out must be zero-filled; ids outside [0, numSegments) are
// dropped, as in TensorFlow.
Napi::Value SegmentSum(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = AsFloat32(info, 0, "x");
  Napi::Int32Array ids = AsInt32(info, 1, "segmentIds");
  Napi::Float32Array out = AsFloat32(info, 2, "out");
  const int64_t rowSize = AsInt(info, 3, "rowSize");
  const int64_t numSegments = AsInt(info, 4, "numSegments");
  const size_t count = ids.ElementLength();
  RequireLength(env, x.ElementLength(), count * rowSize, "x");
  RequireLength(env, out.ElementLength(), static_cast<size_t>(numSegments * rowSize), "out");
  const float* px = x.Data();
  float* po = out.Data();
  for (size_t i = 0; i < count; ++i) {
    const int32_t segment = ids[i];
    if (segment < 0 || segment >= numSegments) continue;
    float* dst = po + segment * rowSize;
    const float* src = px + i * rowSize;
    for (int64_t j = 0; j < rowSize; ++j) dst[j] += src[j];
  }
  return env.Undefined();
}

}  // namespace

void InitIndexing(Napi::Env env, Napi::Object exports) {
  exports.Set("gatherRows", Napi::Function::New(env, GatherRows, "gatherRows"));
  exports.Set("segmentSum", Napi::Function::New(env, SegmentSum, "segmentSum"));
}

}  // namespace cpu_kernels
