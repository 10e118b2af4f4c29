#include "batch.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace kbench {

namespace {

template <typename T>
bool IsTypedArrayOf(Napi::Value v, napi_typedarray_type type) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == type;
}

bool IsAbsent(Napi::Value v) { return v.IsUndefined() || v.IsNull(); }

/** The array's elements, or a private copy of them when it is backed by a SharedArrayBuffer. */
template <typename T>
const T* Stable(Napi::TypedArrayOf<T> a, std::vector<T>* copy) {
  if (a.ArrayBuffer().IsArrayBuffer()) return a.Data();  // a plain ArrayBuffer: only this thread's JS can change it
  copy->assign(a.Data(), a.Data() + a.ElementLength());  // copied: other threads may write a SharedArrayBuffer at any time
  return copy->data();
}

}  // namespace

size_t ReadCount(Napi::Env env, Napi::Value v, const char* name) {
  if (!v.IsNumber()) ThrowTypeError(env, name, "a non-negative integer");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d != std::floor(d) || d > 9007199254740991.0) ThrowRangeError(env, name, "must be a non-negative integer");
  return static_cast<size_t>(d);
}

int32_t ReadInt32(Napi::Env env, Napi::Value v, const char* name) {
  if (!v.IsNumber()) ThrowTypeError(env, name, "an integer");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (d != std::floor(d) || d < -2147483648.0 || d > 2147483647.0) ThrowRangeError(env, name, "must be a 32-bit integer");
  return static_cast<int32_t>(d);
}

std::string ReadString(Napi::Env env, Napi::Value v, const char* name) {
  if (!v.IsString()) ThrowTypeError(env, name, "a string");
  return v.As<Napi::String>().Utf8Value();
}

PackedBatch ReadBatchArgs(const Napi::CallbackInfo& info, size_t first, SharedCopies* copies) {
  Napi::Env env = info.Env();
  PackedBatch b;
  b.partition = ReadInt32(env, info[first], "options.partition");
  if (b.partition < RD_KAFKA_PARTITION_UA) ThrowRangeError(env, "options.partition", "must be >= -1 (-1: let the partitioner choose)");

  Napi::Value values = info[first + 2];
  if (!IsTypedArrayOf<uint8_t>(values, napi_uint8_array)) ThrowTypeError(env, "batch.values", "a Buffer or Uint8Array");
  Napi::Value value_offsets = info[first + 3];
  if (!IsTypedArrayOf<uint32_t>(value_offsets, napi_uint32_array)) ThrowTypeError(env, "batch.valueOffsets", "a Uint32Array");
  auto v = values.As<Napi::Uint8Array>();
  auto vo = value_offsets.As<Napi::Uint32Array>();
  if (vo.ElementLength() == 0) ThrowRangeError(env, "batch.valueOffsets", "must hold count + 1 offsets (at least one)");
  b.values = v.Data();
  b.values_len = v.ByteLength();
  b.value_offsets = Stable(vo, &copies->value_offsets);
  b.count = vo.ElementLength() - 1;

  Napi::Value partitions = info[first + 1];
  if (!IsAbsent(partitions)) {
    if (!IsTypedArrayOf<int32_t>(partitions, napi_int32_array)) ThrowTypeError(env, "batch.partitions", "an Int32Array or undefined");
    auto p = partitions.As<Napi::Int32Array>();
    if (p.ElementLength() < b.count) ThrowRangeError(env, "batch.partitions", "must hold one partition per message");
    b.partitions = Stable(p, &copies->partitions);
  }

  Napi::Value keys = info[first + 4];
  Napi::Value key_offsets = info[first + 5];
  if (!IsAbsent(keys)) {
    if (!IsTypedArrayOf<uint8_t>(keys, napi_uint8_array)) ThrowTypeError(env, "batch.keys", "a Buffer, Uint8Array or undefined");
    if (!IsTypedArrayOf<uint32_t>(key_offsets, napi_uint32_array)) ThrowTypeError(env, "batch.keyOffsets", "a Uint32Array when batch.keys is given");
    auto k = keys.As<Napi::Uint8Array>();
    auto ko = key_offsets.As<Napi::Uint32Array>();
    if (ko.ElementLength() != b.count + 1) ThrowRangeError(env, "batch.keyOffsets", "must hold as many offsets as batch.valueOffsets");
    b.keys = k.Data();
    b.keys_len = k.ByteLength();
    b.key_offsets = Stable(ko, &copies->key_offsets);
    if (b.keys == nullptr) b.keys = reinterpret_cast<const uint8_t*>("");  // empty buffer: still "has keys"
  }
  if (b.values == nullptr) b.values = reinterpret_cast<const uint8_t*>("");
  return b;
}

void ValidateRange(Napi::Env env, const PackedBatch& b, size_t start, size_t end) {
  if (start > b.count) ThrowRangeError(env, "start", "must be <= the number of messages in the batch");
  if (end < start || end > b.count) ThrowRangeError(env, "end", "must be between start and the number of messages in the batch");
  const uint32_t* o = b.value_offsets;
  for (size_t i = start; i < end; i++) {
    if (o[i] > o[i + 1]) ThrowRangeError(env, "batch.valueOffsets", "must be non-decreasing (at index " + std::to_string(i) + ")");
  }
  if (end > start && o[end] > b.values_len) ThrowRangeError(env, "batch.valueOffsets", "point past the end of batch.values");
  if (b.key_offsets != nullptr) {
    const uint32_t* k = b.key_offsets;
    for (size_t i = start; i < end; i++) {
      if (k[i] > k[i + 1]) ThrowRangeError(env, "batch.keyOffsets", "must be non-decreasing (at index " + std::to_string(i) + ")");
    }
    if (end > start && k[end] > b.keys_len) ThrowRangeError(env, "batch.keyOffsets", "point past the end of batch.keys");
  }
  if (b.partitions != nullptr) {
    for (size_t i = start; i < end; i++) {
      if (b.partitions[i] < RD_KAFKA_PARTITION_UA) ThrowRangeError(env, "batch.partitions", "must be >= -1 (at index " + std::to_string(i) + ")");
    }
  }
}

std::vector<Header> ReadHeadersArg(Napi::Env env, Napi::Value v) {
  std::vector<Header> out;
  if (IsAbsent(v)) return out;
  if (!v.IsArray()) ThrowTypeError(env, "options.headers", "an array of [name, value] pairs");
  auto arr = v.As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Value pair = arr.Get(i);
    const std::string what = "options.headers[" + std::to_string(i) + "]";
    if (!pair.IsArray() || pair.As<Napi::Array>().Length() != 2) ThrowTypeError(env, what, "a [name, value] pair");
    auto p = pair.As<Napi::Array>();
    Header h;
    h.name = ReadString(env, p.Get(0u), (what + "[0]").c_str());
    Napi::Value hv = p.Get(1u);
    if (hv.IsString()) {
      const std::string s = hv.As<Napi::String>().Utf8Value();
      h.value.assign(s.begin(), s.end());
    } else if (IsTypedArrayOf<uint8_t>(hv, napi_uint8_array)) {
      auto u = hv.As<Napi::Uint8Array>();
      h.value.assign(u.Data(), u.Data() + u.ByteLength());  // copied: librdkafka copies again per message
    } else {
      ThrowTypeError(env, what + "[1]", "a string or Uint8Array");
    }
    out.push_back(std::move(h));
  }
  return out;
}

OwnedBatch OwnedBatch::CopyOf(const PackedBatch& b, size_t start, size_t end) {
  OwnedBatch o;
  o.partition = b.partition;
  const uint32_t base = b.value_offsets[start];
  o.values.assign(b.values + base, b.values + b.value_offsets[end]);
  o.value_offsets.reserve(end - start + 1);
  for (size_t i = start; i <= end; i++) o.value_offsets.push_back(b.value_offsets[i] - base);
  if (b.key_offsets != nullptr) {
    o.has_keys = true;
    const uint32_t kbase = b.key_offsets[start];
    o.keys.assign(b.keys + kbase, b.keys + b.key_offsets[end]);
    o.key_offsets.reserve(end - start + 1);
    for (size_t i = start; i <= end; i++) o.key_offsets.push_back(b.key_offsets[i] - kbase);
  }
  if (b.partitions != nullptr) o.partitions.assign(b.partitions + start, b.partitions + end);
  return o;
}

PackedBatch OwnedBatch::View() const {
  static const uint8_t kEmpty = 0;
  PackedBatch b;
  b.values = values.empty() ? &kEmpty : values.data();
  b.values_len = values.size();
  b.value_offsets = value_offsets.data();
  b.count = value_offsets.empty() ? 0 : value_offsets.size() - 1;
  if (has_keys) {
    b.keys = keys.empty() ? &kEmpty : keys.data();
    b.keys_len = keys.size();
    b.key_offsets = key_offsets.data();
  }
  b.partitions = partitions.empty() ? nullptr : partitions.data();
  b.partition = partition;
  return b;
}

// ---------------------------------------------------------------------------------------------------
// Consumed block layout for a stride of s messages (n <= s of them present), every array naturally aligned:
//   [0, 8s)            offsets      Float64Array
//   [8s, 16s)          timestamps   Float64Array (ms since epoch, -1 when unknown)
//   [16s, 20s)         partitions   Int32Array
//   [20s, 24s)         topicIndex   Uint32Array (into `topics`)
//   [24s, 28s+4)       valueOffsets Uint32Array (n + 1 used)
//   [28s+4, 32s+8)     keyOffsets   Uint32Array (n + 1 used)
//   [32s+8, +V)        values
//   [.., +K)           keys
// consumeSync(max, …, into) uses s = max, which is what consumeBufferSize() in src/native/consumer.ts
// sizes `into` for; a batch built in memory of its own uses s = the number of messages taken.

ConsumedBlock::~ConsumedBlock() {
  if (!borrowed_) std::free(mem_);
}

void ConsumedBlock::Start(size_t stride, uint64_t data_bytes, uint8_t* into, size_t into_len) {
  stride_ = stride;
  const size_t meta = MetadataBytes(stride);
  if (into != nullptr && meta <= into_len && reinterpret_cast<uintptr_t>(into) % 8 == 0) {
    mem_ = into;  // borrowed: the caller's buffer, written during this call only
    cap_ = into_len;
    borrowed_ = true;
    return;
  }
  const uint64_t want = meta + std::min<uint64_t>(data_bytes, SIZE_MAX - meta);
  if (!Reserve(static_cast<size_t>(want)) && !Reserve(meta)) {
    errors_.push_back({RD_KAFKA_RESP_ERR__FAIL, "out of memory for a consumed batch", "", -1, -1});
    stride_ = 0;  // no message can be added
  }
}

bool ConsumedBlock::Reserve(size_t need) {
  if (need <= cap_) return true;
  const size_t grown = std::max(need, cap_ < SIZE_MAX / 2 ? cap_ * 2 : need);
  if (borrowed_) {
    // The batch outgrew the caller's buffer: from here on it lives in memory of its own.
    auto* own = static_cast<uint8_t*>(std::malloc(grown));
    if (own == nullptr) return false;
    std::memcpy(own, mem_, MetadataBytes(stride_) + values_len_);
    mem_ = own;
    borrowed_ = false;
  } else {
    auto* more = static_cast<uint8_t*>(std::realloc(mem_, grown));
    if (more == nullptr) return false;
    mem_ = more;
  }
  cap_ = grown;
  return true;
}

void ConsumedBlock::Fail(const rd_kafka_message_t* m, rd_kafka_resp_err_t err, const char* why) {
  errors_.push_back({err, why, m->rkt ? rd_kafka_topic_name(m->rkt) : "", m->partition, m->offset});
}

uint32_t ConsumedBlock::TopicIndex(const rd_kafka_topic_t* rkt) {
  if (rkt != last_rkt_) {
    const char* name = rd_kafka_topic_name(rkt);
    size_t t = 0;
    while (t < topics_.size() && topics_[t] != name) t++;
    if (t == topics_.size()) topics_.emplace_back(name);
    last_rkt_ = rkt;
    last_topic_ = static_cast<uint32_t>(t);
  }
  return last_topic_;
}

inline void ConsumedBlock::Put(const rd_kafka_message_t* m, uint32_t topic) {
  const size_t s = stride_;
  const size_t j = count_;
  reinterpret_cast<double*>(mem_)[j] = static_cast<double>(m->offset);
  reinterpret_cast<double*>(mem_ + 8 * s)[j] = static_cast<double>(rd_kafka_message_timestamp(m, nullptr));
  reinterpret_cast<int32_t*>(mem_ + 16 * s)[j] = m->partition;
  reinterpret_cast<uint32_t*>(mem_ + 20 * s)[j] = topic;
  reinterpret_cast<uint32_t*>(mem_ + 24 * s)[j] = static_cast<uint32_t>(values_len_);
  reinterpret_cast<uint32_t*>(mem_ + 28 * s + 4)[j] = static_cast<uint32_t>(keys_len_);
  if (m->len) std::memcpy(mem_ + MetadataBytes(s) + values_len_, m->payload, m->len);  // the batch's one payload copy
  if (m->key_len) keys_.insert(keys_.end(), static_cast<const uint8_t*>(m->key), static_cast<const uint8_t*>(m->key) + m->key_len);
  values_len_ += m->len;
  keys_len_ += m->key_len;
  count_++;
}

void ConsumedBlock::Add(rd_kafka_message_t* const* msgs, size_t k) {
  // The common chunk: good messages of one topic that fit. Checked once over the chunk (still in
  // cache), then one tight loop: metadata, the payload copy, destroy.
  bool plain = k > 0 && count_ + k <= stride_;
  uint64_t vlen = 0;
  uint64_t klen = 0;
  for (size_t i = 0; i < k && plain; i++) {
    plain = msgs[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR && msgs[i]->rkt == msgs[0]->rkt;
    vlen += msgs[i]->len;
    klen += msgs[i]->key_len;
  }
  if (!plain || values_len_ + vlen > UINT32_MAX || keys_len_ + klen > UINT32_MAX || !Reserve(MetadataBytes(stride_) + values_len_ + vlen)) {
    for (size_t i = 0; i < k; i++) Add(msgs[i]);
    return;
  }
  const uint32_t topic = TopicIndex(msgs[0]->rkt);
  for (size_t i = 0; i < k; i++) {
    Put(msgs[i], topic);
    rd_kafka_message_destroy(msgs[i]);
  }
}

void ConsumedBlock::Add(rd_kafka_message_t* m) {
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Fail(m, m->err, rd_kafka_message_errstr(m));
  } else if (count_ >= stride_) {
    Fail(m, RD_KAFKA_RESP_ERR__FAIL, "consumed batch is full (more messages than it was started for)");
  } else if (values_len_ + m->len > UINT32_MAX || keys_len_ + m->key_len > UINT32_MAX) {
    Fail(m, RD_KAFKA_RESP_ERR__FAIL, "consumed batch would hold more than 4 GiB of values or keys; ask for fewer messages per batch");
  } else if (!Reserve(MetadataBytes(stride_) + values_len_ + m->len)) {
    Fail(m, RD_KAFKA_RESP_ERR__FAIL, "out of memory for a consumed batch");
  } else {
    Put(m, TopicIndex(m->rkt));
  }
  rd_kafka_message_destroy(m);
}

void ConsumedBlock::Finish() {
  if (mem_ == nullptr) return;
  const size_t values_at = MetadataBytes(stride_);
  if (!keys_.empty() && !Reserve(values_at + values_len_ + keys_.size())) {
    // Keys that cannot be placed: the batch goes out without them (lengths 0), and says so.
    errors_.push_back({RD_KAFKA_RESP_ERR__FAIL, "out of memory for the keys of a consumed batch: keys are empty", "", -1, -1});
    keys_.clear();
    std::memset(mem_ + 28 * stride_ + 4, 0, 4 * (count_ + 1));
    keys_len_ = 0;
  }
  if (!keys_.empty()) std::memcpy(mem_ + values_at + values_len_, keys_.data(), keys_.size());
  reinterpret_cast<uint32_t*>(mem_ + 24 * stride_)[count_] = static_cast<uint32_t>(values_len_);
  reinterpret_cast<uint32_t*>(mem_ + 28 * stride_ + 4)[count_] = static_cast<uint32_t>(keys_len_);
}

Napi::Object ConsumedBlock::ToJs(Napi::Env env, Napi::ArrayBuffer into) {
  const size_t n = count_;
  size_t s = stride_;
  Napi::ArrayBuffer ab;
  if (borrowed_) {
    ab = into;  // the caller's buffer, which the block was built in
    mem_ = nullptr;
    borrowed_ = false;
  } else if (mem_ != nullptr) {
    // External: the ArrayBuffer owns the block from here on; its finalizer frees it.
    ab = Napi::ArrayBuffer::New(env, mem_, MetadataBytes(s) + values_len_ + keys_len_, [](Napi::Env, void* data) { std::free(data); });
    mem_ = nullptr;
  } else {
    ab = Napi::ArrayBuffer::New(env, 8);  // never built: zeroed valueOffsets[0] and keyOffsets[0]
    s = 0;
    values_len_ = keys_len_ = 0;
  }
  // The views are made by ConsumedBatch (src/native/batch.ts) from the stride: a typed array costs
  // microseconds through Node-API, a fraction of that in JavaScript.
  Napi::Object o = Napi::Object::New(env);
  o.Set("count", Napi::Number::New(env, static_cast<double>(n)));
  o.Set("buffer", ab);
  o.Set("stride", Napi::Number::New(env, static_cast<double>(s)));
  o.Set("valuesLength", Napi::Number::New(env, static_cast<double>(values_len_)));
  o.Set("keysLength", Napi::Number::New(env, static_cast<double>(keys_len_)));
  Napi::Array topics = Napi::Array::New(env, topics_.size());
  for (size_t t = 0; t < topics_.size(); t++) topics.Set(static_cast<uint32_t>(t), topics_[t]);
  o.Set("topics", topics);
  Napi::Array errors = Napi::Array::New(env, errors_.size());
  for (size_t e = 0; e < errors_.size(); e++) {
    const MessageError& me = errors_[e];
    Napi::Object err = MakeKafkaError(env, me.err, me.message);
    if (!me.topic.empty()) err.Set("topic", me.topic);
    if (me.partition >= 0) err.Set("partition", Napi::Number::New(env, me.partition));
    if (me.offset >= 0) err.Set("offset", Napi::Number::New(env, static_cast<double>(me.offset)));
    errors.Set(static_cast<uint32_t>(e), err);
  }
  o.Set("errors", errors);
  return o;
}

}  // namespace kbench
