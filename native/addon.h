// Per-addon-instance state (napi instance data): one per Node environment (main thread or worker),
// so the addon loads in many worker threads at once. There are no mutable globals in the addon.
#pragma once

#include "common.h"

namespace kbench {

struct AddonData {
  /** The KafkaError class registered by src/native/binding.ts (setErrorClass). */
  Napi::FunctionReference kafka_error;
  /** Numbers generated group.ids of consumers created without one. */
  uint64_t next_consumer = 0;
};

/** The Producer and Consumer classes (producer.cc, consumer.cc). */
Napi::Function DefineProducer(Napi::Env env);
Napi::Function DefineConsumer(Napi::Env env);

}  // namespace kbench
