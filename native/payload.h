// The kbench payload and checksum (the spec is src/verify/payload.ts; this is its C++ twin).
//   payload of S bytes: seq uint64 LE in [0, min(S, 8)); send time µs int64 LE in [8, 16) for latency
//   runs (S >= 16); every other byte i = ((i * 2654435761) mod 2^32) >> 24, or, from a payload source
//   of L bytes and a stride, source[(seq * stride + i) mod L] (the arm contract's payload rule).
//   checksum = Σ (len · 2^32 + crc32_ieee(payload)) mod 2^64, printed as 16 lowercase hex digits.
#pragma once

#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "common.h"

namespace kbench {

constexpr size_t kSeqBytes = 8;
constexpr size_t kTimestampOffset = 8;
constexpr size_t kLatencyHeaderBytes = 16;

inline uint8_t FillerByte(size_t i) {
  return static_cast<uint8_t>((static_cast<uint32_t>(i) * 2654435761u) >> 24);
}

inline void FillTemplate(uint8_t* buf, size_t size) {
  for (size_t i = 0; i < size; i++) buf[i] = FillerByte(i);
}

/** Writes seq little-endian into the first min(size, 8) bytes. */
inline void WriteSeq(uint8_t* p, size_t size, uint64_t seq) {
  const size_t n = size < kSeqBytes ? size : kSeqBytes;
  for (size_t i = 0; i < n; i++) p[i] = static_cast<uint8_t>(seq >> (8 * i));
}

inline void WriteTimestampUs(uint8_t* p, int64_t us) {
  const uint64_t v = static_cast<uint64_t>(us);
  for (size_t i = 0; i < 8; i++) p[kTimestampOffset + i] = static_cast<uint8_t>(v >> (8 * i));
}

inline int64_t ReadTimestampUs(const uint8_t* p) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; i++) v |= static_cast<uint64_t>(p[kTimestampOffset + i]) << (8 * i);
  return static_cast<int64_t>(v);
}

inline uint32_t Crc32(const void* data, size_t len) {
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto* p = static_cast<const Bytef*>(data);
  while (len > 0) {  // zlib takes uInt lengths
    const uInt chunk = len > 0x40000000u ? 0x40000000u : static_cast<uInt>(len);
    crc = crc32(crc, p, chunk);
    p += chunk;
    len -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

/** Order-independent checksum over payloads (wrapping uint64 arithmetic is the mod 2^64). */
class Checksum {
 public:
  void Add(const void* payload, size_t len) { AddCrc(Crc32(payload, len), len); }
  void AddCrc(uint32_t crc, size_t len) {
    sum_ += (static_cast<uint64_t>(len) << 32) + crc;
    count_++;
    bytes_ += len;
  }
  void Merge(const Checksum& o) {
    sum_ += o.sum_;
    count_ += o.count_;
    bytes_ += o.bytes_;
  }
  uint64_t count() const { return count_; }
  uint64_t bytes() const { return bytes_; }
  std::string Hex() const {
    char buf[17];
    static const char* digits = "0123456789abcdef";
    for (int i = 0; i < 16; i++) buf[i] = digits[(sum_ >> (60 - 4 * i)) & 0xf];
    buf[16] = '\0';
    return buf;
  }

 private:
  uint64_t sum_ = 0;
  uint64_t count_ = 0;
  uint64_t bytes_ = 0;
};

/**
 * Generates kbench payloads of one size and their CRCs. When the bytes after the header (seq, and the
 * timestamp when enabled) never change — the filler, or a source with stride 0 (mod L) — their CRC is
 * computed once and combined with the header's CRC per message (zlib's crc32_combine_op),
 * independent of the message size. A source whose stride moves it on per message gives every message
 * other bytes: each is copied out of the source and its CRC computed whole.
 */
class PayloadWriter {
 public:
  /** `source` (null: the filler) must outlive the writer. */
  PayloadWriter(size_t size, bool timestamps, const std::vector<uint8_t>* source = nullptr, uint64_t stride = 0)
      : buf_(size), size_(size), source_(source), stride_(stride) {
    header_ = size < kSeqBytes ? size : (timestamps ? kLatencyHeaderBytes : kSeqBytes);
    timestamps_ = timestamps;
    if (source_ == nullptr) {
      FillTemplate(buf_.data(), size);
    } else {
      varying_ = size > 0 && stride_ % source_->size() != 0;
      CopyFromSource(0);  // the constant body (or message 0's, overwritten per message when varying)
    }
    if (!varying_) {
      tail_crc_ = Crc32(buf_.data() + header_, size - header_);
#ifdef Z_LARGE64  // node-gyp builds with large-file macros that hide the plain name
      tail_op_ = crc32_combine_gen64(static_cast<z_off64_t>(size - header_));
#else
      tail_op_ = crc32_combine_gen(static_cast<z_off_t>(size - header_));
#endif
    }
  }
  /** Writes message `seq` into the buffer (no CRC: for loops that do not checksum what they send). */
  void Write(uint64_t seq) {
    if (varying_) CopyFromSource(SourceOffset(seq));
    WriteSeq(buf_.data(), size_, seq);
    if (timestamps_) WriteTimestampUs(buf_.data(), RealtimeUs());
  }
  /** Writes message `seq` into the buffer and returns its CRC. */
  uint32_t Next(uint64_t seq) {
    Write(seq);
    if (varying_) return Crc32(buf_.data(), size_);
    const uint32_t head = Crc32(buf_.data(), header_);
    return static_cast<uint32_t>(crc32_combine_op(head, tail_crc_, tail_op_));
  }
  uint8_t* data() { return buf_.data(); }
  size_t size() const { return size_; }

 private:
  /** (seq * stride) mod L, without overflow. */
  size_t SourceOffset(uint64_t seq) const {
    return static_cast<size_t>((static_cast<unsigned __int128>(seq) * stride_) % source_->size());
  }
  /** size_ bytes of the source from `from` on, wrapping around, into the buffer. */
  void CopyFromSource(size_t from) {
    const uint8_t* src = source_->data();
    const size_t len = source_->size();
    size_t done = 0;
    while (done < size_) {
      const size_t k = std::min(size_ - done, len - from);
      std::memcpy(buf_.data() + done, src + from, k);
      done += k;
      from = 0;
    }
  }

  std::vector<uint8_t> buf_;
  size_t size_;
  const std::vector<uint8_t>* source_;
  uint64_t stride_;
  bool varying_ = false;
  size_t header_ = 0;
  bool timestamps_ = false;
  uint32_t tail_crc_ = 0;
  uLong tail_op_ = 0;
};

}  // namespace kbench
