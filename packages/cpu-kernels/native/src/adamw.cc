// One fused AdamW step (decoupled weight decay, as torch.optim.AdamW) over a flat parameter buffer: reads the
// parameter, gradient and both moments once instead of through a dozen intermediate tensors.
#include <cmath>

#include "common.h"

namespace cpu_kernels {
namespace {

// adamw(paramIn, paramOut, grad, m, v, lr, beta1, beta2, epsilon, weightDecay, step); paramOut may alias paramIn,
// m and v are updated in place.
Napi::Value AdamW(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array paramIn = AsFloat32(info, 0, "paramIn");
  Napi::Float32Array paramOut = AsFloat32(info, 1, "paramOut");
  Napi::Float32Array grad = AsFloat32(info, 2, "grad");
  Napi::Float32Array m = AsFloat32(info, 3, "m");
  Napi::Float32Array v = AsFloat32(info, 4, "v");
  const double lr = AsDouble(info, 5, "lr");
  const double beta1 = AsDouble(info, 6, "beta1");
  const double beta2 = AsDouble(info, 7, "beta2");
  const double epsilon = AsDouble(info, 8, "epsilon");
  const double weightDecay = AsDouble(info, 9, "weightDecay");
  const int64_t step = AsInt(info, 10, "step");
  if (step < 1) throw Napi::RangeError::New(env, "step must be >= 1");
  const size_t n = paramIn.ElementLength();
  RequireLength(env, paramOut.ElementLength(), n, "paramOut");
  RequireLength(env, grad.ElementLength(), n, "grad");
  RequireLength(env, m.ElementLength(), n, "m");
  RequireLength(env, v.ElementLength(), n, "v");
  const float b1 = static_cast<float>(beta1);
  const float b2 = static_cast<float>(beta2);
  // 1 - beta in double: in float, 1 - 0.999f keeps only ~4 significant digits.
  const float c1 = static_cast<float>(1.0 - beta1);
  const float c2 = static_cast<float>(1.0 - beta2);
  const float decay = static_cast<float>(1.0 - lr * weightDecay);
  const float stepSize = static_cast<float>(lr / (1.0 - std::pow(beta1, static_cast<double>(step))));
  const float invSqrtBc2 = static_cast<float>(1.0 / std::sqrt(1.0 - std::pow(beta2, static_cast<double>(step))));
  const float eps = static_cast<float>(epsilon);
  const float* pin = paramIn.Data();
  float* pout = paramOut.Data();
  const float* pg = grad.Data();
  float* pm = m.Data();
  float* pv = v.Data();
  for (size_t i = 0; i < n; ++i) {
    const float g = pg[i];
    const float mi = b1 * pm[i] + c1 * g;
    const float vi = b2 * pv[i] + c2 * g * g;
    pm[i] = mi;
    pv[i] = vi;
    pout[i] = pin[i] * decay - stepSize * mi / (std::sqrt(vi) * invSqrtBc2 + eps);
  }
  return env.Undefined();
}

}  // namespace

void InitAdamW(Napi::Env env, Napi::Object exports) {
  exports.Set("adamw", Napi::Function::New(env, AdamW, "adamw"));
}

}  // namespace cpu_kernels
