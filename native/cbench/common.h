/*
 * What kbench's C reference programs (native/cbench/*.c) share: option parsing into an
 * rd_kafka_conf_t, kbench payloads (src/verify/payload.ts), a monotonic clock and the
 * "wait until the process is idle" step of `kbench overhead` (src/overhead/quiesce.ts does the same
 * in Node, with the same window and threshold).
 *
 * Header-only on purpose: the install step compiles every native/cbench/*.c on its own into
 * .kbench/bin/kbench-<name>, so shared code cannot live in another .c file.
 */
#ifndef KBENCH_CBENCH_COMMON_H
#define KBENCH_CBENCH_COMMON_H

#define _GNU_SOURCE
#include <librdkafka/rdkafka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static inline int64_t kb_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void kb_die(const char *prog, const char *what, const char *why) {
  fprintf(stderr, "%s: %s: %s\n", prog, what, why);
  exit(1);
}

/** `key=value` into conf, or dies naming the key. */
static inline void kb_conf_set(const char *prog, rd_kafka_conf_t *conf, const char *kv) {
  char errstr[512];
  char *copy = strdup(kv);
  char *eq = strchr(copy, '=');
  if (!eq) kb_die(prog, kv, "expected key=value");
  *eq = '\0';
  if (rd_kafka_conf_set(conf, copy, eq + 1, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) kb_die(prog, copy, errstr);
  free(copy);
}

/** `count` kbench payloads of `size` bytes (seq = first..), back to back in one malloc'd buffer. */
static inline uint8_t *kb_payloads(const char *prog, long long count, long long size, long long first) {
  uint8_t *payloads = malloc((size_t)(count * size) + 1);
  if (!payloads) kb_die(prog, "payloads", "out of memory");
  for (long long m = 0; m < count; m++) {
    uint8_t *p = payloads + m * size;
    for (long long b = 0; b < size; b++) p[b] = (uint8_t)(((uint32_t)b * 2654435761u) >> 24);
    for (long long b = 0; b < size && b < 8; b++) p[b] = (uint8_t)((uint64_t)(first + m) >> (8 * b));
  }
  return payloads;
}

static inline int64_t kb_cpu_us(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (int64_t)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec + (int64_t)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
}

/* The quiet test of src/overhead/quiesce.ts: two windows in a row under the threshold. */
#define KB_QUIET_WINDOW_MS 200
#define KB_QUIET_CPU_US 3000
#define KB_QUIET_MAX_MS 120000

/**
 * Sleeps until the whole process (librdkafka's threads included) has used less than
 * KB_QUIET_CPU_US of CPU in each of two consecutive KB_QUIET_WINDOW_MS windows: librdkafka has
 * then finished the work it was handed (acks received, fetches done). Returns the ms waited, or
 * -1 when the process never went quiet within KB_QUIET_MAX_MS.
 */
static inline long kb_quiesce(void) {
  const int64_t t0 = kb_now_ns();
  int quiet = 0;
  while (quiet < 2) {
    if ((kb_now_ns() - t0) / 1000000 > KB_QUIET_MAX_MS) return -1;
    const int64_t c0 = kb_cpu_us();
    struct timespec ts = {0, KB_QUIET_WINDOW_MS * 1000000L};
    nanosleep(&ts, NULL);
    quiet = kb_cpu_us() - c0 < KB_QUIET_CPU_US ? quiet + 1 : 0;
  }
  return (long)((kb_now_ns() - t0) / 1000000);
}

#endif
