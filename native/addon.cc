// Module init. Exports:
//   Producer, Consumer               the client classes (producer.cc, consumer.cc)
//   setErrorClass(KafkaError)        registers the one JS error class librdkafka errors become
//   errorName(errno)                 librdkafka's name for an error code ("ERR__MSG_TIMED_OUT")
//   librdkafkaVersion, headerVersion the runtime library's version and the version compiled against
//   build                            "release" or "debug-sanitize"
#include <cstdio>

#include "addon.h"
#include "errors.h"

namespace kbench {
namespace {

Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) ThrowTypeError(env, "errorClass", "a constructor function");
  env.GetInstanceData<AddonData>()->kafka_error = Napi::Persistent(info[0].As<Napi::Function>());
  return env.Undefined();
}

Napi::Value ErrorName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) ThrowTypeError(env, "errno", "a number");
  return Napi::String::New(env, ErrorCodeName(static_cast<rd_kafka_resp_err_t>(info[0].As<Napi::Number>().Int32Value())));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData<AddonData>(new AddonData());  // deleted by Node when this environment ends
  exports.Set("Producer", DefineProducer(env));
  exports.Set("Consumer", DefineConsumer(env));
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass, "setErrorClass"));
  exports.Set("errorName", Napi::Function::New(env, ErrorName, "errorName"));
  exports.Set("librdkafkaVersion", Napi::String::New(env, rd_kafka_version_str()));
  char header[32];
  std::snprintf(header, sizeof header, "%d.%d.%d", (RD_KAFKA_VERSION >> 24) & 0xff, (RD_KAFKA_VERSION >> 16) & 0xff,
                (RD_KAFKA_VERSION >> 8) & 0xff);
  exports.Set("headerVersion", Napi::String::New(env, header));
#ifdef KBENCH_SANITIZE
  exports.Set("build", Napi::String::New(env, "debug-sanitize"));
#else
  exports.Set("build", Napi::String::New(env, "release"));
#endif
  return exports;
}

}  // namespace
}  // namespace kbench

static Napi::Object InitKbench(Napi::Env env, Napi::Object exports) { return kbench::Init(env, exports); }

NODE_API_MODULE(kbench, InitKbench)
