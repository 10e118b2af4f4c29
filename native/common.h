// Includes every native source needs, in one place, so that the librdkafka header always comes from
// the project's own prefix (-I<prefix>/include is first on the include path in binding.gyp and
// CMakeLists.txt) and the build fails loudly if an older system copy were picked up instead.
#pragma once

#include <napi.h>

// rdkafka.h trips -Wextra's -Wignored-qualifiers; it is not our code to fix.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-qualifiers"
#include <librdkafka/rdkafka.h>
#pragma GCC diagnostic pop

#if RD_KAFKA_VERSION < 0x020c0000
#error "kbench's addon needs librdkafka >= 2.12.0 headers (from .kbench/librdkafka-*/include); an older copy shadows them"
#endif

#include <chrono>
#include <cstdint>
#include <ctime>

namespace kbench {

/** Monotonic clock in nanoseconds (for elapsed times). */
inline int64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

/** Wall clock in microseconds since the Unix epoch (payload send timestamps, comparable across processes). */
inline int64_t RealtimeUs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000LL + ts.tv_nsec / 1000;
}

}  // namespace kbench
