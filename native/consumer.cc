#include "consumer.h"

#include <algorithm>
#include <cmath>
#include <unistd.h>

#include <map>

#include "addon.h"
#include "config.h"
#include "histogram.h"
#include "payload.h"
#include "wrap.h"

namespace kbench {

namespace {

constexpr int kSliceMs = 100;
constexpr int64_t kNsPerMs = 1000000;
constexpr int64_t kMaxTimeoutMs = 1000LL * 1000 * 1000;
constexpr size_t kMaxBatch = 1000000;
// Messages per rd_kafka_consume_batch_queue() call: a chunk's messages, their payloads and what they
// are copied into stay in a core's L2 cache from the dequeue to the copy and destroy.
constexpr size_t kChunk = 512;
// Messages per Drain() in consumeLoop(): the stop flag and the deadline are checked between them.
constexpr size_t kLoopBatch = 8192;

int SliceMs(int64_t deadline_ns) {
  const int64_t left = (deadline_ns - MonotonicNs() + kNsPerMs - 1) / kNsPerMs;
  return static_cast<int>(std::clamp<int64_t>(left, 0, kSliceMs));
}

int64_t ReadTimeoutMs(Napi::Env env, Napi::Value v, const char* name, int64_t dflt) {
  if (v.IsUndefined()) return dflt;
  return std::min(static_cast<int64_t>(ReadCount(env, v, name)), kMaxTimeoutMs);
}

Napi::Number Num(Napi::Env env, uint64_t v) { return Napi::Number::New(env, static_cast<double>(v)); }

struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
using ListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter>;

}  // namespace

// ---------------------------------------------------------------------------------------------------
class Consumer::ConsumeJob : public Job {
 public:
  ConsumeJob(Napi::Env env, Consumer* c, size_t max, int64_t timeout_ms) : Job(env), c_(c), max_(max), timeout_ms_(timeout_ms) {}
  void Run(const std::atomic<bool>& stop) override { status_ = c_->TakeBlock(block_, max_, timeout_ms_, &stop, nullptr, 0); }
  void Complete(Napi::Env env) override {
    if (status_.ok()) {
      deferred.Resolve(block_.ToJs(env));
    } else {
      deferred.Reject(MakeKafkaError(env, status_));
    }
  }

 private:
  Consumer* c_;
  size_t max_;
  int64_t timeout_ms_;
  Status status_;
  ConsumedBlock block_;
};

class Consumer::LoopJob : public Job {
 public:
  LoopJob(Napi::Env env, Consumer* c) : Job(env), c_(c) {}

  void Run(const std::atomic<bool>& stop) override {
    const int64_t t_start = MonotonicNs();
    const int64_t deadline = t_start + timeout_ms * kNsPerMs;
    int64_t t_first = 0;
    int64_t t_last = 0;
    while (sum_.count() < count && !stop && MonotonicNs() < deadline) {
      bool got = false;
      int64_t now = 0;
      int64_t now_us = 0;
      auto tally = [&](rd_kafka_message_t** msgs, size_t k) {
        now = MonotonicNs();
        now_us = timestamps ? RealtimeUs() : 0;  // one clock read per chunk
        for (size_t i = 0; i < k; i++) {
          const rd_kafka_message_t* m = msgs[i];
          if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            sum_.Add(m->payload, m->len);
            if (timestamps && m->len >= kLatencyHeaderBytes) {
              latency_.Record(now_us - ReadTimestampUs(static_cast<const uint8_t*>(m->payload)));
            }
            got = true;
          } else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            eof_++;
          } else {
            errors_[m->err]++;
          }
          rd_kafka_message_destroy(msgs[i]);
        }
        if (got && t_first == 0) t_first = now;
      };
      const size_t want = static_cast<size_t>(std::min<uint64_t>(count - sum_.count(), kLoopBatch));
      status_ = c_->Drain(want, std::max<int64_t>(0, (deadline - MonotonicNs()) / kNsPerMs), &stop, tally);
      if (!status_.ok()) break;
      if (got) t_last = now;
    }
    const int64_t t_end = MonotonicNs();
    timed_out_ = sum_.count() < count && !stop && status_.ok();
    elapsed_ns_ = t_first ? t_last - t_first : 0;
    total_ns_ = t_end - t_start;
  }

  void Failed(Napi::Env env, const std::string& why) override {
    if (c_->state_ == State::kLooping) c_->state_ = State::kOpen;
    Job::Failed(env, why);
  }

  void Complete(Napi::Env env) override {
    if (c_->state_ == State::kLooping) c_->state_ = State::kOpen;
    if (!status_.ok()) {
      deferred.Reject(MakeKafkaError(env, status_));
      return;
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("count", Num(env, sum_.count()));
    o.Set("bytes", Num(env, sum_.bytes()));
    o.Set("checksum", sum_.Hex());
    o.Set("elapsedNs", Num(env, static_cast<uint64_t>(elapsed_ns_)));
    o.Set("totalNs", Num(env, static_cast<uint64_t>(total_ns_)));
    o.Set("errors", ErrorCountsToJs(env, errors_));
    o.Set("eof", Num(env, eof_));
    o.Set("timedOut", Napi::Boolean::New(env, timed_out_));
    if (timestamps) o.Set("latency", latency_.ToJs(env));
    deferred.Resolve(o);
  }

  uint64_t count = 0;
  int64_t timeout_ms = 60000;
  bool timestamps = false;

 private:
  Consumer* c_;
  Status status_;
  Checksum sum_;
  Histogram latency_;
  std::map<int, uint64_t> errors_;
  uint64_t eof_ = 0;
  bool timed_out_ = false;
  int64_t elapsed_ns_ = 0;
  int64_t total_ns_ = 0;
};

class Consumer::MetadataJob : public Job {
 public:
  MetadataJob(Napi::Env env, Consumer* c, std::string topic, int64_t timeout_ms) : Job(env), c_(c), topic_(std::move(topic)), timeout_ms_(timeout_ms) {}

  // rd_kafka_metadata() cannot be interrupted: like commit and close, this job ignores `stop` and
  // returns within its timeout (a terminating environment waits for it that long at most).
  void Run(const std::atomic<bool>&) override {
    const std::string what = "metadata of topic '" + topic_ + "'";
    if (c_->rk_ == nullptr) {  // not reachable (jobs queued before close() run before it), but cheap
      status_ = Status::Error(RD_KAFKA_RESP_ERR__STATE, what + ": the consumer is closed");
      return;
    }
    // A topic object of the consumer's own: the response updates its partitions' leaders and the
    // metadata cache the later assign() finds them in.
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(c_->rk_, topic_.c_str(), nullptr);
    if (rkt == nullptr) {
      const rd_kafka_resp_err_t err = rd_kafka_last_error();
      status_ = Status::Error(err != RD_KAFKA_RESP_ERR_NO_ERROR ? err : RD_KAFKA_RESP_ERR__INVALID_ARG, what + ": no topic object: " + rd_kafka_err2str(err));
      return;
    }
    const struct rd_kafka_metadata* md = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(c_->rk_, 0, rkt, &md, static_cast<int>(timeout_ms_));
    rd_kafka_topic_destroy(rkt);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const std::string why = err == RD_KAFKA_RESP_ERR__TRANSPORT   ? "no broker became available within " + std::to_string(timeout_ms_) + " ms"
                              : err == RD_KAFKA_RESP_ERR__TIMED_OUT ? "no answer within " + std::to_string(timeout_ms_) + " ms"
                                                                    : rd_kafka_err2str(err);
      status_ = Status::Error(err, what + ": " + why);
      return;
    }
    const rd_kafka_metadata_topic_t* t = nullptr;
    for (int i = 0; i < md->topic_cnt; i++) {
      if (md->topics[i].topic != nullptr && topic_ == md->topics[i].topic) t = &md->topics[i];
    }
    if (t == nullptr) {
      status_ = Status::Error(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, what + ": not in the broker's answer");
    } else if (t->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status_ = Status::Error(t->err, what + ": " + rd_kafka_err2str(t->err));
    } else {
      for (int i = 0; i < t->partition_cnt; i++) partitions_.push_back(t->partitions[i].id);
      std::sort(partitions_.begin(), partitions_.end());
      found_ = true;
    }
    rd_kafka_metadata_destroy(md);
  }

  void Complete(Napi::Env env) override {
    // Never run (close() or the environment's teardown came first): no answer is not an empty answer.
    if (!found_ && status_.ok()) status_ = Status::Error(RD_KAFKA_RESP_ERR__DESTROY, "metadata of topic '" + topic_ + "': the consumer was closed first");
    if (!status_.ok()) {
      deferred.Reject(MakeKafkaError(env, status_));
      return;
    }
    Napi::Array parts = Napi::Array::New(env, partitions_.size());
    for (size_t i = 0; i < partitions_.size(); i++) parts.Set(static_cast<uint32_t>(i), Napi::Number::New(env, partitions_[i]));
    Napi::Object o = Napi::Object::New(env);
    o.Set("topic", topic_);
    o.Set("partitions", parts);
    deferred.Resolve(o);
  }

 private:
  Consumer* c_;
  std::string topic_;
  int64_t timeout_ms_;
  Status status_;
  bool found_ = false;
  std::vector<int32_t> partitions_;
};

class Consumer::CommitJob : public Job {
 public:
  CommitJob(Napi::Env env, Consumer* c) : Job(env), c_(c) {}
  void Run(const std::atomic<bool>&) override {
    const rd_kafka_resp_err_t err = rd_kafka_commit(c_->rk_, nullptr, 0);
    // Nothing consumed since the last commit is not a failure.
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) status_ = Status::Error(err, std::string("commit failed: ") + rd_kafka_err2str(err));
  }
  void Complete(Napi::Env env) override {
    if (status_.ok()) {
      deferred.Resolve(env.Undefined());
    } else {
      deferred.Reject(MakeKafkaError(env, status_));
    }
  }

 private:
  Consumer* c_;
  Status status_;
};

class Consumer::CloseJob : public Job {
 public:
  CloseJob(Napi::Env env, Consumer* c) : Job(env), c_(c) {}
  void Run(const std::atomic<bool>&) override {
    // Leaves the group and commits (when auto commit is on); may take a while, hence the thread.
    const rd_kafka_resp_err_t err = rd_kafka_consumer_close(c_->rk_);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) status_ = Status::Error(err, std::string("close failed: ") + rd_kafka_err2str(err));
    rd_kafka_queue_destroy(c_->queue_);
    c_->queue_ = nullptr;
    rd_kafka_destroy(c_->rk_);
    c_->rk_ = nullptr;
  }
  void Complete(Napi::Env env) override {
    c_->state_ = State::kClosed;
    c_->shut_down_ = true;
    if (c_->hook_registered_) {
      napi_remove_env_cleanup_hook(env, &Consumer::CleanupHook, c_);
      c_->hook_registered_ = false;
    }
    for (auto& job : c_->service_.Stop()) job->Complete(env);
    if (status_.ok()) {
      deferred.Resolve(env.Undefined());
    } else {
      deferred.Reject(MakeKafkaError(env, status_));
    }
  }

 private:
  Consumer* c_;
  Status status_;
};

// ---------------------------------------------------------------------------------------------------
Napi::Function Consumer::Define(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "Consumer",
                     {
                         InstanceMethod<&Consumer::Assign>("assign"),
                         InstanceMethod<&Consumer::Subscribe>("subscribe"),
                         InstanceMethod<&Consumer::Unsubscribe>("unsubscribe"),
                         InstanceMethod<&Consumer::ConsumeSync>("consumeSync"),
                         InstanceMethod<&Consumer::Consume>("consume"),
                         InstanceMethod<&Consumer::ConsumeLoop>("consumeLoop"),
                         InstanceMethod<&Consumer::FetchMetadata>("fetchMetadata"),
                         InstanceMethod<&Consumer::Commit>("commit"),
                         InstanceMethod<&Consumer::Close>("close"),
                     });
  // `state` is defined by hand: an accessor, unlike a method, gets no receiver check from V8 (wrap.h).
  ctor.Get("prototype").As<Napi::Object>().DefineProperty(Napi::PropertyDescriptor::Accessor<&Consumer::StateGetter>("state"));
  return ctor;
}

Napi::Function DefineConsumer(Napi::Env env) { return Consumer::Define(env); }

Consumer::Consumer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Consumer>(info), env_(info.Env()), service_("kbench.Consumer") {
  Napi::Env env = info.Env();
  ConfPtr conf = ReadConfig(env, info[0], "config");
  // librdkafka needs a group.id even for assign(); a consumer created without one gets its own.
  char group[256];
  size_t group_len = sizeof group;
  if (rd_kafka_conf_get(conf.get(), "group.id", group, &group_len) != RD_KAFKA_CONF_OK || group_len <= 1) {
    AddonData* data = env.GetInstanceData<AddonData>();
    const std::string id = "kbench-" + std::to_string(getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)) + "-" +
                           std::to_string(data ? data->next_consumer++ : 0);
    SetConf(env, conf.get(), "group.id", id.c_str());
  }
  char errstr[512];
  rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr, sizeof errstr);
  if (rk_ == nullptr) ThrowKafkaError(env, RD_KAFKA_RESP_ERR__INVALID_ARG, std::string("cannot create the consumer: ") + errstr);
  (void)conf.release();  // rd_kafka_new() took ownership of conf
  rd_kafka_poll_set_consumer(rk_);  // one queue for messages, errors and rebalances
  queue_ = rd_kafka_queue_get_consumer(rk_);
  hook_registered_ = napi_add_env_cleanup_hook(env, &Consumer::CleanupHook, this) == napi_ok;
  TagObject(env, info.This().As<Napi::Object>(), kConsumerTag);
}

Consumer::~Consumer() { Shutdown(); }

Napi::Value Consumer::StateGetter(const Napi::CallbackInfo& info) {
  return CheckedUnwrap<Consumer>(info.This().As<Napi::Object>(), kConsumerTag, "Consumer")->GetState(info);
}

void Consumer::CleanupHook(void* arg) {
  auto* c = static_cast<Consumer*>(arg);
  c->hook_registered_ = false;
  c->Shutdown();
}

void Consumer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  std::vector<std::unique_ptr<Job>> left = service_.Stop();
  if (queue_ != nullptr) {
    rd_kafka_queue_destroy(queue_);
    queue_ = nullptr;
  }
  if (rk_ != nullptr) {
    // Not closed by the application: do not wait for the group leave (it may need the network).
    rd_kafka_destroy_flags(rk_, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    rk_ = nullptr;
  }
  for (auto& job : left) job->Abandon();  // env teardown only (a pending job keeps the object alive)
  if (hook_registered_) {
    napi_remove_env_cleanup_hook(env_, &Consumer::CleanupHook, this);
    hook_registered_ = false;
  }
  state_ = State::kClosed;
}

template <typename Sink>
Status Consumer::Drain(size_t max, int64_t timeout_ms, const std::atomic<bool>* stop, Sink&& sink) {
  if (max == 0) return Status::Ok();
  rd_kafka_message_t* chunk[kChunk];
  const int64_t deadline = MonotonicNs() + timeout_ms * kNsPerMs;
  // The first message, waited for: librdkafka would wait out the whole timeout for a full batch.
  ssize_t n = 0;
  for (;;) {
    const int wait = stop != nullptr ? SliceMs(deadline) : static_cast<int>(std::min<int64_t>(timeout_ms, INT32_MAX));
    n = rd_kafka_consume_batch_queue(queue_, wait, chunk, 1);
    if (n < 0) {
      const rd_kafka_resp_err_t err = rd_kafka_last_error();
      return Status::Error(err, std::string("consume failed: ") + rd_kafka_err2str(err));
    }
    if (n > 0 || stop == nullptr || stop->load() || closing_.load() || MonotonicNs() >= deadline) break;
  }
  // Then what is already fetched, chunk by chunk; a failure now ends the batch (it recurs on the next call).
  size_t taken = 0;
  while (n > 0) {
    sink(chunk, static_cast<size_t>(n));
    taken += static_cast<size_t>(n);
    if (taken >= max) break;
    n = rd_kafka_consume_batch_queue(queue_, 0, chunk, std::min(kChunk, max - taken));
  }
  return Status::Ok();
}

Status Consumer::TakeBlock(ConsumedBlock& block, size_t max, int64_t timeout_ms, const std::atomic<bool>* stop, uint8_t* into, size_t into_len) {
  Status st;
  if (into != nullptr && ConsumedBlock::MetadataBytes(max) <= into_len) {
    // Laid out for `max` in the caller's buffer: each chunk is copied in as it is taken.
    block.Start(max, 0, into, into_len);
    st = Drain(max, timeout_ms, stop, [&](rd_kafka_message_t** msgs, size_t k) { block.Add(msgs, k); });
  } else {
    // Laid out for exactly the messages taken, so they are all taken first (their sizes summed while in cache).
    std::vector<rd_kafka_message_t*> msgs;
    uint64_t bytes = 0;
    st = Drain(max, timeout_ms, stop, [&](rd_kafka_message_t** chunk, size_t k) {
      for (size_t i = 0; i < k; i++) bytes += chunk[i]->len + chunk[i]->key_len;
      msgs.insert(msgs.end(), chunk, chunk + k);
    });
    block.Start(msgs.size(), bytes, into, into_len);
    block.Add(msgs.data(), msgs.size());
  }
  block.Finish();
  return st;
}

// ---------------------------------------------------------------------------------------------------
void Consumer::CheckUsable(Napi::Env env, const char* call, bool allow_loop) {
  switch (state_) {
    case State::kOpen:
      return;
    case State::kLooping:
      if (allow_loop) return;
      ThrowBusy(env, "consumer", (std::string("a consumeLoop() is running; ") + call + "() must wait for it").c_str());
    case State::kClosing:
    case State::kClosed:
      ThrowClosed(env, "consumer");
  }
}

Napi::Promise Consumer::Submit(Napi::Env env, std::unique_ptr<Job> job) {
  job->owner = Napi::Persistent(Value());
  Napi::Promise promise = job->deferred.Promise();
  service_.Submit(env, std::move(job));
  return promise;
}

Napi::Value Consumer::GetState(const Napi::CallbackInfo& info) {
  static const char* names[] = {"open", "busy", "closing", "closed"};
  return Napi::String::New(info.Env(), names[static_cast<int>(state_)]);
}

// assign([{ topic, partition, offset? }]) — offset: >= 0, or -2 beginning, -1 end, -1000 stored, -1001 default
Napi::Value Consumer::Assign(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env, "assign", true);
  if (!info[0].IsArray()) ThrowTypeError(env, "partitions", "an array of { topic, partition, offset? }");
  Napi::Array arr = info[0].As<Napi::Array>();
  ListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(arr.Length())));
  for (uint32_t i = 0; i < arr.Length(); i++) {
    const std::string what = "partitions[" + std::to_string(i) + "]";
    Napi::Value item = arr.Get(i);
    if (!item.IsObject()) ThrowTypeError(env, what, "an object { topic, partition, offset? }");
    Napi::Object o = item.As<Napi::Object>();
    const std::string topic = ReadString(env, o.Get("topic"), (what + ".topic").c_str());
    // librdkafka 2.12 refuses longer names for its topic objects, and its assign() then crashes on the
    // partition it could not create (rd_kafka_assignment_add locks a NULL toppar).
    if (topic.size() > 512) ThrowRangeError(env, what + ".topic", "must be at most 512 bytes long");
    const int32_t partition = ReadInt32(env, o.Get("partition"), (what + ".partition").c_str());
    if (partition < 0) ThrowRangeError(env, what + ".partition", "must be >= 0");
    rd_kafka_topic_partition_t* tp = rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition);
    Napi::Value off = o.Get("offset");
    if (off.IsUndefined()) {
      tp->offset = RD_KAFKA_OFFSET_INVALID;
    } else {
      if (!off.IsNumber()) ThrowTypeError(env, what + ".offset", "a number");
      const double d = off.As<Napi::Number>().DoubleValue();
      // Below 2^63 (a larger double does not fit int64_t: undefined behaviour), and no negative
      // offset librdkafka does not define.
      const bool logical = d == RD_KAFKA_OFFSET_BEGINNING || d == RD_KAFKA_OFFSET_END || d == RD_KAFKA_OFFSET_STORED || d == RD_KAFKA_OFFSET_INVALID;
      if (!logical && !(d >= 0 && d < 9223372036854775808.0 && d == std::floor(d))) {
        ThrowRangeError(env, what + ".offset", "must be an offset >= 0 or a logical offset (-2, -1, -1000, -1001)");
      }
      tp->offset = static_cast<int64_t>(d);
    }
  }
  CheckUsable(env, "assign", true);  // again: the getters above may have closed the consumer (its handle is going away)
  const rd_kafka_resp_err_t err = rd_kafka_assign(rk_, list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) ThrowKafkaError(env, err, std::string("assign failed: ") + rd_kafka_err2str(err));
  return env.Undefined();
}

Napi::Value Consumer::Subscribe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env, "subscribe", true);
  if (!info[0].IsArray()) ThrowTypeError(env, "topics", "an array of topic names");
  Napi::Array arr = info[0].As<Napi::Array>();
  ListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(arr.Length())));
  for (uint32_t i = 0; i < arr.Length(); i++) {
    const std::string topic = ReadString(env, arr.Get(i), ("topics[" + std::to_string(i) + "]").c_str());
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  CheckUsable(env, "subscribe", true);  // again: reading the array may have run JS that closed the consumer
  const rd_kafka_resp_err_t err = rd_kafka_subscribe(rk_, list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) ThrowKafkaError(env, err, std::string("subscribe failed: ") + rd_kafka_err2str(err));
  return env.Undefined();
}

Napi::Value Consumer::Unsubscribe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env, "unsubscribe", true);
  const rd_kafka_resp_err_t err = rd_kafka_unsubscribe(rk_);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) ThrowKafkaError(env, err, std::string("unsubscribe failed: ") + rd_kafka_err2str(err));
  return env.Undefined();
}

// consumeSync(max, timeoutMs, into?) → batch, on the JS thread; built in `into` (an ArrayBuffer) when it fits
Napi::Value Consumer::ConsumeSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env, "consumeSync", false);
  const size_t max = ReadCount(env, info[0], "max");
  if (max > kMaxBatch) ThrowRangeError(env, "max", "must be <= 1000000");
  const int64_t timeout = ReadTimeoutMs(env, info[1], "timeoutMs", 0);
  Napi::ArrayBuffer into;
  if (!info[2].IsUndefined() && !info[2].IsNull()) {
    if (!info[2].IsArrayBuffer()) ThrowTypeError(env, "into", "an ArrayBuffer or undefined");
    into = info[2].As<Napi::ArrayBuffer>();
  }
  if (service_.busy() || service_.pending() > 0) ThrowBusy(env, "consumer", "a consume() is pending; consumeSync() would race it");
  ConsumedBlock block;
  // Borrowed: `into`'s memory, written only now (no JS has run since the arguments were read, so it is attached).
  const Status st = TakeBlock(block, max, timeout, nullptr, into.IsEmpty() ? nullptr : static_cast<uint8_t*>(into.Data()), into.IsEmpty() ? 0 : into.ByteLength());
  if (!st.ok()) ThrowKafkaError(env, st.err, st.message);
  return block.ToJs(env, into);
}

// consume(max, timeoutMs) → Promise<batch>, on the service thread
Napi::Value Consumer::Consume(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env, "consume", false);
  const size_t max = ReadCount(env, info[0], "max");
  if (max > kMaxBatch) ThrowRangeError(env, "max", "must be <= 1000000");
  const int64_t timeout = ReadTimeoutMs(env, info[1], "timeoutMs", 1000);
  return Submit(env, std::make_unique<ConsumeJob>(env, this, max, timeout));
}

// consumeLoop({ count, timeoutMs?, timestamps? }) → Promise<{ count, bytes, checksum, elapsedNs, totalNs, ... }>
Napi::Value Consumer::ConsumeLoop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env, "consumeLoop", false);
  if (!info[0].IsObject()) ThrowTypeError(env, "options", "an object");
  Napi::Object o = info[0].As<Napi::Object>();
  auto job = std::make_unique<LoopJob>(env, this);
  job->count = ReadCount(env, o.Get("count"), "options.count");
  job->timeout_ms = ReadTimeoutMs(env, o.Get("timeoutMs"), "options.timeoutMs", 60000);
  Napi::Value ts = o.Get("timestamps");
  if (!ts.IsUndefined()) {
    if (!ts.IsBoolean()) ThrowTypeError(env, "options.timestamps", "a boolean");
    job->timestamps = ts.As<Napi::Boolean>().Value();
  }
  CheckUsable(env, "consumeLoop", false);  // again: the option getters above may have closed the consumer
  if (service_.busy() || service_.pending() > 0) ThrowBusy(env, "consumer", "consumeLoop() needs the consumer to itself; wait for pending calls");
  state_ = State::kLooping;
  return Submit(env, std::move(job));
}

// fetchMetadata(topic, timeoutMs?) → Promise<{ topic, partitions }>, on the service thread
Napi::Value Consumer::FetchMetadata(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env, "fetchMetadata", false);
  std::string topic = ReadString(env, info[0], "topic");
  // librdkafka refuses longer names for its topic objects (see Assign()).
  if (topic.empty() || topic.size() > 512) ThrowRangeError(env, "topic", "must be 1 to 512 bytes long");
  if (topic.find('\0') != std::string::npos) ThrowRangeError(env, "topic", "must not contain NUL characters");
  const int64_t timeout = ReadTimeoutMs(env, info[1], "timeoutMs", 10000);
  CheckUsable(env, "fetchMetadata", false);  // again: reading the arguments may have run JS that closed the consumer
  return Submit(env, std::make_unique<MetadataJob>(env, this, std::move(topic), timeout));
}

Napi::Value Consumer::Commit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env, "commit", false);
  return Submit(env, std::make_unique<CommitJob>(env, this));
}

Napi::Value Consumer::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (state_ == State::kLooping) ThrowBusy(env, "consumer", "a consumeLoop() is running; close() must wait for it");
  if (state_ != State::kOpen) ThrowClosed(env, "consumer");
  state_ = State::kClosing;
  closing_ = true;
  return Submit(env, std::make_unique<CloseJob>(env, this));
}

}  // namespace kbench
