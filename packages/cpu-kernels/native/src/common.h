// Helpers shared by the kernels: typed-array access with size checks, so that a wrong call from JavaScript raises a
// RangeError/TypeError instead of corrupting memory.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cpu_kernels {

inline Napi::Float32Array AsFloat32(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value value = info[index];
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Float32Array");
  }
  return value.As<Napi::Float32Array>();
}

inline Napi::Int32Array AsInt32(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value value = info[index];
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be an Int32Array");
  }
  return value.As<Napi::Int32Array>();
}

inline int64_t AsInt(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value value = info[index];
  if (!value.IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  const int64_t result = value.As<Napi::Number>().Int64Value();
  if (result < 0) throw Napi::RangeError::New(info.Env(), std::string(name) + " must be >= 0");
  return result;
}

inline double AsDouble(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value value = info[index];
  if (!value.IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  return value.As<Napi::Number>().DoubleValue();
}

inline bool AsBool(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value value = info[index];
  if (!value.IsBoolean()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a boolean");
  return value.As<Napi::Boolean>().Value();
}

inline void RequireLength(const Napi::Env& env, size_t actual, size_t expected, const char* name) {
  if (actual < expected) {
    throw Napi::RangeError::New(env, std::string(name) + " has " + std::to_string(actual) + " elements, needs " +
                                         std::to_string(expected));
  }
}

inline std::vector<int64_t> ToVector(const Napi::Int32Array& array) {
  std::vector<int64_t> out(array.ElementLength());
  for (size_t i = 0; i < out.size(); ++i) out[i] = array[i];
  return out;
}

// Registration hooks, one per source file.
void InitGemm(Napi::Env env, Napi::Object exports);
void InitElementwise(Napi::Env env, Napi::Object exports);
void InitReduce(Napi::Env env, Napi::Object exports);
void InitTranspose(Napi::Env env, Napi::Object exports);
void InitIndexing(Napi::Env env, Napi::Object exports);
void InitAdamW(Napi::Env env, Napi::Object exports);
void InitFused(Napi::Env env, Napi::Object exports);

}  // namespace cpu_kernels
