// Element-wise kernels: broadcasting binary arithmetic, unary math, row softmax and the bias + activation epilogue
// of the fused matmul. Formulas follow the TensorFlow.js cpu kernels (including its erf approximation) so that
// results agree with the JavaScript kernels to float32 rounding.
#include <algorithm>
#include <cmath>

#include "common.h"

namespace cpu_kernels {
namespace {

enum BinaryOp { kAdd = 0, kSub = 1, kMul = 2, kDiv = 3, kSquaredDifference = 4 };

template <typename Op>
void BinaryLoop(const float* a, const float* b, float* out, const std::vector<int64_t>& shape,
                const std::vector<int64_t>& as, const std::vector<int64_t>& bs, Op op) {
  const size_t rank = shape.size();
  const int64_t inner = shape[rank - 1];
  const int64_t sa = as[rank - 1];
  const int64_t sb = bs[rank - 1];
  int64_t outer = 1;
  for (size_t d = 0; d + 1 < rank; ++d) outer *= shape[d];
  std::vector<int64_t> index(rank, 0);
  int64_t offA = 0;
  int64_t offB = 0;
  for (int64_t o = 0; o < outer; ++o) {
    const float* pa = a + offA;
    const float* pb = b + offB;
    float* po = out + o * inner;
    if (sa == 1 && sb == 1) {
      for (int64_t i = 0; i < inner; ++i) po[i] = op(pa[i], pb[i]);
    } else if (sa == 1 && sb == 0) {
      const float vb = pb[0];
      for (int64_t i = 0; i < inner; ++i) po[i] = op(pa[i], vb);
    } else if (sa == 0 && sb == 1) {
      const float va = pa[0];
      for (int64_t i = 0; i < inner; ++i) po[i] = op(va, pb[i]);
    } else {
      for (int64_t i = 0; i < inner; ++i) po[i] = op(pa[i * sa], pb[i * sb]);
    }
    // Odometer over the outer dimensions.
    for (int64_t d = static_cast<int64_t>(rank) - 2; d >= 0; --d) {
      index[d]++;
      offA += as[d];
      offB += bs[d];
      if (index[d] < shape[d]) break;
      offA -= as[d] * shape[d];
      offB -= bs[d] * shape[d];
      index[d] = 0;
    }
  }
}

// Merges neighbouring dimensions that are laid out contiguously in both operands, so that the common cases
// (same shape, bias over the last axis, per-row scalars) run as long unit-stride inner loops.
void Coalesce(std::vector<int64_t>& shape, std::vector<int64_t>& as, std::vector<int64_t>& bs) {
  std::vector<int64_t> s2{shape.back()}, a2{as.back()}, b2{bs.back()};
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d) {
    if (shape[d] == 1) continue;
    const int64_t n = s2.back();
    if (n == 1) {
      s2.back() = shape[d];
      a2.back() = as[d];
      b2.back() = bs[d];
    } else if (as[d] == a2.back() * n && bs[d] == b2.back() * n) {
      s2.back() *= shape[d];
    } else {
      s2.push_back(shape[d]);
      a2.push_back(as[d]);
      b2.push_back(bs[d]);
    }
  }
  std::reverse(s2.begin(), s2.end());
  std::reverse(a2.begin(), a2.end());
  std::reverse(b2.begin(), b2.end());
  shape.swap(s2);
  as.swap(a2);
  bs.swap(b2);
}

// binary(op, a, b, out, outShape, aStrides, bStrides): strides are in elements, 0 along broadcast dimensions.
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t op = AsInt(info, 0, "op");
  Napi::Float32Array a = AsFloat32(info, 1, "a");
  Napi::Float32Array b = AsFloat32(info, 2, "b");
  Napi::Float32Array out = AsFloat32(info, 3, "out");
  std::vector<int64_t> shape = ToVector(AsInt32(info, 4, "outShape"));
  std::vector<int64_t> as = ToVector(AsInt32(info, 5, "aStrides"));
  std::vector<int64_t> bs = ToVector(AsInt32(info, 6, "bStrides"));
  if (as.size() != shape.size() || bs.size() != shape.size()) {
    throw Napi::RangeError::New(env, "aStrides and bStrides must have the rank of outShape");
  }
  int64_t size = 1;
  int64_t lastA = 0;
  int64_t lastB = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    size *= shape[d];
    if (shape[d] > 0) {
      lastA += as[d] * (shape[d] - 1);
      lastB += bs[d] * (shape[d] - 1);
    }
  }
  RequireLength(env, out.ElementLength(), static_cast<size_t>(size), "out");
  if (size == 0) return env.Undefined();
  RequireLength(env, a.ElementLength(), static_cast<size_t>(lastA + 1), "a");
  RequireLength(env, b.ElementLength(), static_cast<size_t>(lastB + 1), "b");
  if (shape.empty()) {
    shape = {1};
    as = {0};
    bs = {0};
  }
  Coalesce(shape, as, bs);
  const float* pa = a.Data();
  const float* pb = b.Data();
  float* po = out.Data();
  switch (op) {
    case kAdd: BinaryLoop(pa, pb, po, shape, as, bs, [](float x, float y) { return x + y; }); break;
    case kSub: BinaryLoop(pa, pb, po, shape, as, bs, [](float x, float y) { return x - y; }); break;
    case kMul: BinaryLoop(pa, pb, po, shape, as, bs, [](float x, float y) { return x * y; }); break;
    case kDiv: BinaryLoop(pa, pb, po, shape, as, bs, [](float x, float y) { return x / y; }); break;
    case kSquaredDifference:
      BinaryLoop(pa, pb, po, shape, as, bs, [](float x, float y) { return (x - y) * (x - y); });
      break;
    default: throw Napi::RangeError::New(env, "unknown binary op " + std::to_string(op));
  }
  return env.Undefined();
}

enum UnaryOp {
  kExp = 0, kNeg = 1, kSqrt = 2, kRsqrt = 3, kSquare = 4, kErf = 5, kRelu = 6, kSigmoid = 7, kTanh = 8, kLog = 9,
  kAbs = 10, kReciprocal = 11, kRelu6 = 12, kLeakyRelu = 13, kElu = 14, kLinear = 15, kFloor = 16
};

}  // namespace

// Abramowitz & Stegun 7.1.26, the approximation the TensorFlow.js kernels use.
float ErfApprox(float x) {
  constexpr float p = 0.3275911f, a1 = 0.254829592f, a2 = -0.284496736f, a3 = 1.421413741f, a4 = -1.453152027f,
                  a5 = 1.061405429f;
  const float v = std::fabs(x);
  const float t = 1.0f / (1.0f + p * v);
  const float y = 1.0f - (((((a5 * t + a4) * t) + a3) * t + a2) * t + a1) * t * std::exp(-v * v);
  return x > 0 ? y : (x < 0 ? -y : x);
}

namespace {

template <typename Op>
void UnaryLoop(const float* x, float* out, size_t n, Op op) {
  for (size_t i = 0; i < n; ++i) out[i] = op(x[i]);
}

void ApplyUnary(Napi::Env env, int64_t op, const float* x, float* out, size_t n, float alpha) {
  switch (op) {
    case kExp: UnaryLoop(x, out, n, [](float v) { return std::exp(v); }); break;
    case kNeg: UnaryLoop(x, out, n, [](float v) { return -v; }); break;
    case kSqrt: UnaryLoop(x, out, n, [](float v) { return std::sqrt(v); }); break;
    case kRsqrt: UnaryLoop(x, out, n, [](float v) { return 1.0f / std::sqrt(v); }); break;
    case kSquare: UnaryLoop(x, out, n, [](float v) { return v * v; }); break;
    case kErf: UnaryLoop(x, out, n, ErfApprox); break;
    // NaN passes through, as with Math.max(0, x) in JavaScript.
    case kRelu: UnaryLoop(x, out, n, [](float v) { return v < 0 ? 0.0f : v; }); break;
    case kSigmoid: UnaryLoop(x, out, n, [](float v) { return 1.0f / (1.0f + std::exp(-v)); }); break;
    case kTanh: UnaryLoop(x, out, n, [](float v) { return std::tanh(v); }); break;
    case kLog: UnaryLoop(x, out, n, [](float v) { return std::log(v); }); break;
    case kAbs: UnaryLoop(x, out, n, [](float v) { return std::fabs(v); }); break;
    case kReciprocal: UnaryLoop(x, out, n, [](float v) { return 1.0f / v; }); break;
    case kRelu6: UnaryLoop(x, out, n, [](float v) { return v < 0 ? 0.0f : (v > 6 ? 6.0f : v); }); break;
    case kLeakyRelu: UnaryLoop(x, out, n, [alpha](float v) { return v < 0 ? alpha * v : v; }); break;
    case kElu: UnaryLoop(x, out, n, [](float v) { return v >= 0 ? v : std::exp(v) - 1.0f; }); break;
    case kFloor: UnaryLoop(x, out, n, [](float v) { return std::floor(v); }); break;
    case kLinear:
      if (out != x) std::copy(x, x + n, out);
      break;
    default: throw Napi::RangeError::New(env, "unknown unary op " + std::to_string(op));
  }
}

// unary(op, x, out, alpha)
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t op = AsInt(info, 0, "op");
  Napi::Float32Array x = AsFloat32(info, 1, "x");
  Napi::Float32Array out = AsFloat32(info, 2, "out");
  const float alpha = static_cast<float>(AsDouble(info, 3, "alpha"));
  RequireLength(env, out.ElementLength(), x.ElementLength(), "out");
  ApplyUnary(env, op, x.Data(), out.Data(), x.ElementLength(), alpha);
  return env.Undefined();
}

// softmax(x, out, rows, cols): softmax over the last axis of a [rows, cols] matrix.
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = AsFloat32(info, 0, "x");
  Napi::Float32Array out = AsFloat32(info, 1, "out");
  const int64_t rows = AsInt(info, 2, "rows");
  const int64_t cols = AsInt(info, 3, "cols");
  RequireLength(env, x.ElementLength(), static_cast<size_t>(rows * cols), "x");
  RequireLength(env, out.ElementLength(), static_cast<size_t>(rows * cols), "out");
  for (int64_t r = 0; r < rows; ++r) {
    const float* px = x.Data() + r * cols;
    float* po = out.Data() + r * cols;
    float max = -INFINITY;
    for (int64_t c = 0; c < cols; ++c) max = std::max(max, px[c]);
    double sum = 0;
    for (int64_t c = 0; c < cols; ++c) {
      po[c] = std::exp(px[c] - max);
      sum += po[c];
    }
    const float total = static_cast<float>(sum);
    for (int64_t c = 0; c < cols; ++c) po[c] = po[c] / total;
  }
  return env.Undefined();
}

// biasActivation(out, bias | null, rows, cols, activation, alpha): in place, bias broadcast over rows.
Napi::Value BiasActivation(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array out = AsFloat32(info, 0, "out");
  const bool hasBias = !info[1].IsNull() && !info[1].IsUndefined();
  const int64_t rows = AsInt(info, 2, "rows");
  const int64_t cols = AsInt(info, 3, "cols");
  const int64_t activation = AsInt(info, 4, "activation");
  const float alpha = static_cast<float>(AsDouble(info, 5, "alpha"));
  RequireLength(env, out.ElementLength(), static_cast<size_t>(rows * cols), "out");
  float* po = out.Data();
  if (hasBias) {
    Napi::Float32Array bias = AsFloat32(info, 1, "bias");
    RequireLength(env, bias.ElementLength(), static_cast<size_t>(cols), "bias");
    const float* pb = bias.Data();
    for (int64_t r = 0; r < rows; ++r) {
      float* row = po + r * cols;
      for (int64_t c = 0; c < cols; ++c) row[c] += pb[c];
    }
  }
  ApplyUnary(env, activation, po, po, static_cast<size_t>(rows * cols), alpha);
  return env.Undefined();
}

}  // namespace

void InitElementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("binary", Napi::Function::New(env, Binary, "binary"));
  exports.Set("unary", Napi::Function::New(env, Unary, "unary"));
  exports.Set("softmax", Napi::Function::New(env, Softmax, "softmax"));
  exports.Set("biasActivation", Napi::Function::New(env, BiasActivation, "biasActivation"));
}

}  // namespace cpu_kernels
