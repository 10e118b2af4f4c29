#include "producer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "config.h"
#include "payload.h"
#include "wrap.h"

namespace kbench {

namespace {

constexpr int kServeSliceMs = 100;  // longest blocking wait of a job before it looks at `stop` again
constexpr int64_t kNsPerMs = 1000000;
constexpr size_t kDrArray = 1024;

int SliceMs(int64_t deadline_ns) {
  const int64_t left = (deadline_ns - MonotonicNs() + kNsPerMs - 1) / kNsPerMs;
  return static_cast<int>(std::clamp<int64_t>(left, 0, kServeSliceMs));
}

constexpr int64_t kMaxTimeoutMs = 1000LL * 1000 * 1000;  // ~11.6 days: keeps deadlines in range

int64_t ReadTimeoutMs(Napi::Env env, Napi::Value v, const char* name, int64_t dflt) {
  if (v.IsUndefined()) return dflt;
  return std::min(static_cast<int64_t>(ReadCount(env, v, name)), kMaxTimeoutMs);
}

Napi::Number Num(Napi::Env env, uint64_t v) { return Napi::Number::New(env, static_cast<double>(v)); }

}  // namespace

// ---------------------------------------------------------------------------------------------------
void DeliveryTally::Reset() {
  delivered = 0;
  failed = 0;
  errors.clear();
  latency.Reset();
}

Napi::Object DeliveryTally::ToJs(Napi::Env env) const {
  Napi::Object o = Napi::Object::New(env);
  o.Set("delivered", Num(env, delivered));
  o.Set("failed", Num(env, failed));
  o.Set("errors", ErrorCountsToJs(env, errors));
  o.Set("latency", latency.ToJs(env));
  return o;
}

// ---------------------------------------------------------------------------------------------------
// Jobs (run on the producer's service thread, completed on the JS thread).

class Producer::FlushJob : public Job {
 public:
  FlushJob(Napi::Env env, Producer* p, int64_t timeout_ms) : Job(env), p_(p), timeout_ms_(timeout_ms) {}
  void Run(const std::atomic<bool>& stop) override {
    // A flush ends no later than the timeout of a close() called before or while it runs.
    status_ = p_->Drain(MonotonicNs() + timeout_ms_ * kNsPerMs, stop, /*until_close=*/true);
  }
  void Complete(Napi::Env env) override {
    if (status_.ok()) {
      deferred.Resolve(env.Undefined());
    } else {
      deferred.Reject(MakeKafkaError(env, status_));
    }
  }

 private:
  Producer* p_;
  int64_t timeout_ms_;
  Status status_;
};

/** produceSync(), the part that did not fit (queue full): enqueued here as deliveries make room. */
class Producer::RestJob : public Job {
 public:
  RestJob(Napi::Env env, Producer* p, rd_kafka_topic_t* rkt, SyncWait* wait, size_t at) : Job(env), p_(p), rkt_(rkt), wait_(wait), at_(at) {}

  void Run(const std::atomic<bool>& stop) override {
    // wait_ stays valid until every one of its messages is reported or failed, so until this returns:
    // the messages from `pos` on are neither, and it is not touched after the last is enqueued or failed.
    const PackedBatch v = rest.View();
    size_t& pos = pos_;
    for (;;) {
      rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
      pos += p_->Enqueue(rkt_, v, pos, v.count, headers, &wait_->batch.records[at_ + pos], &err);
      if (pos == v.count) return;
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        // A close() whose timeout passed, or the handle being destroyed: what never got in fails.
        if (stop) err = RD_KAFKA_RESP_ERR__DESTROY;
        else if (MonotonicNs() >= p_->close_deadline_ns_.load()) err = RD_KAFKA_RESP_ERR__PURGE_QUEUE;
      }
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        p_->FailSync(&wait_->batch, at_ + pos, err);
        return;
      }
      p_->Serve(10);
    }
  }

  void Complete(Napi::Env env) override { deferred.Resolve(env.Undefined()); }  // nobody awaits it: the wait is settled on its own

  void Failed(Napi::Env env, const std::string& why) override {
    if (pos_ < rest.View().count) p_->FailSync(&wait_->batch, at_ + pos_, RD_KAFKA_RESP_ERR__FAIL);  // Run() threw before the end
    Job::Failed(env, why);
  }

  OwnedBatch rest;  // copied on the JS thread: the caller may reuse its buffers once produceSync() returns
  std::vector<Header> headers;

 private:
  Producer* p_;
  rd_kafka_topic_t* rkt_;
  SyncWait* wait_;
  size_t at_;       // index in the wait's records of the first message of `rest`
  size_t pos_ = 0;  // messages of `rest` enqueued or failed so far
};

namespace {

/** The report of a complete produceSync() batch (its records are no longer written). */
Napi::Object SyncReport(Napi::Env env, const SyncBatch& b) {
  const size_t n = b.records.size();
  Napi::Int32Array partitions = Napi::Int32Array::New(env, n);
  Napi::Float64Array offsets = Napi::Float64Array::New(env, n);
  Napi::Int32Array errors = Napi::Int32Array::New(env, n);
  Napi::Float64Array latency = Napi::Float64Array::New(env, n);
  size_t failed = 0;
  for (size_t i = 0; i < n; i++) {
    const SyncRecord& r = b.records[i];
    partitions[i] = r.partition;
    offsets[i] = static_cast<double>(r.offset);
    errors[i] = r.err;
    latency[i] = static_cast<double>(r.latency_us);
    if (r.err != 0) failed++;
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("count", Num(env, n));
  o.Set("failed", Num(env, failed));
  o.Set("partitions", partitions);
  o.Set("offsets", offsets);
  o.Set("errors", errors);
  o.Set("latencyUs", latency);
  return o;
}

}  // namespace

class Producer::LoopJob : public Job {
 public:
  LoopJob(Napi::Env env, Producer* p) : Job(env), p_(p) {}

  void Run(const std::atomic<bool>& stop) override {
    PayloadWriter w(size, timestamps, source.empty() ? nullptr : &source, stride);
    // The delivery handler also counts into this loop's tally while the loop runs (even if it throws).
    struct TallyScope {
      Producer* p;
      TallyScope(Producer* producer, DeliveryTally* t) : p(producer) {
        std::lock_guard<std::mutex> lk(p->mu_);
        p->loop_tally_ = t;
      }
      ~TallyScope() {
        std::lock_guard<std::mutex> lk(p->mu_);
        p->loop_tally_ = nullptr;
      }
    } scope(p_, &tally_);
    p_->loop_latency_ = latency;
    const int64_t t0 = MonotonicNs();
    uint64_t i = 0;
    uint64_t until_poll = poll_every;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    while (i < count && !stop.load(std::memory_order_relaxed)) {
      uint32_t crc = 0;
      if (checksum) crc = w.Next(first_seq + i);
      else w.Write(first_seq + i);
      // Copied: librdkafka keeps its own copy (F_COPY), so the one payload buffer is rewritten per message.
      if (rd_kafka_produce(rkt, partition, RD_KAFKA_MSG_F_COPY, w.data(), size, nullptr, 0, nullptr) != 0) {
        err = rd_kafka_last_error();
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
        err = RD_KAFKA_RESP_ERR_NO_ERROR;
        p_->Serve(10);  // deliveries make room; message i is rewritten (fresh timestamp) and retried
        continue;
      }
      if (checksum) sum_.AddCrc(crc, size);
      ++i;
      if (--until_poll == 0) {
        p_->Serve(0);
        until_poll = poll_every;
      }
    }
    enqueued_ = i;
    {
      std::lock_guard<std::mutex> lk(p_->enqueue_mu_);
      p_->enqueued_total_ += i;
      p_->enqueued_interval_ += i;
    }
    const int64_t t_enq = MonotonicNs();
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status_ = Status::Error(err, "produceLoop stopped at message " + std::to_string(i) + ": " + rd_kafka_err2str(err));
    }
    const Status drained = p_->Drain(t_enq + flush_timeout_ms * kNsPerMs, stop);
    timed_out_ = drained.err == RD_KAFKA_RESP_ERR__TIMED_OUT;
    const int64_t t_end = MonotonicNs();
    enqueue_ns_ = t_enq - t0;
    elapsed_ns_ = t_end - t0;
  }

  void Failed(Napi::Env env, const std::string& why) override {
    if (p_->state_ == State::kLooping) p_->state_ = State::kOpen;
    Job::Failed(env, why);
  }

  void Complete(Napi::Env env) override {
    if (p_->state_ == State::kLooping) p_->state_ = State::kOpen;
    Napi::Object o = tally_.ToJs(env);
    o.Set("enqueued", Num(env, enqueued_));
    if (checksum) o.Set("checksum", sum_.Hex());
    o.Set("bytes", Num(env, enqueued_ * static_cast<uint64_t>(size)));
    o.Set("enqueueNs", Num(env, static_cast<uint64_t>(enqueue_ns_)));
    o.Set("elapsedNs", Num(env, static_cast<uint64_t>(elapsed_ns_)));
    o.Set("timedOut", Napi::Boolean::New(env, timed_out_));
    if (!status_.ok()) o.Set("error", MakeKafkaError(env, status_));
    deferred.Resolve(o);
  }

  // Parameters, read on the JS thread.
  rd_kafka_topic_t* rkt = nullptr;
  int32_t partition = RD_KAFKA_PARTITION_UA;
  uint64_t count = 0;
  size_t size = 0;
  uint64_t first_seq = 0;
  bool timestamps = false;
  uint64_t poll_every = 1000;
  /** Checksum what is sent (a CRC per message), and read each report's latency (a clock read per report). */
  bool checksum = true;
  bool latency = true;
  int64_t flush_timeout_ms = 30000;
  // options.payload: a copy of the source's bytes, owned by the job (the loop runs off the JS thread,
  // where the caller's buffer may be changed, detached or collected at any time). Empty: the filler.
  std::vector<uint8_t> source;
  uint64_t stride = 0;

 private:
  Producer* p_;
  DeliveryTally tally_;
  Checksum sum_;
  uint64_t enqueued_ = 0;
  int64_t enqueue_ns_ = 0;
  int64_t elapsed_ns_ = 0;
  bool timed_out_ = false;
  Status status_;
};

class Producer::CloseJob : public Job {
 public:
  CloseJob(Napi::Env env, Producer* p, int64_t timeout_ms) : Job(env), p_(p), timeout_ms_(timeout_ms) {}

  void Run(const std::atomic<bool>& stop) override {
    // Deliver what can be delivered within the timeout; what is left fails with ERR__PURGE_* (counted).
    p_->Drain(MonotonicNs() + timeout_ms_ * kNsPerMs, stop);
    rd_kafka_purge(p_->rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    p_->Drain(MonotonicNs() + 5000 * kNsPerMs, stop);
    p_->DestroyHandle();
  }

  void Complete(Napi::Env env) override {
    p_->state_ = State::kClosed;
    p_->shut_down_ = true;
    if (p_->hook_registered_) {
      napi_remove_env_cleanup_hook(env, &Producer::CleanupHook, p_);
      p_->hook_registered_ = false;
    }
    // Jobs finished after this one cannot exist (closing refuses new ones); settle any, to be sure.
    for (auto& job : p_->service_.Stop()) job->Complete(env);
    p_->queue_event_on_ = false;  // DestroyHandle() unregistered it
    // Every report that will ever come has been served (purged messages included): settle them all.
    p_->SettleWaits(env, true);
    deferred.Resolve(env.Undefined());
  }

 private:
  Producer* p_;
  int64_t timeout_ms_;
};

// ---------------------------------------------------------------------------------------------------
Napi::Function Producer::Define(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "Producer",
                     {
                         InstanceMethod<&Producer::Produce>("produce"),
                         InstanceMethod<&Producer::ProduceSync>("produceSync"),
                         InstanceMethod<&Producer::Poll>("poll"),
                         InstanceMethod<&Producer::Stats>("stats"),
                         InstanceMethod<&Producer::Flush>("flush"),
                         InstanceMethod<&Producer::ProduceLoop>("produceLoop"),
                         InstanceMethod<&Producer::Close>("close"),
                     });
  // `state` is defined by hand: an accessor, unlike a method, gets no receiver check from V8 (wrap.h).
  ctor.Get("prototype").As<Napi::Object>().DefineProperty(Napi::PropertyDescriptor::Accessor<&Producer::StateGetter>("state"));
  return ctor;
}

Napi::Function DefineProducer(Napi::Env env) { return Producer::Define(env); }

Producer::Producer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Producer>(info), env_(info.Env()), service_("kbench.Producer") {
  Napi::Env env = info.Env();
  ConfPtr conf = ReadConfig(env, info[0], "config");
  Napi::Value opts = info[1];
  if (!opts.IsUndefined() && !opts.IsNull()) {
    if (!opts.IsObject()) ThrowTypeError(env, "options", "an object");
    Napi::Value dr = opts.As<Napi::Object>().Get("deliveryRecords");
    if (!dr.IsUndefined()) {
      if (!dr.IsBoolean()) ThrowTypeError(env, "options.deliveryRecords", "a boolean");
      records_enabled_ = dr.As<Napi::Boolean>().Value();
    }
    Napi::Value lat = opts.As<Napi::Object>().Get("latency");
    if (!lat.IsUndefined()) {
      if (!lat.IsBoolean()) ThrowTypeError(env, "options.latency", "a boolean");
      latency_enabled_ = lat.As<Napi::Boolean>().Value();
    }
  }
  // Every message's report is needed (counts, produceSync), so reports limited to errors cannot work.
  char only_errors[16];
  size_t only_errors_len = sizeof only_errors;
  if (rd_kafka_conf_get(conf.get(), "delivery.report.only.error", only_errors, &only_errors_len) == RD_KAFKA_CONF_OK &&
      std::strcmp(only_errors, "true") == 0) {
    ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG,
                    "config key 'delivery.report.only.error': not supported, the producer counts every delivery report");
  }
  // Delivery reports as events (a batch of messages per event) rather than one dr_msg_cb call each.
  rd_kafka_conf_set_events(conf.get(), RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR);
  char errstr[512];
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr);
  if (rk_ == nullptr) ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, std::string("cannot create the producer: ") + errstr);
  (void)conf.release();  // rd_kafka_new() took ownership of conf
  mainq_ = rd_kafka_queue_get_main(rk_);
  // A terminating worker (or exiting process) destroys the handle even if the object is never collected.
  hook_registered_ = napi_add_env_cleanup_hook(env, &Producer::CleanupHook, this) == napi_ok;
  TagObject(env, info.This().As<Napi::Object>(), kProducerTag);
}

Producer::~Producer() { Shutdown(); }

Napi::Value Producer::StateGetter(const Napi::CallbackInfo& info) {
  return CheckedUnwrap<Producer>(info.This().As<Napi::Object>(), kProducerTag, "Producer")->GetState(info);
}

void Producer::CleanupHook(void* arg) {
  auto* p = static_cast<Producer*>(arg);
  p->hook_registered_ = false;  // Node removes a hook once it ran
  p->Shutdown();
}

void Producer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  std::vector<std::unique_ptr<Job>> left = service_.Stop();
  if (rk_ != nullptr) {
    // Nothing may outlive the handle: purge; reports that arrive at once are counted, the rest are
    // dropped with the handle (their SyncRecords stay valid until the jobs are released below).
    rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    const int64_t deadline = MonotonicNs() + 200 * kNsPerMs;
    while (rd_kafka_outq_len(rk_) > 0 && MonotonicNs() < deadline) Serve(10);
    DestroyHandle();
    queue_event_on_ = false;
  }
  // Only env teardown can leave jobs or waits here (each keeps the object alive otherwise).
  for (auto& job : left) job->Abandon();
  for (auto& w : waits_) w->owner.SuppressDestruct();
  waits_.clear();
  if (hook_registered_) {
    napi_remove_env_cleanup_hook(env_, &Producer::CleanupHook, this);
    hook_registered_ = false;
  }
  state_ = State::kClosed;
}

void Producer::DestroyHandle() {
  {
    std::lock_guard<std::mutex> lk(topics_mu_);
    for (auto& entry : topics_) rd_kafka_topic_destroy(entry.second);
    topics_.clear();
  }
  if (mainq_ != nullptr) {
    // Under the queue's lock, which QueueEvent runs under too: once this returns, no call is running or will start.
    rd_kafka_queue_cb_event_enable(mainq_, nullptr, nullptr);
    rd_kafka_queue_destroy(mainq_);
    mainq_ = nullptr;
  }
  if (rk_ != nullptr) {
    rd_kafka_destroy(rk_);
    rk_ = nullptr;
  }
}

// ---------------------------------------------------------------------------------------------------
rd_kafka_topic_t* Producer::Topic(const std::string& name, Status* st) {
  std::lock_guard<std::mutex> lk(topics_mu_);
  auto it = topics_.find(name);
  if (it != topics_.end()) return it->second;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, name.c_str(), nullptr);
  if (rkt == nullptr) {
    const rd_kafka_resp_err_t err = rd_kafka_last_error();
    *st = Status::Error(err, "topic '" + name + "': " + rd_kafka_err2str(err));
    return nullptr;
  }
  topics_.emplace(name, rkt);
  return rkt;
}

size_t Producer::Enqueue(rd_kafka_topic_t* rkt, const PackedBatch& b, size_t start, size_t end, const std::vector<Header>& headers,
                         SyncRecord* sync, rd_kafka_resp_err_t* err) {
  std::lock_guard<std::mutex> lk(enqueue_mu_);
  const uint8_t* values = b.values;
  const uint32_t* vo = b.value_offsets;
  size_t i = start;
  rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
  // Copied (RD_KAFKA_MSG_F_COPY): librdkafka keeps its own copy of every payload and key, so the
  // caller's buffers are free again as soon as this returns.
  if (headers.empty() && b.keys == nullptr && b.partitions == nullptr && sync == nullptr && !records_enabled_) {
    // The hot path: the same call, flags and arguments as the C reference (native/cbench/enqueue.c).
    const int32_t partition = b.partition;
    for (; i < end; i++) {
      const uint32_t off = vo[i];
      if (rd_kafka_produce(rkt, partition, RD_KAFKA_MSG_F_COPY, const_cast<uint8_t*>(values + off), vo[i + 1] - off, nullptr, 0,
                           nullptr) != 0) {
        e = rd_kafka_last_error();
        break;
      }
    }
  } else {
    const uint64_t first_id = enqueued_total_;
    for (; i < end; i++) {
      const uint32_t off = vo[i];
      const int32_t partition = b.partitions != nullptr ? b.partitions[i] : b.partition;
      const void* key = nullptr;
      size_t key_len = 0;
      if (b.key_offsets != nullptr) {
        key = b.keys + b.key_offsets[i];
        key_len = b.key_offsets[i + 1] - b.key_offsets[i];
      }
      // msg_opaque: a SyncRecord* (even), or (id << 1 | 1) for delivery records, or null.
      void* opaque = nullptr;
      if (sync != nullptr) {
        opaque = &sync[i - start];
      } else if (records_enabled_) {
        opaque = reinterpret_cast<void*>(static_cast<uintptr_t>(((first_id + (i - start)) << 1) | 1));
      }
      if (headers.empty()) {
        if (rd_kafka_produce(rkt, partition, RD_KAFKA_MSG_F_COPY, const_cast<uint8_t*>(values + off), vo[i + 1] - off, key, key_len,
                             opaque) != 0) {
          e = rd_kafka_last_error();
          break;
        }
      } else {
        rd_kafka_headers_t* hdrs = rd_kafka_headers_new(headers.size());
        for (const Header& h : headers) {
          rd_kafka_header_add(hdrs, h.name.data(), static_cast<ssize_t>(h.name.size()), h.value.data(), static_cast<ssize_t>(h.value.size()));
        }
        e = rd_kafka_producev(rk_, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_VALUE(const_cast<uint8_t*>(values + off), vo[i + 1] - off),
                              RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
          rd_kafka_headers_destroy(hdrs);  // librdkafka owns the headers only when the message was accepted
          break;
        }
      }
    }
  }
  const size_t n = i - start;
  enqueued_total_ += n;
  enqueued_interval_ += n;
  *err = e;
  return n;
}

int Producer::Serve(int timeout_ms) {
  int served = 0;
  rd_kafka_event_t* ev = rd_kafka_queue_poll(mainq_, timeout_ms);
  while (ev != nullptr) {
    switch (rd_kafka_event_type(ev)) {
      case RD_KAFKA_EVENT_DR:
        HandleDeliveries(ev);
        break;
      case RD_KAFKA_EVENT_ERROR: {
        std::lock_guard<std::mutex> lk(mu_);
        client_errors_[rd_kafka_event_error(ev)]++;
        break;
      }
      default:
        break;
    }
    rd_kafka_event_destroy(ev);
    if (++served >= 10000) break;  // bounded, so poll(0) returns even under a flood of reports
    ev = rd_kafka_queue_poll(mainq_, 0);
  }
  return served;
}

void Producer::HandleDeliveries(rd_kafka_event_t* ev) {
  const rd_kafka_message_t* msgs[kDrArray];
  bool batch_done = false;
  {
    std::lock_guard<std::mutex> lk(mu_);
    size_t n;
    while ((n = rd_kafka_event_message_array(ev, msgs, kDrArray)) > 0) {
      for (size_t i = 0; i < n; i++) {
        const rd_kafka_message_t* m = msgs[i];
        const auto tag = reinterpret_cast<uintptr_t>(m->_private);
        // A clock read per report (~20 ns here, as much as librdkafka's whole report): only when the
        // latency is kept (stats() with options.latency, a produceLoop, a record or a produceSync).
        const int64_t latency = latency_enabled_ || (loop_tally_ != nullptr && loop_latency_) || tag != 0 ? rd_kafka_message_latency(m) : -1;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          delivered_total_++;
          interval_.delivered++;
          if (latency >= 0) interval_.latency.Record(latency);
          if (loop_tally_ != nullptr) {
            loop_tally_->delivered++;
            if (latency >= 0) loop_tally_->latency.Record(latency);
          }
        } else {
          failed_total_++;
          interval_.failed++;
          interval_.errors[m->err]++;
          if (loop_tally_ != nullptr) {
            loop_tally_->failed++;
            loop_tally_->errors[m->err]++;
          }
        }
        if (tag == 0) continue;
        if (tag & 1) {
          records_.push_back(DeliveryRecord{tag >> 1, m->partition, m->err, m->offset, latency});
        } else {
          auto* r = reinterpret_cast<SyncRecord*>(tag);
          r->partition = m->partition;
          r->err = m->err;
          r->offset = m->offset;
          r->latency_us = latency;
          r->reported = true;
          if (--r->owner->remaining == 0) batch_done = true;
        }
      }
    }
  }
  // A produceSync() batch is complete: the JS thread settles it, woken unless it is the one serving
  // this for OnWake (which settles next). The thread is compared first: serving_wake_ is the JS thread's.
  if (batch_done && !(std::this_thread::get_id() == js_thread_ && serving_wake_)) service_.Wake();
}

void Producer::FailSync(SyncBatch* b, size_t from, rd_kafka_resp_err_t err) {
  bool done;
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (size_t i = from; i < b->records.size(); i++) {
      b->records[i].err = err;
      b->records[i].reported = true;
    }
    b->remaining -= b->records.size() - from;
    done = b->remaining == 0;
  }
  if (done) service_.Wake();
}

void Producer::QueueEvent(rd_kafka_t*, void* opaque) { static_cast<Producer*>(opaque)->service_.Wake(); }

void Producer::OnWake(Napi::Env env) {
  // The handle is the JS thread's to serve while open (a close hands it to the CloseJob, which
  // serves the last reports itself); only while someone waits (a stale wake-up serves nothing).
  if (!waits_.empty() && state_ == State::kOpen) {
    serving_wake_ = true;
    Serve(0);
    serving_wake_ = false;
    // QueueEvent fires when the queue stops being empty: what Serve() left (it is bounded) needs another turn.
    if (rd_kafka_queue_length(mainq_) > 0) service_.Wake();
  }
  SettleWaits(env, false);
}

void Producer::SettleWaits(Napi::Env env, bool all) {
  std::vector<std::unique_ptr<SyncWait>> ready;
  {
    std::lock_guard<std::mutex> lk(mu_);
    auto keep = waits_.begin();
    for (auto it = waits_.begin(); it != waits_.end(); ++it) {
      SyncWait* w = it->get();
      if (all && w->batch.remaining > 0) {
        for (SyncRecord& r : w->batch.records) {
          if (!r.reported) r.err = RD_KAFKA_RESP_ERR__DESTROY;
        }
        w->batch.remaining = 0;
      }
      if (w->batch.remaining == 0) ready.push_back(std::move(*it));
      else *keep++ = std::move(*it);
    }
    waits_.erase(keep, waits_.end());
  }
  if (waits_.empty() && queue_event_on_ && state_ == State::kOpen) {
    rd_kafka_queue_cb_event_enable(mainq_, nullptr, nullptr);
    queue_event_on_ = false;
  }
  // Settling can run JS (a setter on Object.prototype, a `then` getter) that calls this producer again:
  // the settled waits are out of waits_ already.
  for (auto& w : ready) {
    service_.Drop(env);
    try {
      w->deferred.Resolve(SyncReport(env, w->batch));
    } catch (const Napi::Error& err) {
      try {
        w->deferred.Reject(err.Value());
      } catch (...) {
      }
    }
  }
}

Status Producer::Drain(int64_t deadline_ns, const std::atomic<bool>& stop, bool until_close) {
  for (;;) {
    const int left = rd_kafka_outq_len(rk_);
    if (left == 0) return Status::Ok();
    if (stop) return Status::Error(RD_KAFKA_RESP_ERR__DESTROY, "the producer is being destroyed");
    // until_close: a close() called meanwhile brings the deadline forward to its own (read every slice).
    const int64_t deadline = until_close ? std::min(deadline_ns, close_deadline_ns_.load()) : deadline_ns;
    if (MonotonicNs() >= deadline) {
      return Status::Error(RD_KAFKA_RESP_ERR__TIMED_OUT, "flush timed out with " + std::to_string(left) + " messages or events in flight");
    }
    Serve(SliceMs(deadline));
  }
}

// ---------------------------------------------------------------------------------------------------
// JS methods.

void Producer::CheckUsable(Napi::Env env, const char* call) {
  switch (state_) {
    case State::kOpen:
      return;
    case State::kLooping:
      ThrowBusy(env, "producer", (std::string("a produceLoop() is running; ") + call + "() must wait for it").c_str());
    case State::kClosing:
    case State::kClosed:
      ThrowClosed(env, "producer");
  }
}

Napi::Promise Producer::Submit(Napi::Env env, std::unique_ptr<Job> job) {
  job->owner = Napi::Persistent(Value());
  Napi::Promise promise = job->deferred.Promise();
  service_.Submit(env, std::move(job));
  return promise;
}

Napi::Value Producer::GetState(const Napi::CallbackInfo& info) {
  static const char* names[] = {"open", "busy", "closing", "closed"};
  return Napi::String::New(info.Env(), names[static_cast<int>(state_)]);
}

// produce(topic, partition, partitions, values, valueOffsets, keys, keyOffsets, headers, start, end) → enqueued count
Napi::Value Producer::Produce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env, "produce");
  const std::string topic = ReadString(env, info[0], "topic");
  // Headers first: reading them can run JS (getters, Proxies) that could close this producer or
  // detach the batch's buffers; nothing below runs JS until the messages are enqueued.
  const std::vector<Header> headers = ReadHeadersArg(env, info[7]);
  CheckUsable(env, "produce");
  SharedCopies copies;
  const PackedBatch b = ReadBatchArgs(info, 1, &copies);  // borrowed: the JS buffers, for this call only
  const size_t start = info[8].IsUndefined() ? 0 : ReadCount(env, info[8], "start");
  const size_t end = info[9].IsUndefined() ? b.count : ReadCount(env, info[9], "end");
  ValidateRange(env, b, start, end);
  Status st;
  rd_kafka_topic_t* rkt = Topic(topic, &st);
  if (rkt == nullptr) ThrowKafkaError(env, st.err, st.message);
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  const size_t n = Enqueue(rkt, b, start, end, headers, nullptr, &err);
  if (start + n < end && err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
    Napi::Object e = MakeKafkaError(env, err, "produce failed at message " + std::to_string(start + n) + " (" + std::to_string(n) +
                                                  " enqueued before it): " + rd_kafka_err2str(err));
    e.Set("index", Num(env, start + n));
    throw Napi::Error(env, e);
  }
  return Num(env, n);
}

// produceSync(same arguments as produce) → Promise<report>: resolves when every message has its report.
Napi::Value Producer::ProduceSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env, "produceSync");
  const std::string topic = ReadString(env, info[0], "topic");
  std::vector<Header> headers = ReadHeadersArg(env, info[7]);  // first: it can run JS (see Produce)
  CheckUsable(env, "produceSync");
  SharedCopies copies;
  const PackedBatch b = ReadBatchArgs(info, 1, &copies);  // borrowed for this call; the part that does not fit is copied below
  const size_t start = info[8].IsUndefined() ? 0 : ReadCount(env, info[8], "start");
  const size_t end = info[9].IsUndefined() ? b.count : ReadCount(env, info[9], "end");
  ValidateRange(env, b, start, end);
  Status st;
  rd_kafka_topic_t* rkt = Topic(topic, &st);
  if (rkt == nullptr) ThrowKafkaError(env, st.err, st.message);

  service_.EnsureStarted(env);  // before any message points at the wait's records: nothing below can fail to wake it
  service_.SetWaker(this);
  auto owned = std::make_unique<SyncWait>(env, end - start);
  SyncWait* wait = owned.get();
  wait->owner = Napi::Persistent(Value());
  waits_.push_back(std::move(owned));
  service_.Hold(env);  // dropped when the wait is settled
  // Registered before the first message is enqueued: its report cannot come before librdkafka can say so.
  if (!queue_event_on_) {
    rd_kafka_queue_cb_event_enable(mainq_, &Producer::QueueEvent, this);
    queue_event_on_ = true;
  }
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  const size_t n = Enqueue(rkt, b, start, end, headers, wait->batch.records.data(), &err);
  if (start + n < end) {
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      std::unique_ptr<RestJob> job;
      try {
        job = std::make_unique<RestJob>(env, this, rkt, wait, n);
        job->rest = OwnedBatch::CopyOf(b, start + n, end);  // copied: enqueued later by the job, the caller may reuse its buffers
      } catch (...) {
        FailSync(&wait->batch, n, RD_KAFKA_RESP_ERR__FAIL);
        throw;
      }
      job->headers = std::move(headers);
      Submit(env, std::move(job));
    } else {
      FailSync(&wait->batch, n, err);
    }
  }
  // Reports already waiting in the queue (nobody polled them): no empty -> non-empty edge will announce
  // them. An empty batch is complete at once.
  if (rd_kafka_queue_length(mainq_) > 0 || start == end) service_.Wake();
  return wait->deferred.Promise();
}

// poll(timeoutMs) → { enqueued, delivered, failed, inFlight, records? } (totals since creation)
Napi::Value Producer::Poll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env, "poll");
  const int64_t timeout = ReadTimeoutMs(env, info[0], "timeoutMs", 0);
  Serve(static_cast<int>(std::min<int64_t>(timeout, INT32_MAX)));
  uint64_t enqueued;
  {
    std::lock_guard<std::mutex> lk(enqueue_mu_);
    enqueued = enqueued_total_;
  }
  // Copied out under the lock, turned into JS after it: setting a property can run JS (a setter on
  // Object.prototype), which could call back into this producer and take the lock again.
  std::vector<DeliveryRecord> records;
  uint64_t delivered;
  uint64_t failed;
  {
    std::lock_guard<std::mutex> lk(mu_);
    delivered = delivered_total_;
    failed = failed_total_;
    records.swap(records_);
  }
  // Read before any JS runs too: a setter could close the producer, and the handle is then destroyed.
  const uint64_t in_flight = static_cast<uint64_t>(rd_kafka_outq_len(rk_));
  Napi::Object o = Napi::Object::New(env);
  o.Set("delivered", Num(env, delivered));
  o.Set("failed", Num(env, failed));
  o.Set("enqueued", Num(env, enqueued));
  o.Set("inFlight", Num(env, in_flight));
  if (records_enabled_) {
    const size_t n = records.size();
    Napi::Float64Array ids = Napi::Float64Array::New(env, n);
    Napi::Int32Array partitions = Napi::Int32Array::New(env, n);
    Napi::Float64Array offsets = Napi::Float64Array::New(env, n);
    Napi::Int32Array errors = Napi::Int32Array::New(env, n);
    Napi::Float64Array latency = Napi::Float64Array::New(env, n);
    for (size_t i = 0; i < n; i++) {
      ids[i] = static_cast<double>(records[i].id);
      partitions[i] = records[i].partition;
      offsets[i] = static_cast<double>(records[i].offset);
      errors[i] = records[i].err;
      latency[i] = static_cast<double>(records[i].latency_us);
    }
    Napi::Object r = Napi::Object::New(env);
    r.Set("ids", ids);
    r.Set("partitions", partitions);
    r.Set("offsets", offsets);
    r.Set("errors", errors);
    r.Set("latencyUs", latency);
    o.Set("records", r);
  }
  return o;
}

// stats(reset) → { enqueued, delivered, failed, errors, latency, clientErrors, inFlight } since the last reset
Napi::Value Producer::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool reset = false;
  if (!info[0].IsUndefined()) {
    if (!info[0].IsBoolean()) ThrowTypeError(env, "reset", "a boolean");
    reset = info[0].As<Napi::Boolean>().Value();
  }
  uint64_t enqueued;
  {
    std::lock_guard<std::mutex> lk(enqueue_mu_);
    enqueued = enqueued_interval_;
    if (reset) enqueued_interval_ = 0;
  }
  // Copied under the lock, turned into JS after it (as in Poll: JS must not run under mu_).
  DeliveryTally interval;
  std::map<int, uint64_t> client_errors;
  {
    std::lock_guard<std::mutex> lk(mu_);
    interval = interval_;
    client_errors = client_errors_;
    if (reset) {
      interval_.Reset();
      client_errors_.clear();
    }
  }
  const bool has_handle = state_ == State::kOpen || state_ == State::kLooping;
  const uint64_t in_flight = has_handle ? static_cast<uint64_t>(rd_kafka_outq_len(rk_)) : 0;  // before any JS runs (see Poll)
  Napi::Object o = interval.ToJs(env);
  o.Set("clientErrors", ErrorCountsToJs(env, client_errors));
  o.Set("enqueued", Num(env, enqueued));
  o.Set("inFlight", Num(env, in_flight));
  return o;
}

Napi::Value Producer::Flush(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env, "flush");
  const int64_t timeout = ReadTimeoutMs(env, info[0], "timeoutMs", 30000);
  return Submit(env, std::make_unique<FlushJob>(env, this, timeout));
}

// produceLoop({ topic, partition?, count, size, firstSeq?, timestamps?, payload?: { source, stride }, pollEvery?, flushTimeoutMs?, checksum?, latency? }) → Promise<result>
Napi::Value Producer::ProduceLoop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env, "produceLoop");
  if (!info[0].IsObject()) ThrowTypeError(env, "options", "an object");
  Napi::Object o = info[0].As<Napi::Object>();
  auto job = std::make_unique<LoopJob>(env, this);
  const std::string topic = ReadString(env, o.Get("topic"), "options.topic");
  if (!o.Get("partition").IsUndefined()) job->partition = ReadInt32(env, o.Get("partition"), "options.partition");
  if (job->partition < RD_KAFKA_PARTITION_UA) ThrowRangeError(env, "options.partition", "must be >= -1");
  job->count = ReadCount(env, o.Get("count"), "options.count");
  job->size = ReadCount(env, o.Get("size"), "options.size");
  // librdkafka's largest message.max.bytes; the payload buffer is allocated at this size.
  if (job->size > 1000000000) ThrowRangeError(env, "options.size", "must be <= 1000000000 (librdkafka's largest message.max.bytes)");
  if (!o.Get("firstSeq").IsUndefined()) job->first_seq = ReadCount(env, o.Get("firstSeq"), "options.firstSeq");
  Napi::Value ts = o.Get("timestamps");
  if (!ts.IsUndefined()) {
    if (!ts.IsBoolean()) ThrowTypeError(env, "options.timestamps", "a boolean");
    job->timestamps = ts.As<Napi::Boolean>().Value();
  }
  if (job->timestamps && job->size < 16) ThrowRangeError(env, "options.size", "must be >= 16 when options.timestamps is set");
  Napi::Value payload = o.Get("payload");
  if (!payload.IsUndefined()) {
    if (!payload.IsObject()) ThrowTypeError(env, "options.payload", "an object { source, stride }");
    Napi::Object po = payload.As<Napi::Object>();
    // Both read before any byte is copied: a getter could change or detach the source.
    Napi::Value src = po.Get("source");
    Napi::Value st = po.Get("stride");
    if (!st.IsNumber()) ThrowTypeError(env, "options.payload.stride", "a non-negative integer");
    const double stride = st.As<Napi::Number>().DoubleValue();
    if (!(stride >= 0) || stride != std::floor(stride) || stride > 9007199254740991.0) ThrowTypeError(env, "options.payload.stride", "a non-negative integer");
    if (!src.IsTypedArray() || src.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array || src.As<Napi::Uint8Array>().ElementLength() == 0) {
      ThrowTypeError(env, "options.payload.source", "a non-empty Buffer or Uint8Array");
    }
    Napi::Uint8Array bytes = src.As<Napi::Uint8Array>();
    job->source.assign(bytes.Data(), bytes.Data() + bytes.ElementLength());  // copied here, on the JS thread (see LoopJob::source)
    job->stride = static_cast<uint64_t>(stride);
  }
  if (!o.Get("pollEvery").IsUndefined()) job->poll_every = ReadCount(env, o.Get("pollEvery"), "options.pollEvery");
  for (const char* key : {"checksum", "latency"}) {
    Napi::Value v = o.Get(key);
    if (v.IsUndefined()) continue;
    if (!v.IsBoolean()) ThrowTypeError(env, (std::string("options.") + key).c_str(), "a boolean");
    (key[0] == 'c' ? job->checksum : job->latency) = v.As<Napi::Boolean>().Value();
  }
  if (job->poll_every == 0) ThrowRangeError(env, "options.pollEvery", "must be >= 1");
  job->flush_timeout_ms = ReadTimeoutMs(env, o.Get("flushTimeoutMs"), "options.flushTimeoutMs", 30000);
  CheckUsable(env, "produceLoop");  // again: the option getters above may have closed the producer
  if (service_.busy() || service_.pending() > 0) ThrowBusy(env, "producer", "produceLoop() needs the producer to itself; wait for pending flush()/produceSync() calls");
  Status st;
  job->rkt = Topic(topic, &st);
  if (job->rkt == nullptr) ThrowKafkaError(env, st.err, st.message);
  state_ = State::kLooping;
  return Submit(env, std::move(job));
}

Napi::Value Producer::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (state_ == State::kLooping) ThrowBusy(env, "producer", "a produceLoop() is running; close() must wait for it");
  if (state_ != State::kOpen) ThrowClosed(env, "producer");
  const int64_t timeout = ReadTimeoutMs(env, info[0], "timeoutMs", 10000);
  state_ = State::kClosing;
  close_deadline_ns_ = MonotonicNs() + timeout * kNsPerMs;
  return Submit(env, std::make_unique<CloseJob>(env, this, timeout));
}

}  // namespace kbench
