// Consumer: one librdkafka (high-level) consumer handle per JS object.
//   assign(), subscribe(), unsubscribe()  on the JS thread (they do not wait for the network)
//   consumeSync(max, timeoutMs)   one packed batch, on the JS thread (blocks up to timeoutMs; 0 = what is ready)
//   consume(max, timeoutMs)       the same on the consumer's service thread → Promise (never blocks the loop)
//   consumeLoop({count, timeoutMs, timestamps?})   the whole loop in C++: count, bytes, checksum, timings
//   fetchMetadata(topic, timeoutMs)   rd_kafka_metadata for that one topic, on the service thread → Promise
//   commit(), close()             on the service thread → Promise
// A batch is fetched with rd_kafka_consume_batch_queue on the consumer queue and copied once into one
// block handed to JS as an external ArrayBuffer (batch.h: ConsumedBlock).
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "batch.h"
#include "common.h"
#include "errors.h"
#include "service.h"

namespace kbench {

class Consumer : public Napi::ObjectWrap<Consumer> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Consumer(const Napi::CallbackInfo& info);
  ~Consumer() override;

 private:
  class ConsumeJob;
  class LoopJob;
  class MetadataJob;
  class CommitJob;
  class CloseJob;
  enum class State { kOpen, kLooping, kClosing, kClosed };

  Napi::Value Assign(const Napi::CallbackInfo& info);
  Napi::Value Subscribe(const Napi::CallbackInfo& info);
  Napi::Value Unsubscribe(const Napi::CallbackInfo& info);
  Napi::Value ConsumeSync(const Napi::CallbackInfo& info);
  Napi::Value Consume(const Napi::CallbackInfo& info);
  Napi::Value ConsumeLoop(const Napi::CallbackInfo& info);
  Napi::Value FetchMetadata(const Napi::CallbackInfo& info);
  Napi::Value Commit(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value GetState(const Napi::CallbackInfo& info);
  /** The `state` accessor: checks `this` (wrap.h) before it is used as a Consumer at all. */
  static Napi::Value StateGetter(const Napi::CallbackInfo& info);

  void CheckUsable(Napi::Env env, const char* call, bool allow_loop);
  Napi::Promise Submit(Napi::Env env, std::unique_ptr<Job> job);

  /**
   * Waits up to timeout_ms for the first message, then takes what is already fetched, up to max, in
   * chunks of at most kChunk messages: `sink(msgs, n)` takes each chunk over (it destroys the messages)
   * while the chunk is still in cache. With `stop`, waits in slices so a stopping service thread is
   * not held up. An error only when nothing was taken (what was taken before a later failure is
   * delivered, and the failure comes again on the next call).
   */
  template <typename Sink>
  Status Drain(size_t max, int64_t timeout_ms, const std::atomic<bool>* stop, Sink&& sink);
  /** Up to max messages into `block` (in `into` when given and its metadata fits there); calls block.Finish(). */
  Status TakeBlock(ConsumedBlock& block, size_t max, int64_t timeout_ms, const std::atomic<bool>* stop, uint8_t* into, size_t into_len);

  void Shutdown();
  static void CleanupHook(void* arg);

  napi_env env_;
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_queue_t* queue_ = nullptr;  // the consumer queue (the main queue is forwarded to it)
  State state_ = State::kOpen;
  bool shut_down_ = false;
  bool hook_registered_ = false;
  /** Set by close(): a consume() queued before it returns what it has instead of waiting out its timeout. */
  std::atomic<bool> closing_{false};
  Service service_;
};

}  // namespace kbench
