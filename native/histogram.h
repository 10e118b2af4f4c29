// A small log-linear latency histogram (µs). Exact below 128, then 128 linear sub-buckets per power of
// two (relative error < 0.8 %), up to 2^42 µs; larger values land in the last bucket. Fixed size: a
// record is an index computation and an increment, no allocation. Buckets are exported as
// (value, count) pairs so TypeScript can merge them into an HDR histogram (src/stats/latency.ts
// recordBuckets) or read the percentiles computed here.
#pragma once

#include <array>
#include <cstdint>

#include "common.h"

namespace kbench {

class Histogram {
 public:
  static constexpr int kSubBits = 7;
  static constexpr uint64_t kSub = uint64_t{1} << kSubBits;
  static constexpr int kMaxExp = 42;
  static constexpr size_t kBuckets = kSub + (kMaxExp - kSubBits) * kSub;

  void Record(int64_t value_us) {
    const uint64_t v = value_us < 0 ? 0 : static_cast<uint64_t>(value_us);
    counts_[Index(v)]++;
    count_++;
    sum_ += v;
    if (v < min_) min_ = v;
    if (v > max_) max_ = v;
  }

  void Merge(const Histogram& other);
  void Reset();

  uint64_t count() const { return count_; }
  /** Value at percentile p (0..100), as the representative value of its bucket clamped to [min, max]. */
  uint64_t Percentile(double p) const;

  /** {count, min, max, mean, p50, p90, p99, p999, values: Float64Array, counts: Float64Array} (non-empty buckets). */
  Napi::Object ToJs(Napi::Env env) const;

  static size_t Index(uint64_t v) {
    if (v < kSub) return static_cast<size_t>(v);
    const int e = 63 - __builtin_clzll(v);
    if (e >= kMaxExp) return kBuckets - 1;
    const uint64_t sub = (v >> (e - kSubBits)) - kSub;
    return static_cast<size_t>(kSub + static_cast<uint64_t>(e - kSubBits) * kSub + sub);
  }
  /** The middle of bucket i (the value reported for every sample in it). */
  static uint64_t Representative(size_t i);

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace kbench
