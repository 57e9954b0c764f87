// Entry point of the native kernel pack: exports the kernels plus the BLAS thread controls and build information.
#include <cblas.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "common.h"

namespace cpu_kernels {
namespace {

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  const int64_t threads = AsInt(info, 0, "threads");
  if (threads < 1) throw Napi::RangeError::New(info.Env(), "threads must be >= 1");
  openblas_set_num_threads(static_cast<int>(threads));
  return info.Env().Undefined();
}

// tuneAllocator(mmapThresholdBytes, trimThresholdBytes): glibc serves large blocks with fresh mmap()s by default, so
// every tensor buffer the garbage collector frees and the next kernel allocates again costs page faults (they
// showed as a third of a training step's system time). A fixed mmap threshold keeps such blocks in the heap, and a
// high trim threshold keeps the heap's pages mapped for reuse. Returns false where the C library has no mallopt.
Napi::Value TuneAllocator(const Napi::CallbackInfo& info) {
  const int64_t mmapThreshold = AsInt(info, 0, "mmapThresholdBytes");
  const int64_t trimThreshold = AsInt(info, 1, "trimThresholdBytes");
#if defined(__GLIBC__)
  const bool ok = mallopt(M_MMAP_THRESHOLD, static_cast<int>(mmapThreshold)) == 1 &&
                  mallopt(M_TRIM_THRESHOLD, static_cast<int>(trimThreshold)) == 1;
  return Napi::Boolean::New(info.Env(), ok);
#else
  (void)mmapThreshold;
  (void)trimThreshold;
  return Napi::Boolean::New(info.Env(), false);
#endif
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("blas", "openblas");
  out.Set("corename", openblas_get_corename());
  out.Set("config", openblas_get_config());
  out.Set("threads", openblas_get_num_threads());
  out.Set("procs", openblas_get_num_procs());
  return out;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("tuneAllocator", Napi::Function::New(env, TuneAllocator, "tuneAllocator"));
  InitGemm(env, exports);
  InitElementwise(env, exports);
  InitReduce(env, exports);
  InitTranspose(env, exports);
  InitIndexing(env, exports);
  InitAdamW(env, exports);
  InitFused(env, exports);
  return exports;
}

}  // namespace cpu_kernels

// The module macro pastes the function name into an identifier, so it needs an unqualified name.
static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return cpu_kernels::Init(env, exports); }

NODE_API_MODULE(NODE_GYP_MODULE_NAME, InitModule)
