/*
 * kbench-enqueue: the C reference for `npm run bench:enqueue` (src/overhead/): what enqueueing a
 * message costs in librdkafka itself, with no language binding in between.
 *
 *   kbench-enqueue --messages N --size S --topic T [-X key=value]...
 *
 * Payloads (kbench spec, src/verify/payload.ts) are prepared in one buffer before timing; the topic
 * handle is created before timing; only the N rd_kafka_produce() calls (RD_KAFKA_MSG_F_COPY, the
 * partitioner's choice) are timed. Every -X property goes to rd_kafka_conf_set, so the settings are
 * exactly those the other arms get. Delivery reports are enabled as events, as the addon does.
 * Prints one JSON line: {"driver":"c","messages":N,"size":S,"enqueued":N,"inQueue":Q,"elapsedNs":E,
 * "nsPerMsg":E/N,"librdkafka":"x.y.z"}; exits 1 with a message on stderr on any failure.
 */
#define _GNU_SOURCE
#include <librdkafka/rdkafka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what, const char *why) {
  fprintf(stderr, "kbench-enqueue: %s: %s\n", what, why);
  exit(1);
}

int main(int argc, char **argv) {
  long long messages = 0;
  long long size = -1;
  const char *topic = "kbench-enqueue";
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) die(a, "missing value");
    if (!strcmp(a, "--messages")) {
      messages = atoll(v);
    } else if (!strcmp(a, "--size")) {
      size = atoll(v);
    } else if (!strcmp(a, "--topic")) {
      topic = v;
    } else if (!strcmp(a, "-X")) {
      char *kv = strdup(v);
      char *eq = strchr(kv, '=');
      if (!eq) die(v, "expected key=value");
      *eq = '\0';
      if (rd_kafka_conf_set(conf, kv, eq + 1, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) die(kv, errstr);
      free(kv);
    } else {
      die(a, "unknown option (use --messages, --size, --topic, -X key=value)");
    }
    i++;
  }
  if (messages <= 0 || size < 0) die("usage", "kbench-enqueue --messages N --size S [--topic T] [-X key=value]...");

  /* Payloads: kbench spec, prepared before timing. */
  uint8_t *payloads = malloc((size_t)(messages * size) + 1);
  if (!payloads) die("payloads", "out of memory");
  for (long long m = 0; m < messages; m++) {
    uint8_t *p = payloads + m * size;
    for (long long b = 0; b < size; b++) p[b] = (uint8_t)(((uint32_t)b * 2654435761u) >> 24);
    for (long long b = 0; b < size && b < 8; b++) p[b] = (uint8_t)((uint64_t)m >> (8 * b));
  }

  rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_DR);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) die("rd_kafka_new", errstr);
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  if (!rkt) die("rd_kafka_topic_new", rd_kafka_err2str(rd_kafka_last_error()));

  const int64_t t0 = now_ns();
  long long i = 0;
  for (; i < messages; i++) {
    if (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, payloads + i * size, (size_t)size, NULL, 0, NULL) != 0) break;
  }
  const int64_t t1 = now_ns();
  if (i < messages) {
    fprintf(stderr, "kbench-enqueue: message %lld: %s\n", i, rd_kafka_err2name(rd_kafka_last_error()));
    return 1;
  }
  const int in_queue = rd_kafka_outq_len(rk);
  printf("{\"driver\":\"c\",\"messages\":%lld,\"size\":%lld,\"enqueued\":%lld,\"inQueue\":%d,\"elapsedNs\":%lld,\"nsPerMsg\":%.3f,\"librdkafka\":\"%s\"}\n",
         messages, size, i, in_queue, (long long)(t1 - t0), (double)(t1 - t0) / (double)messages, rd_kafka_version_str());
  fflush(stdout);

  /* Not timed: nothing is left behind. */
  rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  free(payloads);
  return 0;
}
