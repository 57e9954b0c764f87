// Sum and mean over one contiguous block of axes, viewed as x[outer, reduce, inner] -> out[outer, inner].
// Accumulates in double, as the JavaScript kernels do, so long reductions round the same way.
#include <algorithm>

#include "common.h"

namespace cpu_kernels {
namespace {

// reduceSum(x, out, outer, reduce, inner, mean)
Napi::Value ReduceSum(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = AsFloat32(info, 0, "x");
  Napi::Float32Array out = AsFloat32(info, 1, "out");
  const int64_t outer = AsInt(info, 2, "outer");
  const int64_t reduce = AsInt(info, 3, "reduce");
  const int64_t inner = AsInt(info, 4, "inner");
  const bool mean = AsBool(info, 5, "mean");
  RequireLength(env, x.ElementLength(), static_cast<size_t>(outer * reduce * inner), "x");
  RequireLength(env, out.ElementLength(), static_cast<size_t>(outer * inner), "out");
  const float* px = x.Data();
  float* po = out.Data();
  const double scale = mean && reduce > 0 ? 1.0 / static_cast<double>(reduce) : 1.0;
  if (inner == 1) {
    for (int64_t o = 0; o < outer; ++o) {
      const float* row = px + o * reduce;
      double sum = 0;
      for (int64_t r = 0; r < reduce; ++r) sum += row[r];
      po[o] = static_cast<float>(mean ? sum * scale : sum);
    }
    return env.Undefined();
  }
  std::vector<double> acc(static_cast<size_t>(inner));
  for (int64_t o = 0; o < outer; ++o) {
    std::fill(acc.begin(), acc.end(), 0.0);
    const float* block = px + o * reduce * inner;
    for (int64_t r = 0; r < reduce; ++r) {
      const float* row = block + r * inner;
      for (int64_t i = 0; i < inner; ++i) acc[i] += row[i];
    }
    float* dst = po + o * inner;
    for (int64_t i = 0; i < inner; ++i) dst[i] = static_cast<float>(mean ? acc[i] * scale : acc[i]);
  }
  return env.Undefined();
}

}  // namespace

void InitReduce(Napi::Env env, Napi::Object exports) {
  exports.Set("reduceSum", Napi::Function::New(env, ReduceSum, "reduceSum"));
}

}  // namespace cpu_kernels
