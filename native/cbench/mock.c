/*
 * kbench-mock: librdkafka's mock cluster (rdkafka_mock.h) in a process of its own, for the delivery
 * and consume paths of `kbench overhead` (src/overhead/mock.ts): a broker that costs nothing to
 * start, runs no JVM, and lives outside the measured process.
 *
 *   kbench-mock --topic T [--partitions P] [--prefill N --size S]
 *
 * Creates a one-broker mock cluster and topic T with P partitions; with --prefill, writes N kbench
 * payloads of S bytes into it, message i to partition i % P, and checks that every partition still
 * holds all of its messages (a mock partition keeps only its last 5 MB: the caller spreads the
 * messages over enough partitions). Then prints one JSON line {"bootstrap":"127.0.0.1:port",
 * "topic":T,"partitions":P,"prefilled":N} and serves until its standard input closes.
 */
#include "common.h"

#include <librdkafka/rdkafka_mock.h>
#include <unistd.h>

static const char *PROG = "kbench-mock";

static void prefill(const char *bootstrap, const char *topic, int partitions, long long n, long long size) {
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  kb_conf_set(PROG, conf, "linger.ms=5");
  kb_conf_set(PROG, conf, "batch.size=1000000");
  kb_conf_set(PROG, conf, "queue.buffering.max.messages=2000000");
  kb_conf_set(PROG, conf, "queue.buffering.max.kbytes=2097151");
  kb_conf_set(PROG, conf, "log_level=3");
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) kb_die(PROG, "bootstrap.servers", errstr);
  rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_DR);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) kb_die(PROG, "rd_kafka_new", errstr);
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  rd_kafka_queue_t *mainq = rd_kafka_queue_get_main(rk);
  uint8_t *payloads = kb_payloads(PROG, n, size, 0);
  long long done = 0, failed = 0;
  const rd_kafka_message_t *msgs[1024];
  for (long long i = 0; i < n;) {
    if (rd_kafka_produce(rkt, (int32_t)(i % partitions), RD_KAFKA_MSG_F_COPY, payloads + i * size, (size_t)size, NULL, 0, NULL) == 0) {
      i++;
      continue;
    }
    if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) kb_die(PROG, "produce", rd_kafka_err2str(rd_kafka_last_error()));
    rd_kafka_event_t *ev = rd_kafka_queue_poll(mainq, 10);
    if (ev) {
      size_t k;
      while ((k = rd_kafka_event_message_array(ev, msgs, 1024)) > 0)
        for (size_t j = 0; j < k; j++) { if (msgs[j]->err) failed++; else done++; }
      rd_kafka_event_destroy(ev);
    }
  }
  const int64_t deadline = kb_now_ns() + 120LL * 1000000000LL;
  while (done + failed < n && kb_now_ns() < deadline) {
    rd_kafka_event_t *ev = rd_kafka_queue_poll(mainq, 100);
    if (!ev) continue;
    size_t k;
    while ((k = rd_kafka_event_message_array(ev, msgs, 1024)) > 0)
      for (size_t j = 0; j < k; j++) { if (msgs[j]->err) failed++; else done++; }
    rd_kafka_event_destroy(ev);
  }
  if (done != n) {
    char why[128];
    snprintf(why, sizeof why, "%lld of %lld messages written, %lld failed", done, n, failed);
    kb_die(PROG, "prefill", why);
  }
  /* Every message must still be there: the mock drops the oldest sets beyond 5 MB per partition. */
  long long held = 0;
  for (int p = 0; p < partitions; p++) {
    int64_t lo = 0, hi = 0;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(rk, topic, p, &lo, &hi, 10000);
    if (err) kb_die(PROG, "query_watermark_offsets", rd_kafka_err2str(err));
    held += hi - lo;
  }
  if (held != n) {
    char why[160];
    snprintf(why, sizeof why, "the topic holds %lld of the %lld messages written (a mock partition keeps 5 MB): use more partitions", held, n);
    kb_die(PROG, "prefill", why);
  }
  free(payloads);
  rd_kafka_queue_destroy(mainq);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
}

int main(int argc, char **argv) {
  const char *topic = "kbench-overhead";
  int partitions = 1;
  long long n = 0, size = 100;
  char errstr[512];
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) kb_die(PROG, a, "missing value");
    if (!strcmp(a, "--topic")) topic = v;
    else if (!strcmp(a, "--partitions")) partitions = atoi(v);
    else if (!strcmp(a, "--prefill")) n = atoll(v);
    else if (!strcmp(a, "--size")) size = atoll(v);
    else kb_die(PROG, a, "unknown option (use --topic, --partitions, --prefill, --size)");
    i++;
  }
  if (partitions <= 0 || n < 0 || size < 0) kb_die(PROG, "usage", "kbench-mock --topic T [--partitions P] [--prefill N --size S]");

  /* The handle that owns the mock cluster; it never talks to it itself. */
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  kb_conf_set(PROG, conf, "log_level=3");
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) kb_die(PROG, "rd_kafka_new", errstr);
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, 1);
  if (!mc) kb_die(PROG, "rd_kafka_mock_cluster_new", "failed");
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, topic, partitions, 1);
  if (err) kb_die(PROG, "rd_kafka_mock_topic_create", rd_kafka_err2str(err));
  const char *bootstrap = rd_kafka_mock_cluster_bootstraps(mc);
  if (n > 0) prefill(bootstrap, topic, partitions, n, size);
  printf("{\"bootstrap\":\"%s\",\"topic\":\"%s\",\"partitions\":%d,\"prefilled\":%lld}\n", bootstrap, topic, partitions, n);
  fflush(stdout);

  char buf[256];
  while (read(0, buf, sizeof buf) > 0) {
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
