/*
 * kbench-overhead: the C reference of `kbench overhead` (src/overhead/): what librdkafka itself costs
 * per message on each path that a Node binding crosses, with no binding in between.
 *
 *   kbench-overhead produce  --messages N --size S --topic T [-X key=value]...
 *   kbench-overhead delivery --messages N --size S --topic T [-X key=value]...   (bootstrap: a mock cluster)
 *   kbench-overhead consume  --messages N --size S --topic T --partitions P [--copy] [-X key=value]...
 *
 * produce:  payloads prepared and the topic handle created before timing; timed: N rd_kafka_produce()
 *           calls (RD_KAFKA_MSG_F_COPY, the partitioner's choice).
 * delivery: N messages enqueued and the process left idle until every acknowledgement is in (the
 *           reports wait, unserved, on the main queue: delivery reports as events, as the addon takes
 *           them); timed: serving the N reports (rd_kafka_queue_poll + rd_kafka_event_message_array,
 *           counting errors).
 * consume:  partitions 0..P-1 assigned at the beginning, the process left idle until the fetcher has
 *           filled the local queue; timed: rd_kafka_consume_batch_queue() of 1000 at a time, each
 *           message's length read, every message destroyed, until N messages. With --copy (the
 *           `c-copy` reference) each message's payload is also copied into one reused batch buffer,
 *           as a binding that hands a batch to another runtime must do: the cost of that copy, in C.
 * Every -X property goes to rd_kafka_conf_set, so the settings are exactly those of the other arms.
 * Prints one JSON line {"driver":"c","path":..,"messages":N,"count":C,"bytes":B,"failed":F,
 * "elapsedNs":E,"cpuNs":U,"waitMs":W,"stalls":K,"librdkafka":"x.y.z"} (cpuNs: the process's CPU time,
 * every thread, over the timed part); exits 1 with a message on any failure.
 * `stalls` counts the times the timed loop found nothing ready and had to wait (0 in a clean run).
 */
#include "common.h"

static const char *PROG = "kbench-overhead";

#define CONSUME_BATCH 1000
#define STALL_LIMIT_NS (30LL * 1000000000LL)

/* Gives up when the timed loop has made no progress for 30 s (the broker went away). */
static void check_stall(int64_t *last_progress, long long done, long long *last_done, long long messages) {
  const int64_t now = kb_now_ns();
  if (done != *last_done) {
    *last_done = done;
    *last_progress = now;
  } else if (now - *last_progress > STALL_LIMIT_NS) {
    char why[128];
    snprintf(why, sizeof why, "no progress for 30 s after %lld of %lld messages", done, messages);
    kb_die(PROG, "timed loop", why);
  }
}

static void report(const char *path, long long messages, long long count, long long bytes, long long failed, int64_t elapsed, int64_t cpu_us,
                   long wait_ms, long long stalls) {
  printf("{\"driver\":\"c\",\"path\":\"%s\",\"messages\":%lld,\"count\":%lld,\"bytes\":%lld,\"failed\":%lld,\"elapsedNs\":%lld,\"cpuNs\":%lld,"
         "\"waitMs\":%ld,\"stalls\":%lld,\"librdkafka\":\"%s\"}\n",
         path, messages, count, bytes, failed, (long long)elapsed, (long long)cpu_us * 1000, wait_ms, stalls, rd_kafka_version_str());
  fflush(stdout);
}

/* Enqueues payloads [0, n); returns how many were enqueued. */
static long long enqueue(rd_kafka_topic_t *rkt, const uint8_t *payloads, long long n, long long size) {
  long long i = 0;
  for (; i < n; i++) {
    if (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, (void *)(payloads + i * size), (size_t)size, NULL, 0, NULL) != 0) break;
  }
  return i;
}

/* A producer with delivery reports as events, and its topic handle (both die on failure). */
static rd_kafka_t *new_producer(rd_kafka_conf_t *conf, const char *topic, rd_kafka_topic_t **rkt) {
  char errstr[512];
  rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_DR);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) kb_die(PROG, "rd_kafka_new", errstr);
  *rkt = rd_kafka_topic_new(rk, topic, NULL);
  if (!*rkt) kb_die(PROG, "rd_kafka_topic_new", rd_kafka_err2str(rd_kafka_last_error()));
  return rk;
}

static int run_produce(rd_kafka_conf_t *conf, const char *topic, long long messages, long long size) {
  uint8_t *payloads = kb_payloads(PROG, messages, size, 0);
  rd_kafka_topic_t *rkt;
  rd_kafka_t *rk = new_producer(conf, topic, &rkt);

  const int64_t c0 = kb_cpu_us();
  const int64_t t0 = kb_now_ns();
  const long long n = enqueue(rkt, payloads, messages, size);
  const int64_t t1 = kb_now_ns();
  const int64_t c1 = kb_cpu_us();
  if (n < messages) {
    fprintf(stderr, "%s: message %lld: %s\n", PROG, n, rd_kafka_err2name(rd_kafka_last_error()));
    return 1;
  }
  report("produce", messages, n, n * size, 0, t1 - t0, c1 - c0, 0, 0);
  /* Not timed: nothing is left behind. */
  rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  free(payloads);
  return 0;
}

static int run_delivery(rd_kafka_conf_t *conf, const char *topic, long long messages, long long size) {
  uint8_t *payloads = kb_payloads(PROG, messages, size, 0);
  rd_kafka_topic_t *rkt;
  rd_kafka_t *rk = new_producer(conf, topic, &rkt);
  rd_kafka_queue_t *mainq = rd_kafka_queue_get_main(rk);

  const long long n = enqueue(rkt, payloads, messages, size);
  if (n < messages) {
    fprintf(stderr, "%s: message %lld: %s\n", PROG, n, rd_kafka_err2name(rd_kafka_last_error()));
    return 1;
  }
  const long wait_ms = kb_quiesce();

  const rd_kafka_message_t *msgs[1024];
  long long delivered = 0, failed = 0, stalls = 0, last_done = 0;
  const int64_t c0 = kb_cpu_us();
  const int64_t t0 = kb_now_ns();
  int64_t last_progress = t0;
  while (delivered + failed < messages) {
    rd_kafka_event_t *ev = rd_kafka_queue_poll(mainq, 0);
    if (!ev) {
      stalls++;
      check_stall(&last_progress, delivered + failed, &last_done, messages);
      ev = rd_kafka_queue_poll(mainq, 100);
      if (!ev) continue;
    }
    if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_DR) {
      size_t k;
      while ((k = rd_kafka_event_message_array(ev, msgs, 1024)) > 0) {
        for (size_t i = 0; i < k; i++) {
          if (msgs[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) delivered++;
          else failed++;
        }
      }
    }
    rd_kafka_event_destroy(ev);
  }
  const int64_t t1 = kb_now_ns();
  const int64_t c1 = kb_cpu_us();
  report("delivery", messages, delivered, delivered * size, failed, t1 - t0, c1 - c0, wait_ms, stalls);
  rd_kafka_queue_destroy(mainq);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  free(payloads);
  return failed ? 1 : 0;
}

static int run_consume(rd_kafka_conf_t *conf, const char *topic, long long messages, long long size, int partitions, int copy) {
  char errstr[512];
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!rk) kb_die(PROG, "rd_kafka_new", errstr);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; p++) rd_kafka_topic_partition_list_add(list, topic, p)->offset = 0; /* absolute: a logical offset waits ~500 ms for an offset query timer */
  rd_kafka_resp_err_t err = rd_kafka_assign(rk, list);
  if (err) kb_die(PROG, "rd_kafka_assign", rd_kafka_err2str(err));
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(rk);
  const long wait_ms = kb_quiesce();

  rd_kafka_message_t *msgs[CONSUME_BATCH];
  /* --copy: one buffer for a batch's payloads, reused from batch to batch (allocated before timing). */
  const size_t copy_cap = copy ? (size_t)CONSUME_BATCH * (size_t)(size > 0 ? size : 1) : 0;
  uint8_t *copy_buf = copy ? malloc(copy_cap) : NULL;
  if (copy && !copy_buf) kb_die(PROG, "malloc", "out of memory for the copy buffer");
  if (copy) memset(copy_buf, 0, copy_cap);
  long long count = 0, bytes = 0, errors = 0, stalls = 0, last_done = 0;
  const int64_t c0 = kb_cpu_us();
  const int64_t t0 = kb_now_ns();
  int64_t last_progress = t0;
  while (count < messages) {
    /* Never more than what is left: the arm must read exactly N. */
    const size_t want = messages - count < CONSUME_BATCH ? (size_t)(messages - count) : CONSUME_BATCH;
    ssize_t k = rd_kafka_consume_batch_queue(q, 0, msgs, want);
    if (k == 0) {
      stalls++;
      check_stall(&last_progress, count, &last_done, messages);
      k = rd_kafka_consume_batch_queue(q, 100, msgs, want);
    }
    if (k < 0) kb_die(PROG, "rd_kafka_consume_batch_queue", rd_kafka_err2str(rd_kafka_last_error()));
    size_t copy_at = 0;
    for (ssize_t i = 0; i < k; i++) {
      if (msgs[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        count++;
        bytes += (long long)msgs[i]->len;
        if (copy && msgs[i]->len > 0 && copy_at + msgs[i]->len <= copy_cap) {
          memcpy(copy_buf + copy_at, msgs[i]->payload, msgs[i]->len);
          copy_at += msgs[i]->len;
        }
      } else if (msgs[i]->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        errors++;
      }
      rd_kafka_message_destroy(msgs[i]);
    }
  }
  const int64_t t1 = kb_now_ns();
  const int64_t c1 = kb_cpu_us();
  report("consume", messages, count, bytes, errors, t1 - t0, c1 - c0, wait_ms, stalls);
  free(copy_buf);
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) kb_die(PROG, "usage", "kbench-overhead produce|delivery|consume --messages N [--size S] [--topic T] [--partitions P] [-X key=value]...");
  const char *path = argv[1];
  long long messages = 0, size = 100;
  int partitions = 1, copy = 0;
  const char *topic = "kbench-overhead";
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--copy")) {
      copy = 1;
      continue;
    }
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) kb_die(PROG, a, "missing value");
    if (!strcmp(a, "--messages")) messages = atoll(v);
    else if (!strcmp(a, "--size")) size = atoll(v);
    else if (!strcmp(a, "--topic")) topic = v;
    else if (!strcmp(a, "--partitions")) partitions = atoi(v);
    else if (!strcmp(a, "-X")) kb_conf_set(PROG, conf, v);
    else kb_die(PROG, a, "unknown option (use --messages, --size, --topic, --partitions, --copy, -X key=value)");
    i++;
  }
  if (messages <= 0 || size < 0 || partitions <= 0) kb_die(PROG, "usage", "--messages and --partitions must be > 0, --size >= 0");
  if (!strcmp(path, "produce")) return run_produce(conf, topic, messages, size);
  if (!strcmp(path, "delivery")) return run_delivery(conf, topic, messages, size);
  if (copy && strcmp(path, "consume")) kb_die(PROG, "--copy", "only the consume path copies payloads out");
  if (!strcmp(path, "consume")) return run_consume(conf, topic, messages, size, partitions, copy);
  kb_die(PROG, path, "unknown path (produce, delivery, consume)");
  return 1;
}
