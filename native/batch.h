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
 * A consumed batch in one malloc'd block (layout in batch.cc): metadata arrays first, then values and
 * keys. Built on any thread from librdkafka messages (the one payload copy of the batch); handed to JS
 * as ONE external ArrayBuffer whose finalizer frees the block, with typed-array views into it.
 */
class ConsumedBlock {
 public:
  ConsumedBlock() = default;
  ConsumedBlock(const ConsumedBlock&) = delete;
  ConsumedBlock& operator=(const ConsumedBlock&) = delete;
  ConsumedBlock(ConsumedBlock&& o) noexcept { *this = std::move(o); }
  ConsumedBlock& operator=(ConsumedBlock&& o) noexcept;
  ~ConsumedBlock();

  /**
   * Copies messages msgs[0..n) (the caller destroys them afterwards). Returns false if out of memory.
   * With `into` (a caller's buffer, borrowed for this call, 8-byte aligned) the block is built there
   * when it fits, instead of in fresh memory: no allocation, and no page faults on new pages.
   */
  bool Build(rd_kafka_message_t* const* msgs, size_t n, uint8_t* into = nullptr, size_t into_len = 0);

  size_t count() const { return count_; }
  size_t value_bytes() const { return values_len_; }
  const std::vector<MessageError>& errors() const { return errors_; }

  /**
   * JS thread: the batch object; ownership of the block passes to the ArrayBuffer (finalizer: free).
   * A block built in `into` (Build) is viewed through `into`, which stays the caller's.
   */
  Napi::Object ToJs(Napi::Env env, Napi::ArrayBuffer into = Napi::ArrayBuffer());

 private:
  uint8_t* mem_ = nullptr;
  size_t mem_len_ = 0;
  bool borrowed_ = false;  // mem_ is the caller's `into` buffer: never freed here
  size_t count_ = 0;
  size_t values_len_ = 0;
  size_t keys_len_ = 0;
  std::vector<std::string> topics_;
  std::vector<MessageError> errors_;
};

}  // namespace kbench
