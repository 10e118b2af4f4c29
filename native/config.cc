#include "config.h"

#include "errors.h"

namespace kbench {

void SetConf(Napi::Env env, rd_kafka_conf_t* conf, const char* key, const char* value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, std::string("config key '") + key + "': " + errstr);
  }
}

ConfPtr ReadConfig(Napi::Env env, Napi::Value config, const char* arg) {
  if (!config.IsObject() || config.IsArray() || config.IsFunction()) {
    ThrowTypeError(env, arg, "an object of librdkafka properties (Record<string, string | number | boolean>)");
  }
  ConfPtr conf(rd_kafka_conf_new());
  Napi::Object obj = config.As<Napi::Object>();
  Napi::Array keys = obj.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); i++) {
    const std::string key = keys.Get(i).ToString().Utf8Value();
    Napi::Value v = obj.Get(key);
    std::string value;
    if (v.IsString()) {
      value = v.As<Napi::String>().Utf8Value();
    } else if (v.IsNumber() || v.IsBoolean()) {
      value = v.ToString().Utf8Value();  // JS spelling: 1500, 0.5, true
    } else if (v.IsUndefined()) {
      continue;  // an optional property left unset
    } else {
      ThrowTypeError(env, std::string(arg) + "['" + key + "']", "a string, number or boolean");
    }
    SetConf(env, conf.get(), key.c_str(), value.c_str());
  }
  return conf;
}

}  // namespace kbench
