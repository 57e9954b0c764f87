// Fused transformer pieces exposed as extra TensorFlow.js kernels: exact (erf) GELU and layer normalisation over
// the last axis, each with its gradient. One pass and one output buffer replace the five to ten element-wise
// kernels (and their intermediate tensors) that the composite TensorFlow.js expressions run.
#include <cmath>

#include "common.h"

namespace cpu_kernels {

float ErfApprox(float x);  // elementwise.cc: the TensorFlow.js approximation

namespace {

constexpr float kSqrtHalf = 0.70710678118654752f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;

// geluErf(x, out): 0.5 x (1 + erf(x / sqrt 2)).
Napi::Value GeluErf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = AsFloat32(info, 0, "x");
  Napi::Float32Array out = AsFloat32(info, 1, "out");
  RequireLength(env, out.ElementLength(), x.ElementLength(), "out");
  const float* px = x.Data();
  float* po = out.Data();
  const size_t n = x.ElementLength();
  for (size_t i = 0; i < n; ++i) po[i] = 0.5f * px[i] * (1.0f + ErfApprox(px[i] * kSqrtHalf));
  return env.Undefined();
}

// geluErfGrad(x, dy, out): dy (0.5 (1 + erf(x / sqrt 2)) + x exp(-x^2 / 2) / sqrt(2 pi)).
Napi::Value GeluErfGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = AsFloat32(info, 0, "x");
  Napi::Float32Array dy = AsFloat32(info, 1, "dy");
  Napi::Float32Array out = AsFloat32(info, 2, "out");
  const size_t n = x.ElementLength();
  RequireLength(env, dy.ElementLength(), n, "dy");
  RequireLength(env, out.ElementLength(), n, "out");
  const float* px = x.Data();
  const float* pdy = dy.Data();
  float* po = out.Data();
  for (size_t i = 0; i < n; ++i) {
    const float v = px[i];
    po[i] = pdy[i] * (0.5f * (1.0f + ErfApprox(v * kSqrtHalf)) + v * kInvSqrt2Pi * std::exp(-0.5f * v * v));
  }
  return env.Undefined();
}

// layerNorm(x, gamma, beta, out, mean, rstd, rows, cols, epsilon): per row, biased variance (torch.nn.LayerNorm).
Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = AsFloat32(info, 0, "x");
  Napi::Float32Array gamma = AsFloat32(info, 1, "gamma");
  Napi::Float32Array beta = AsFloat32(info, 2, "beta");
  Napi::Float32Array out = AsFloat32(info, 3, "out");
  Napi::Float32Array mean = AsFloat32(info, 4, "mean");
  Napi::Float32Array rstd = AsFloat32(info, 5, "rstd");
  const int64_t rows = AsInt(info, 6, "rows");
  const int64_t cols = AsInt(info, 7, "cols");
  const double epsilon = AsDouble(info, 8, "epsilon");
  RequireLength(env, x.ElementLength(), static_cast<size_t>(rows * cols), "x");
  RequireLength(env, out.ElementLength(), static_cast<size_t>(rows * cols), "out");
  RequireLength(env, gamma.ElementLength(), static_cast<size_t>(cols), "gamma");
  RequireLength(env, beta.ElementLength(), static_cast<size_t>(cols), "beta");
  RequireLength(env, mean.ElementLength(), static_cast<size_t>(rows), "mean");
  RequireLength(env, rstd.ElementLength(), static_cast<size_t>(rows), "rstd");
  const float* pg = gamma.Data();
  const float* pb = beta.Data();
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x.Data() + r * cols;
    float* dst = out.Data() + r * cols;
    double sum = 0;
    for (int64_t c = 0; c < cols; ++c) sum += row[c];
    const double mu = sum / static_cast<double>(cols);
    double sq = 0;
    for (int64_t c = 0; c < cols; ++c) sq += (row[c] - mu) * (row[c] - mu);
    const float m = static_cast<float>(mu);
    const float s = static_cast<float>(1.0 / std::sqrt(sq / static_cast<double>(cols) + epsilon));
    mean.Data()[r] = m;
    rstd.Data()[r] = s;
    for (int64_t c = 0; c < cols; ++c) dst[c] = (row[c] - m) * s * pg[c] + pb[c];
  }
  return env.Undefined();
}

// layerNormGrad(x, gamma, dy, mean, rstd, dx, dgamma, dbeta, rows, cols): dgamma and dbeta must be zero-filled.
Napi::Value LayerNormGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = AsFloat32(info, 0, "x");
  Napi::Float32Array gamma = AsFloat32(info, 1, "gamma");
  Napi::Float32Array dy = AsFloat32(info, 2, "dy");
  Napi::Float32Array mean = AsFloat32(info, 3, "mean");
  Napi::Float32Array rstd = AsFloat32(info, 4, "rstd");
  Napi::Float32Array dx = AsFloat32(info, 5, "dx");
  Napi::Float32Array dgamma = AsFloat32(info, 6, "dgamma");
  Napi::Float32Array dbeta = AsFloat32(info, 7, "dbeta");
  const int64_t rows = AsInt(info, 8, "rows");
  const int64_t cols = AsInt(info, 9, "cols");
  const size_t size = static_cast<size_t>(rows * cols);
  RequireLength(env, x.ElementLength(), size, "x");
  RequireLength(env, dy.ElementLength(), size, "dy");
  RequireLength(env, dx.ElementLength(), size, "dx");
  RequireLength(env, gamma.ElementLength(), static_cast<size_t>(cols), "gamma");
  RequireLength(env, dgamma.ElementLength(), static_cast<size_t>(cols), "dgamma");
  RequireLength(env, dbeta.ElementLength(), static_cast<size_t>(cols), "dbeta");
  RequireLength(env, mean.ElementLength(), static_cast<size_t>(rows), "mean");
  RequireLength(env, rstd.ElementLength(), static_cast<size_t>(rows), "rstd");
  const float* pg = gamma.Data();
  std::vector<double> accGamma(static_cast<size_t>(cols), 0.0), accBeta(static_cast<size_t>(cols), 0.0);
  const double invCols = 1.0 / static_cast<double>(cols);
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x.Data() + r * cols;
    const float* g = dy.Data() + r * cols;
    float* d = dx.Data() + r * cols;
    const float m = mean.Data()[r];
    const float s = rstd.Data()[r];
    double sumDxhat = 0, sumDxhatXhat = 0;
    for (int64_t c = 0; c < cols; ++c) {
      const float xhat = (row[c] - m) * s;
      const float dxhat = g[c] * pg[c];
      sumDxhat += dxhat;
      sumDxhatXhat += dxhat * xhat;
      accGamma[c] += g[c] * xhat;
      accBeta[c] += g[c];
    }
    const float a = static_cast<float>(sumDxhat * invCols);
    const float b = static_cast<float>(sumDxhatXhat * invCols);
    for (int64_t c = 0; c < cols; ++c) {
      const float xhat = (row[c] - m) * s;
      d[c] = s * (g[c] * pg[c] - a - xhat * b);
    }
  }
  for (int64_t c = 0; c < cols; ++c) {
    dgamma.Data()[c] = static_cast<float>(accGamma[c]);
    dbeta.Data()[c] = static_cast<float>(accBeta[c]);
  }
  return env.Undefined();
}

}  // namespace

void InitFused(Napi::Env env, Napi::Object exports) {
  exports.Set("geluErf", Napi::Function::New(env, GeluErf, "geluErf"));
  exports.Set("geluErfGrad", Napi::Function::New(env, GeluErfGrad, "geluErfGrad"));
  exports.Set("layerNorm", Napi::Function::New(env, LayerNorm, "layerNorm"));
  exports.Set("layerNormGrad", Napi::Function::New(env, LayerNormGrad, "layerNormGrad"));
}

}  // namespace cpu_kernels
