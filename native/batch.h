// The packed-batch layout shared by the producer (input) and the consumer (output):
//   values        one byte buffer holding every payload back to back
//   valueOffsets  Uint32Array of n + 1 offsets: message i is values[valueOffsets[i], valueOffsets[i + 1])
//   keys, keyOffsets   the same for keys (absent: no keys; a consumed null key has length 0)
//   partitions    Int32Array, one per message (producer: optional, else one partition for all)
//   offsets, timestamps  Float64Array, one per message (consumer output; Kafka offsets < 2^53)
// One packed batch crosses the JS/C++ boundary per call; no per-message JS value exists.
#pragma once

#include <string>
#include <vector>

#include "common.h"
#include "errors.h"

namespace kbench {

/** A view of a packed batch. Whoever makes one says who owns the bytes. */
struct PackedBatch {
  const uint8_t* values = nullptr;
  size_t values_len = 0;
  const uint32_t* value_offsets = nullptr;
  size_t count = 0;
  const uint8_t* keys = nullptr;  // null: no keys
  size_t keys_len = 0;
  const uint32_t* key_offsets = nullptr;
  const int32_t* partitions = nullptr;  // null: `partition` for every message
  int32_t partition = RD_KAFKA_PARTITION_UA;
};

/** One header attached to every message of a batch; copied from JS once per call (names and values are tiny). */
struct Header {
  std::string name;
  std::vector<uint8_t> value;
};

/**
 * Messages [start, end) of a batch, copied: a job enqueues them later on its own thread, and the
 * caller may reuse its buffers as soon as the call returns.
 */
struct OwnedBatch {
  std::vector<uint8_t> values;
  std::vector<uint32_t> value_offsets;
  std::vector<uint8_t> keys;
  std::vector<uint32_t> key_offsets;
  std::vector<int32_t> partitions;
  int32_t partition = RD_KAFKA_PARTITION_UA;
  bool has_keys = false;

  static OwnedBatch CopyOf(const PackedBatch& b, size_t start, size_t end);
  PackedBatch View() const;
};

/**
 * Offsets and partitions that live in a SharedArrayBuffer, copied: another thread could rewrite them
 * between validation and use (out-of-bounds reads). Payload bytes are not copied (a race there only
 * changes what is sent).
 */
struct SharedCopies {
  std::vector<uint32_t> value_offsets;
  std::vector<uint32_t> key_offsets;
  std::vector<int32_t> partitions;
};

/**
 * Reads (partition, partitions, values, valueOffsets, keys, keyOffsets) from info[first..first+5].
 * Borrowed: the view points into the JS buffers (or into `copies`) and is valid only during the
 * current call, and only while no JS runs (JS could detach or shrink the buffers): read every argument
 * that can run JS (getters, Proxies) before this. librdkafka copies what it keeps (RD_KAFKA_MSG_F_COPY).
 */
PackedBatch ReadBatchArgs(const Napi::CallbackInfo& info, size_t first, SharedCopies* copies);
/** Checks 0 <= start <= end <= count and the offsets of [start, end); throws RangeError naming the argument. */
void ValidateRange(Napi::Env env, const PackedBatch& b, size_t start, size_t end);

/** Reads `headers`: null/undefined or an array of [name: string, value: string | Uint8Array]. */
std::vector<Header> ReadHeadersArg(Napi::Env env, Napi::Value v);

/** A size_t from a JS number argument (non-negative integer), or TypeError/RangeError naming it. */
size_t ReadCount(Napi::Env env, Napi::Value v, const char* name);
int32_t ReadInt32(Napi::Env env, Napi::Value v, const char* name);
std::string ReadString(Napi::Env env, Napi::Value v, const char* name);

/** A consumer-side error (a message whose err != 0), kept as plain data until it reaches the JS thread. */
struct MessageError {
  rd_kafka_resp_err_t err;
  std::string message;
  std::string topic;
  int32_t partition;
  int64_t offset;
};

/**
 * A consumed batch in one block (layout in batch.cc): metadata arrays first, laid out for `stride`
 * messages, then values and keys. Built on any thread, one message at a time, straight from
 * librdkafka's messages (the batch's one payload copy), so a caller can hand over each small chunk it
 * takes from librdkafka while that chunk is still in cache. Handed to JS as ONE ArrayBuffer with
 * typed-array views into it: the caller's `into` buffer, or an external ArrayBuffer whose finalizer
 * frees the block.
 */
class ConsumedBlock {
 public:
  ConsumedBlock() = default;
  ConsumedBlock(const ConsumedBlock&) = delete;
  ConsumedBlock& operator=(const ConsumedBlock&) = delete;
  ~ConsumedBlock();

  /**
   * Starts a block for at most `stride` messages with room for `data_bytes` of values and keys.
   * With `into` (a caller's buffer, borrowed for this call, 8-byte aligned) the block is built there
   * when its metadata fits: no allocation, no page faults on fresh memory. Values that outgrow `into`
   * move the block to memory of its own. When `into` cannot hold the metadata and no memory could be
   * had, the block records one error and takes no message.
   */
  void Start(size_t stride, uint64_t data_bytes, uint8_t* into = nullptr, size_t into_len = 0);
  /** The metadata of `stride` messages, in bytes: what Start() needs of `into` at least. */
  static size_t MetadataBytes(size_t stride) { return 32 * stride + 8; }

  /**
   * Takes `m` over: copies a good message in (or records a message's error) and destroys it. At most
   * `stride` messages in all. A message that cannot be copied (out of memory, or 4 GiB of values or
   * keys in one batch) becomes an error naming its topic, partition and offset: nothing is dropped silently.
   */
  void Add(rd_kafka_message_t* m);
  /** Add() for each of msgs[0, k), with one check for the whole chunk when it is the common case. */
  void Add(rd_kafka_message_t* const* msgs, size_t k);
  /** After the last Add(): places the keys after the values. */
  void Finish();

  /**
   * JS thread: the batch object; ownership of the block passes to the ArrayBuffer (finalizer: free).
   * A block built in `into` (Start) is viewed through `into`, which stays the caller's.
   */
  Napi::Object ToJs(Napi::Env env, Napi::ArrayBuffer into = Napi::ArrayBuffer());

 private:
  /** Room for `need` bytes in all; false when out of memory. */
  bool Reserve(size_t need);
  /** Records `m` as an error of the batch (its topic, partition and offset). */
  void Fail(const rd_kafka_message_t* m, rd_kafka_resp_err_t err, const char* why);
  /** Writes a good message that fits (checked by the caller) as message count_. */
  void Put(const rd_kafka_message_t* m, uint32_t topic);
  /** The index of the topic in `topics_`, added when new (the last topic is remembered). */
  uint32_t TopicIndex(const rd_kafka_topic_t* rkt);

  uint8_t* mem_ = nullptr;
  size_t cap_ = 0;
  bool borrowed_ = false;  // mem_ is the caller's `into` buffer: never freed here
  size_t stride_ = 0;
  size_t count_ = 0;
  uint64_t values_len_ = 0;
  uint64_t keys_len_ = 0;
  std::vector<uint8_t> keys_;  // copied: keys wait here until the values' total length is known (Finish)
  const rd_kafka_topic_t* last_rkt_ = nullptr;
  uint32_t last_topic_ = 0;
  std::vector<std::string> topics_;
  std::vector<MessageError> errors_;
};

}  // namespace kbench
