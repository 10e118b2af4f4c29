// Error conversion, in one place. C++ code computes a Status (code + message) wherever it is, and the
// JS thread turns it into a JS error here: librdkafka errors become the one KafkaError class (its
// constructor is registered by src/native/binding.ts at load), bad arguments become a TypeError or
// RangeError naming the argument.
#pragma once

#include <string>

#include "common.h"

namespace kbench {

/** librdkafka's enum name without the RD_KAFKA_RESP_ prefix: RD_KAFKA_RESP_ERR__QUEUE_FULL → "ERR__QUEUE_FULL". */
std::string ErrorCodeName(rd_kafka_resp_err_t err);

/** An outcome computed on any thread; converted to a JS error on the JS thread only. */
struct Status {
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string message;

  bool ok() const { return err == RD_KAFKA_RESP_ERR_NO_ERROR; }
  static Status Ok() { return {}; }
  static Status Error(rd_kafka_resp_err_t e, std::string m) { return Status{e, std::move(m)}; }
};

/** A KafkaError instance (or, before TS registered the class, an Error with `code` and `errno`). */
Napi::Object MakeKafkaError(Napi::Env env, rd_kafka_resp_err_t err, const std::string& message);
inline Napi::Object MakeKafkaError(Napi::Env env, const Status& s) { return MakeKafkaError(env, s.err, s.message); }

/** Throws (as a C++ Napi::Error, turned into a JS exception at the call boundary). */
[[noreturn]] void ThrowKafkaError(Napi::Env env, rd_kafka_resp_err_t err, const std::string& message);
[[noreturn]] void ThrowTypeError(Napi::Env env, const std::string& arg, const std::string& expected);
[[noreturn]] void ThrowRangeError(Napi::Env env, const std::string& arg, const std::string& why);

/** ERR__STATE errors for calls on a closed or busy client. */
[[noreturn]] void ThrowClosed(Napi::Env env, const char* what);
[[noreturn]] void ThrowBusy(Napi::Env env, const char* what, const char* doing);

/** A JS object {CODE_NAME: count, ...} from (code, count) pairs. */
template <typename Map>
Napi::Object ErrorCountsToJs(Napi::Env env, const Map& counts) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& [code, n] : counts) {
    o.Set(ErrorCodeName(static_cast<rd_kafka_resp_err_t>(code)), Napi::Number::New(env, static_cast<double>(n)));
  }
  return o;
}

}  // namespace kbench
