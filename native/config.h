// librdkafka configuration from a JS object: every key goes to rd_kafka_conf_set as given.
#pragma once

#include <memory>
#include <string>

#include "common.h"

namespace kbench {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

/**
 * Reads `config` (Record<string, string | number | boolean>). Throws TypeError for a value of another
 * type and KafkaError ERR__INVALID_ARG naming the key with librdkafka's reason for an unknown key or a
 * bad value.
 */
ConfPtr ReadConfig(Napi::Env env, Napi::Value config, const char* arg);

/** Sets one property the addon itself needs; throws KafkaError like ReadConfig. */
void SetConf(Napi::Env env, rd_kafka_conf_t* conf, const char* key, const char* value);

}  // namespace kbench
