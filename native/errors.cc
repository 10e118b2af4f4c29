#include "errors.h"

#include "addon.h"

namespace kbench {

std::string ErrorCodeName(rd_kafka_resp_err_t err) {
  // rd_kafka_err2name() drops the enum's "RD_KAFKA_RESP_ERR" prefix: "_QUEUE_FULL", "MSG_SIZE_TOO_LARGE".
  const char* name = rd_kafka_err2name(err);
  if (name == nullptr || *name == '\0') return "ERR_UNKNOWN_" + std::to_string(static_cast<int>(err));
  return std::string("ERR_") + name;
}

Napi::Object MakeKafkaError(Napi::Env env, rd_kafka_resp_err_t err, const std::string& message) {
  const std::string code = ErrorCodeName(err);
  AddonData* data = env.GetInstanceData<AddonData>();
  if (data != nullptr && !data->kafka_error.IsEmpty()) {
    // KafkaError(message, code, errno): the class is defined once, in src/native/errors.ts.
    return data->kafka_error.New({Napi::String::New(env, message), Napi::String::New(env, code),
                                  Napi::Number::New(env, static_cast<int>(err))});
  }
  Napi::Object e = Napi::Error::New(env, message).Value();
  e.Set("code", code);
  e.Set("errno", Napi::Number::New(env, static_cast<int>(err)));
  return e;
}

void ThrowKafkaError(Napi::Env env, rd_kafka_resp_err_t err, const std::string& message) {
  throw Napi::Error(env, MakeKafkaError(env, err, message));
}

void ThrowTypeError(Napi::Env env, const std::string& arg, const std::string& expected) {
  throw Napi::TypeError::New(env, arg + " must be " + expected);
}

void ThrowRangeError(Napi::Env env, const std::string& arg, const std::string& why) {
  throw Napi::RangeError::New(env, arg + " " + why);
}

void ThrowClosed(Napi::Env env, const char* what) {
  ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE, std::string(what) + " is closed");
}

void ThrowBusy(Napi::Env env, const char* what, const char* doing) {
  ThrowKafkaError(env, RD_KAFKA_RESP_ERR__STATE, std::string(what) + " is busy: " + doing);
}

}  // namespace kbench
