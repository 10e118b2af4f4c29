#include "histogram.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace kbench {

uint64_t Histogram::Representative(size_t i) {
  if (i < kSub) return i;
  const uint64_t k = i - kSub;
  const int shift = static_cast<int>(k / kSub);  // e - kSubBits
  const uint64_t lower = (kSub + k % kSub) << shift;
  const uint64_t width = uint64_t{1} << shift;
  return lower + (width - 1) / 2;
}

void Histogram::Merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < kBuckets; i++) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void Histogram::Reset() {
  counts_.fill(0);
  count_ = 0;
  sum_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
}

uint64_t Histogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  const double want = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(count_));
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(want));
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; i++) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(Representative(i), min_, max_);
  }
  return max_;
}

Napi::Object Histogram::ToJs(Napi::Env env) const {
  std::vector<size_t> used;
  for (size_t i = 0; i < kBuckets; i++) {
    if (counts_[i] != 0) used.push_back(i);
  }
  Napi::Float64Array values = Napi::Float64Array::New(env, used.size());
  Napi::Float64Array counts = Napi::Float64Array::New(env, used.size());
  for (size_t j = 0; j < used.size(); j++) {
    values[j] = static_cast<double>(Representative(used[j]));
    counts[j] = static_cast<double>(counts_[used[j]]);
  }
  Napi::Object o = Napi::Object::New(env);
  const auto num = [&](uint64_t v) { return Napi::Number::New(env, static_cast<double>(v)); };
  o.Set("count", num(count_));
  o.Set("min", num(count_ ? min_ : 0));
  o.Set("max", num(max_));
  o.Set("mean", Napi::Number::New(env, count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0));
  o.Set("p50", num(Percentile(50)));
  o.Set("p90", num(Percentile(90)));
  o.Set("p99", num(Percentile(99)));
  o.Set("p999", num(Percentile(99.9)));
  o.Set("values", values);
  o.Set("counts", counts);
  return o;
}

}  // namespace kbench
