// Producer: one librdkafka producer handle per JS object.
//   produce()      enqueues a packed batch on the JS thread, stops at "queue full" and says how far it got
//   produceSync()  the same, then resolves once every message of the batch has its delivery report:
//                  awaited on the JS thread, which librdkafka wakes itself (a queue event callback)
//   poll()         serves delivery reports on the JS thread; returns running totals (one object)
//   stats()        delivered/failed/errors/latency since the last reset
//   flush(), close(), produceLoop()   run on the producer's service thread, resolve a Promise
// Delivery reports are handled in C++ only (never one JS call per message): librdkafka hands them over
// as DR events, many messages per event, and whoever serves the queue tallies them under one lock per
// event. Latency is librdkafka's own enqueue-to-report time (rd_kafka_message_latency: librdkafka stamps
// every message at produce() anyway, so no extra clock read or msg_opaque allocation is needed).
// While a produceSync() is pending, librdkafka calls back (rd_kafka_queue_cb_event_enable, on its own
// thread) when the main queue stops being empty, and the JS thread is woken to serve it: a sync round
// trip is broker thread -> JS thread, with no service thread in between.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "batch.h"
#include "common.h"
#include "errors.h"
#include "histogram.h"
#include "service.h"

namespace kbench {

/** Delivery outcomes: counts, failures by error code, enqueue-to-report latency (µs). */
struct DeliveryTally {
  uint64_t delivered = 0;
  uint64_t failed = 0;
  std::map<int, uint64_t> errors;
  Histogram latency;

  void Reset();
  Napi::Object ToJs(Napi::Env env) const;
};

struct SyncBatch;

/** Outcome of one produceSync message. Its msg_opaque points here: one vector per batch, no per-message allocation. */
struct SyncRecord {
  SyncBatch* owner = nullptr;
  int32_t partition = -1;
  int32_t err = 0;
  int64_t offset = -1;
  int64_t latency_us = -1;
  bool reported = false;  // its delivery report (or a failure to enqueue) was recorded
};

struct SyncBatch {
  std::vector<SyncRecord> records;
  size_t remaining = 0;  // guarded by Producer::mu_
};

/** A pending produceSync(): its records, the promise to settle and the object kept alive meanwhile. */
struct SyncWait {
  SyncWait(Napi::Env env, size_t n) : deferred(Napi::Promise::Deferred::New(env)) {
    batch.records.resize(n);
    for (SyncRecord& r : batch.records) r.owner = &batch;
    batch.remaining = n;
  }
  SyncBatch batch;
  Napi::Promise::Deferred deferred;
  Napi::ObjectReference owner;
};

/** An opt-in per-message delivery record (options.deliveryRecords), drained by poll(). */
struct DeliveryRecord {
  uint64_t id;  // enqueue order on this producer, from 0
  int32_t partition;
  int32_t err;
  int64_t offset;
  int64_t latency_us;
};

class Producer : public Napi::ObjectWrap<Producer>, public Waker {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Producer(const Napi::CallbackInfo& info);
  ~Producer() override;

 private:
  class RestJob;
  class FlushJob;
  class LoopJob;
  class CloseJob;
  enum class State { kOpen, kLooping, kClosing, kClosed };

  // JS methods.
  Napi::Value Produce(const Napi::CallbackInfo& info);
  Napi::Value ProduceSync(const Napi::CallbackInfo& info);
  Napi::Value Poll(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value Flush(const Napi::CallbackInfo& info);
  Napi::Value ProduceLoop(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value GetState(const Napi::CallbackInfo& info);
  /** The `state` accessor: checks `this` (wrap.h) before it is used as a Producer at all. */
  static Napi::Value StateGetter(const Napi::CallbackInfo& info);

  /** JS thread: throws ERR__STATE unless the producer is open and no produceLoop runs. */
  void CheckUsable(Napi::Env env, const char* call);
  Napi::Promise Submit(Napi::Env env, std::unique_ptr<Job> job);

  // Any thread.
  rd_kafka_topic_t* Topic(const std::string& name, Status* st);
  /**
   * Enqueues messages [start, end) of `b`; returns how many were enqueued. Stops at the first error
   * (`*err`; RD_KAFKA_RESP_ERR__QUEUE_FULL is not a failure, the caller polls and continues).
   * `sync` (may be null) holds one record per message, for message start + k at sync[k].
   */
  size_t Enqueue(rd_kafka_topic_t* rkt, const PackedBatch& b, size_t start, size_t end, const std::vector<Header>& headers,
                 SyncRecord* sync, rd_kafka_resp_err_t* err);
  /** Serves events of the main queue: waits up to timeout_ms for the first, then takes what is ready. */
  int Serve(int timeout_ms);
  void HandleDeliveries(rd_kafka_event_t* ev);
  /** Serves events until nothing is in flight, the deadline passes (ERR__TIMED_OUT) or stop is set. */
  Status Drain(int64_t deadline_ns, const std::atomic<bool>& stop, bool until_close = false);
  /** Destroys topic handles, the queue and the handle (no JS, no events served). */
  void DestroyHandle();
  /** Records messages [from, n) of `b` as failed with `err` (never enqueued: no report will come). */
  void FailSync(SyncBatch* b, size_t from, rd_kafka_resp_err_t err);
  /** librdkafka thread (the queue's lock held): the main queue stopped being empty. */
  static void QueueEvent(rd_kafka_t* rk, void* opaque);

  // JS thread: pending produceSync() calls.
  /** Service::Wake() landed: serves the main queue (while the handle is ours to serve) and settles. */
  void OnWake(Napi::Env env) override;
  /** Settles every wait whose batch is complete (`all`: every wait, unreported messages as ERR__DESTROY). */
  void SettleWaits(Napi::Env env, bool all);

  /** Stops the service thread, purges, destroys the handle. Idempotent; JS thread. */
  void Shutdown();
  static void CleanupHook(void* arg);

  napi_env env_;
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_queue_t* mainq_ = nullptr;
  State state_ = State::kOpen;  // JS thread
  bool shut_down_ = false;
  bool hook_registered_ = false;
  bool records_enabled_ = false;
  bool latency_enabled_ = false;  // options.latency: stats() keeps every report's latency
  /** Set by close(timeoutMs): jobs queued before the close stop waiting for deliveries at this time. */
  std::atomic<int64_t> close_deadline_ns_{INT64_MAX};

  std::mutex topics_mu_;
  std::unordered_map<std::string, rd_kafka_topic_t*> topics_;

  std::mutex enqueue_mu_;  // one Enqueue at a time (JS thread and a job may both enqueue)
  uint64_t enqueued_total_ = 0;     // guarded by enqueue_mu_
  uint64_t enqueued_interval_ = 0;  // guarded by enqueue_mu_

  std::mutex mu_;  // guards everything below
  uint64_t delivered_total_ = 0;
  uint64_t failed_total_ = 0;
  DeliveryTally interval_;
  DeliveryTally* loop_tally_ = nullptr;  // set while a produceLoop runs
  bool loop_latency_ = true;              // whether that loop keeps each report's latency
  std::map<int, uint64_t> client_errors_;
  std::vector<DeliveryRecord> records_;

  const std::thread::id js_thread_ = std::this_thread::get_id();
  std::vector<std::unique_ptr<SyncWait>> waits_;  // JS thread
  bool queue_event_on_ = false;                    // JS thread: QueueEvent is registered
  bool serving_wake_ = false;                      // JS thread: inside OnWake's Serve()

  Service service_;
};

}  // namespace kbench
