/*
 * kbench-arm: kbench's own C arm on librdkafka (the `c` driver, src/drivers/c.ts). It implements the
 * arm contract of src/contract/arm.ts exactly: the measured windows of WINDOWS, the payload rule and
 * the checksum of src/verify/payload.ts, on the same shared librdkafka as every other librdkafka arm.
 *
 *   kbench-arm --version                      prints the librdkafka version string
 *   kbench-arm producer-async|producer-sync|consumer
 *       --topic T --messages N --warmup W --size S --first-seq F
 *       --payload-source FILE --payload-stride K     (producers; read, not needed, by the consumer)
 *       [--rate R]                 producers: the open-loop schedule, message k of the window due at t0 + k/R
 *       [--duration-ms D]          unpaced producers: stop sending once D ms of the window have passed
 *       [--warmup-topic WT]        consumer: the warm-up topic (partition 0, exactly W messages)
 *       [--partitions 0,1,...]     consumer: the partitions of T to read (default 0)
 *       [--timeout-ms MS]          the whole run, from the start of the process (default 600000)
 *       [--result-file PATH]       also write the result JSON there (0600)
 *       [-X key=value]...          librdkafka properties; -X file=PATH reads key=value lines
 *
 * Payloads: byte i of message seq = source[(seq * K + i) mod L] (L = the source's length), then seq as
 * uint64 little-endian in bytes [0, min(S, 8)); produced with RD_KAFKA_MSG_F_COPY to
 * RD_KAFKA_PARTITION_UA, no key. Warm-up messages are seq F .. F+W-1, measured ones F+W .. F+W+N-1.
 *
 * producer-async: W warm-up messages sent and flushed (all acknowledged) before the window; the window
 *   opens just before the first measured produce and closes when the last delivery report has been
 *   served (outq 0). Queue full: rd_kafka_poll(rk, 1) and retry; reports served every 1000 messages.
 * producer-sync:  each message produced, then polled for until its report arrives; the latency of
 *   every delivered message (µs) goes out as latencySamplesUs.
 * --rate (SCHEDULE in src/contract/arm.ts): message k is handed to the client once it is due at
 *   t0 + k/R (t0: the window's start), never before — clock_nanosleep to the due time, delivery
 *   reports served by rd_kafka_poll while the wait is longer than 2 ms — and a late message does not
 *   move the ones behind it. producer-sync then reports the latency from the due time (corrected,
 *   latencySamplesUs) and from the actual produce (service time, serviceSamplesUs); both producers
 *   report requestedRate and achievedRate = handed / (last hand-over − t0 + 1/R), and a note on how
 *   late the hand-overs were.
 * --duration-ms (unpaced producers): no message is produced once D ms have passed since the window
 *   opened; `messages` is the count actually produced (at most --messages).
 * consumer:       the warm-up topic's partition 0 assigned at BEGINNING and exactly W messages read,
 *   then unassigned; the window opens just before T's partitions are assigned at BEGINNING and closes
 *   once N messages are read and checksummed (Σ (len << 32) + crc32 mod 2^64, zlib's crc32).
 *   rd_kafka_consume_batch_queue, 1000 at a time; partition EOFs skipped, other message errors fail.
 *
 * Output: `@kbench {"done":N}` progress lines (producers add "acked" and "failed" of the window; at most
 * every 200 ms, and a final one) and one
 * `@kbench-result {JSON}` line with the ScenarioOutcome fields; failures print {"ok":false,"error":..}
 * with the counts so far and exit 1; bad arguments exit 2 naming the argument. Nothing waits past
 * --timeout-ms: every wait checks the deadline, and a watchdog thread ends the process 1 s after it.
 */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static const char *PROG = "kbench-arm";

#define CONSUME_BATCH 1000
#define POLL_EVERY 1000
#define STALL_NS (30LL * 1000000000LL)
#define PROGRESS_NS (200LL * 1000000LL)
#define DEFAULT_TIMEOUT_MS 600000LL
#define WATCHDOG_GRACE_NS 1000000000LL
#define BLOCK_BYTES (1u << 20)

enum mode { MODE_ASYNC, MODE_SYNC, MODE_CONSUMER };

/* ------------------------------------------------------------------------------------------------ */
/* A growable string (the result JSON can hold every latency sample). */

typedef struct {
  char *p;
  size_t n, cap;
} sb_t;

static void sb_reserve(sb_t *s, size_t more) {
  if (s->n + more + 1 <= s->cap) return;
  size_t cap = s->cap ? s->cap : 256;
  while (cap < s->n + more + 1) cap *= 2;
  char *p = realloc(s->p, cap);
  if (!p) {
    fputs("kbench-arm: out of memory\n", stderr);
    _exit(1);
  }
  s->p = p;
  s->cap = cap;
}

static void sb_putn(sb_t *s, const char *str, size_t n) {
  sb_reserve(s, n);
  memcpy(s->p + s->n, str, n);
  s->n += n;
  s->p[s->n] = '\0';
}

static void sb_puts(sb_t *s, const char *str) { sb_putn(s, str, strlen(str)); }

static void sb_printf(sb_t *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char tmp[256];
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) {
    sb_putn(s, tmp, (size_t)n);
    return;
  }
  sb_reserve(s, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(s->p + s->n, (size_t)n + 1, fmt, ap);
  va_end(ap);
  s->n += (size_t)n;
}

/** `str` as a JSON string literal. */
static void sb_json_str(sb_t *s, const char *str) {
  sb_putn(s, "\"", 1);
  for (const unsigned char *c = (const unsigned char *)str; *c; c++) {
    switch (*c) {
      case '"': sb_puts(s, "\\\""); break;
      case '\\': sb_puts(s, "\\\\"); break;
      case '\n': sb_puts(s, "\\n"); break;
      case '\r': sb_puts(s, "\\r"); break;
      case '\t': sb_puts(s, "\\t"); break;
      default:
        if (*c < 0x20 || *c == 0x7f) sb_printf(s, "\\u%04x", *c);
        else sb_putn(s, (const char *)c, 1);
    }
  }
  sb_putn(s, "\"", 1);
}

/* ------------------------------------------------------------------------------------------------ */
/* State the result and the failure paths read (the watchdog thread too: hence the atomics). */

static enum mode g_mode = MODE_ASYNC;
static const char *g_result_file = NULL;
static int64_t g_deadline_ns = 0;
static long long g_timeout_ms = DEFAULT_TIMEOUT_MS;
static pthread_mutex_t g_out_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_int g_ending = 0; /* set once a result (or failure) is being written */
static atomic_int g_exit_code = 0;

static atomic_llong g_done = 0;      /* measured messages so far (sent, or read) */
static atomic_llong g_delivered = 0; /* delivery reports of the current phase */
static atomic_llong g_failed = 0;
static atomic_llong g_warm_done = 0; /* warm-up messages sent / read */
static atomic_int g_phase_window = 0;

/* Failed deliveries by error (the delivery callback runs on the main thread, inside rd_kafka_poll). */
#define MAX_ERRS 64
static struct {
  rd_kafka_resp_err_t err;
  long long n;
} g_errs[MAX_ERRS];
static int g_nerrs = 0;
static rd_kafka_resp_err_t g_last_err = RD_KAFKA_RESP_ERR_NO_ERROR;
static atomic_llong g_reports = 0; /* every report, warm-up included (producer-sync waits on it) */

static void count_error(rd_kafka_resp_err_t err) {
  for (int i = 0; i < g_nerrs; i++) {
    if (g_errs[i].err == err) {
      g_errs[i].n++;
      return;
    }
  }
  if (g_nerrs < MAX_ERRS) {
    g_errs[g_nerrs].err = err;
    g_errs[g_nerrs].n = 1;
    g_nerrs++;
  }
}

static void reset_delivery_counts(void) {
  atomic_store(&g_delivered, 0);
  atomic_store(&g_failed, 0);
  g_nerrs = 0;
}

/** The addon's error names (native/errors.cc): "ERR_" + rd_kafka_err2name(). */
static void err_name(rd_kafka_resp_err_t err, char *buf, size_t cap) {
  const char *name = rd_kafka_err2name(err);
  if (!name || !*name) snprintf(buf, cap, "ERR_UNKNOWN_%d", (int)err);
  else snprintf(buf, cap, "ERR_%s", name);
}

static void sb_errors(sb_t *s) {
  sb_puts(s, "{");
  for (int i = 0; i < g_nerrs; i++) {
    char name[128];
    err_name(g_errs[i].err, name, sizeof name);
    if (i) sb_puts(s, ",");
    sb_json_str(s, name);
    sb_printf(s, ":%lld", g_errs[i].n);
  }
  sb_puts(s, "}");
}

static void describe_errors(char *buf, size_t cap) {
  size_t at = 0;
  buf[0] = '\0';
  for (int i = 0; i < g_nerrs && at < cap; i++) {
    char name[128];
    err_name(g_errs[i].err, name, sizeof name);
    int n = snprintf(buf + at, cap - at, "%s%s: %lld", i ? ", " : "", name, g_errs[i].n);
    if (n < 0) break;
    at += (size_t)n;
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Output. */

static void write_result_file(const sb_t *json) {
  if (!g_result_file) return;
  int fd = open(g_result_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    fprintf(stderr, "%s: --result-file %s: %s\n", PROG, g_result_file, strerror(errno));
    return;
  }
  size_t off = 0;
  while (off < json->n) {
    ssize_t w = write(fd, json->p + off, json->n - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "%s: --result-file %s: %s\n", PROG, g_result_file, strerror(errno));
      break;
    }
    off += (size_t)w;
  }
  close(fd);
}

/** Writes the result (file and stdout line); the caller holds g_out_mu and has set g_ending. */
static void emit_locked(const sb_t *json) {
  write_result_file(json);
  fputs("@kbench-result ", stdout);
  fwrite(json->p, 1, json->n, stdout);
  fputc('\n', stdout);
  fflush(stdout);
}

static void progress(long long done, int final) {
  static int64_t last = 0;
  const int64_t now = kb_now_ns();
  if (!final && now - last < PROGRESS_NS) return;
  last = now;
  pthread_mutex_lock(&g_out_mu);
  if (!atomic_load(&g_ending)) {
    if (g_mode == MODE_CONSUMER) printf("@kbench {\"done\":%lld}\n", done);
    else printf("@kbench {\"done\":%lld,\"acked\":%lld,\"failed\":%lld}\n", done, (long long)atomic_load(&g_delivered), (long long)atomic_load(&g_failed));
    fflush(stdout);
  }
  pthread_mutex_unlock(&g_out_mu);
}

static int64_t wall_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/** The failure result: the error and every count so far; exits 1 (or 2 for bad arguments). */
static void fail_with(int code, const char *msg) {
  if (atomic_exchange(&g_ending, 1)) {
    /* Another thread is already ending the process: let it. */
    for (;;) pause();
  }
  atomic_store(&g_exit_code, code);
  fprintf(stderr, "%s: %s\n", PROG, msg);
  const int64_t now = wall_us();
  sb_t s = {0};
  sb_puts(&s, "{\"ok\":false,\"error\":");
  sb_json_str(&s, msg);
  const long long done = atomic_load(&g_done);
  sb_printf(&s, ",\"messages\":%lld,\"bytes\":0,\"elapsedNs\":0,\"startUs\":%lld,\"endUs\":%lld", done, (long long)now, (long long)now);
  if (g_mode == MODE_CONSUMER) {
    sb_printf(&s, ",\"consumed\":%lld,\"warmupConsumed\":%lld", done, (long long)atomic_load(&g_warm_done));
  } else if (atomic_load(&g_phase_window)) {
    sb_printf(&s, ",\"delivered\":%lld,\"failed\":%lld", (long long)atomic_load(&g_delivered), (long long)atomic_load(&g_failed));
  } else {
    sb_puts(&s, ",\"delivered\":0,\"failed\":0");
  }
  sb_puts(&s, "}");
  pthread_mutex_lock(&g_out_mu);
  emit_locked(&s);
  _exit(code);
}

/** Formats the message and fails with `code`: 1 for a failed arm, 2 for bad arguments. */
static void vfail(int code, const char *fmt, va_list ap) __attribute__((noreturn));
static void vfail(int code, const char *fmt, va_list ap) {
  char msg[1024];
  vsnprintf(msg, sizeof msg, fmt, ap);
  fail_with(code, msg);
  _exit(code);
}

static void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void failf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(1, fmt, ap);
}

static void usagef(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void usagef(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(2, fmt, ap);
}

static void check_deadline(const char *what) {
  if (kb_now_ns() < g_deadline_ns) return;
  const int window = atomic_load(&g_phase_window);
  const long long done = window ? atomic_load(&g_done) : atomic_load(&g_warm_done);
  if (g_mode == MODE_CONSUMER) failf("timed out after %lld ms (--timeout-ms) %s: %lld messages read", g_timeout_ms, what, done);
  failf("timed out after %lld ms (--timeout-ms) %s: %lld sent, %lld delivered, %lld failed", g_timeout_ms, what, done, (long long)atomic_load(&g_delivered),
        (long long)atomic_load(&g_failed));
}

/** Milliseconds left until the deadline, capped at `cap` (at least 0). */
static int ms_left(int cap) {
  const int64_t left = (g_deadline_ns - kb_now_ns() + 999999) / 1000000;
  if (left <= 0) return 0;
  return left < cap ? (int)left : cap;
}

static void *watchdog(void *arg) {
  (void)arg;
  const int64_t until = g_deadline_ns + WATCHDOG_GRACE_NS;
  struct timespec ts = {(time_t)(until / 1000000000LL), (long)(until % 1000000000LL)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
  }
  if (atomic_load(&g_ending)) {
    /* The result is out; only tearing the client down is left, and it is taking too long. */
    fflush(stdout);
    _exit(atomic_load(&g_exit_code));
  }
  char msg[256];
  snprintf(msg, sizeof msg, "timed out after %lld ms (--timeout-ms): the process stopped making progress (%lld messages done)", g_timeout_ms,
           (long long)atomic_load(&g_done));
  fail_with(1, msg);
  return NULL;
}

/* ------------------------------------------------------------------------------------------------ */
/* Arguments. */

typedef struct {
  const char *topic, *warmup_topic, *payload_source;
  long long messages, warmup, size, first_seq, stride;
  int have_messages, have_warmup, have_size, have_first_seq, have_stride;
  double rate;
  long long duration_ms; /* 0: none */
  int32_t *parts;
  int nparts;
} args_t;

static long long parse_int(const char *name, const char *v, long long min, long long max) {
  char *end = NULL;
  errno = 0;
  long long x = strtoll(v, &end, 10);
  if (errno || end == v || *end != '\0' || x < min || x > max) usagef("%s: expected an integer in [%lld, %lld], got \"%s\"", name, min, max, v);
  return x;
}

static double parse_rate(const char *v) {
  char *end = NULL;
  errno = 0;
  double x = strtod(v, &end);
  if (errno || end == v || *end != '\0' || !(x >= 0) || x > 1e12) usagef("--rate: expected a non-negative number of messages per second, got \"%s\"", v);
  return x;
}

static void parse_partitions(args_t *a, const char *v) {
  int n = 1;
  for (const char *c = v; *c; c++) n += *c == ',';
  a->parts = calloc((size_t)n, sizeof *a->parts);
  if (!a->parts) usagef("--partitions: out of memory");
  char *copy = strdup(v);
  char *save = NULL;
  int k = 0;
  for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) a->parts[k++] = (int32_t)parse_int("--partitions", tok, 0, INT32_MAX);
  free(copy);
  if (k == 0) usagef("--partitions: expected a comma-separated list of partitions, got \"%s\"", v);
  a->nparts = k;
}

/** One librdkafka property; never repeats the value (it may be a secret). */
static void conf_set(rd_kafka_conf_t *conf, const char *key, const char *value, const char *where) {
  char errstr[512];
  if (!*key) usagef("%s: expected key=value", where);
  if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) failf("configuration property \"%s\" (%s): %s", key, where, errstr);
}

/** -X file=PATH: key=value lines (blank lines and # comments skipped), as rdkafka_performance reads them. */
static void conf_file(rd_kafka_conf_t *conf, const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) usagef("-X file=%s: %s", path, strerror(errno));
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  int lineno = 0;
  char where[64];
  while ((len = getline(&line, &cap, f)) >= 0) {
    lineno++;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
    char *k = line;
    while (*k == ' ' || *k == '\t') k++;
    if (!*k || *k == '#') continue;
    char *eq = strchr(k, '=');
    if (!eq) usagef("-X file: line %d: expected key=value", lineno);
    *eq = '\0';
    snprintf(where, sizeof where, "-X file line %d", lineno);
    conf_set(conf, k, eq + 1, where);
  }
  free(line);
  fclose(f);
}

static void conf_kv(rd_kafka_conf_t *conf, const char *kv) {
  const char *eq = strchr(kv, '=');
  if (!eq) usagef("-X: expected key=value, got \"%s\"", kv);
  char *key = strndup(kv, (size_t)(eq - kv));
  if (!strcmp(key, "file")) conf_file(conf, eq + 1);
  else conf_set(conf, key, eq + 1, "-X");
  free(key);
}

/* ------------------------------------------------------------------------------------------------ */
/* Payloads (src/verify/payload.ts). */

typedef struct {
  uint8_t *src;
  size_t len;
  uint64_t stride;
  size_t size;
  uint8_t *buf;
  size_t block_msgs;  /* contiguous mode: messages per block */
  uint64_t first, n;  /* the messages the buffer holds now */
  int mode;           /* 0: constant body (stride % L == 0), 1: contiguous blocks (stride == size), 2: one message at a time */
} payloads_t;

static void load_source(payloads_t *p, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) usagef("--payload-source %s: %s", path, strerror(errno));
  size_t cap = 1 << 16, n = 0;
  uint8_t *b = malloc(cap);
  if (!b) failf("--payload-source: out of memory");
  for (;;) {
    if (n == cap) {
      cap *= 2;
      uint8_t *nb = realloc(b, cap);
      if (!nb) failf("--payload-source: out of memory");
      b = nb;
    }
    size_t r = fread(b + n, 1, cap - n, f);
    n += r;
    if (r == 0) break;
  }
  if (ferror(f)) failf("--payload-source %s: read error", path);
  fclose(f);
  if (n == 0) usagef("--payload-source: the payload source %s is empty", path);
  p->src = b;
  p->len = n;
}

static void payloads_free(payloads_t *p) {
  free(p->src);
  free(p->buf);
}

static size_t source_offset(const payloads_t *p, uint64_t seq) {
  return (size_t)(((unsigned __int128)seq * p->stride) % p->len);
}

/** Copies n bytes of the source from `from`, wrapping around, to dst. */
static void copy_wrapped(const payloads_t *p, size_t from, uint8_t *dst, size_t n) {
  size_t pos = from, done = 0;
  while (done < n) {
    size_t k = p->len - pos < n - done ? p->len - pos : n - done;
    memcpy(dst + done, p->src + pos, k);
    done += k;
    pos = 0;
  }
}

static void write_seq(uint8_t *m, size_t size, uint64_t seq) {
  for (size_t b = 0; b < size && b < 8; b++) m[b] = (uint8_t)(seq >> (8 * b));
}

static void payloads_init(payloads_t *p, const char *source, long long stride, long long size) {
  load_source(p, source);
  p->stride = (uint64_t)stride;
  p->size = (size_t)size;
  p->n = 0;
  if (p->size == 0 || p->stride % p->len == 0) {
    p->mode = 0;
    p->block_msgs = 1;
  } else if (p->stride == p->size) {
    p->mode = 1;
    p->block_msgs = BLOCK_BYTES / p->size;
    if (p->block_msgs < 1) p->block_msgs = 1;
  } else {
    p->mode = 2;
    p->block_msgs = 1;
  }
  p->buf = malloc(p->block_msgs * (p->size ? p->size : 1));
  if (!p->buf) failf("payload buffer: out of memory");
  if (p->mode == 0) copy_wrapped(p, 0, p->buf, p->size); /* every message has the same body: built once */
}

/**
 * The payload of message `seq`, built into the reused buffer. `last` is the last seq of the run, so
 * a contiguous block never reaches past it. A retried seq (queue full) is served from the buffer.
 */
static const uint8_t *payload_for(payloads_t *p, uint64_t seq, uint64_t last) {
  switch (p->mode) {
    case 0:
      write_seq(p->buf, p->size, seq);
      return p->buf;
    case 1:
      if (p->n == 0 || seq < p->first || seq >= p->first + p->n) {
        uint64_t n = last - seq + 1;
        if (n > p->block_msgs) n = p->block_msgs;
        copy_wrapped(p, source_offset(p, seq), p->buf, (size_t)n * p->size);
        for (uint64_t j = 0; j < n; j++) write_seq(p->buf + j * p->size, p->size, seq + j);
        p->first = seq;
        p->n = n;
      }
      return p->buf + (seq - p->first) * p->size;
    default:
      if (p->n == 0 || seq != p->first) {
        copy_wrapped(p, source_offset(p, seq), p->buf, p->size);
        write_seq(p->buf, p->size, seq);
        p->first = seq;
        p->n = 1;
      }
      return p->buf;
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* librdkafka callbacks. */

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  (void)opaque;
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    atomic_fetch_add_explicit(&g_delivered, 1, memory_order_relaxed);
  } else {
    atomic_fetch_add_explicit(&g_failed, 1, memory_order_relaxed);
    count_error(m->err);
  }
  g_last_err = m->err;
  atomic_fetch_add_explicit(&g_reports, 1, memory_order_relaxed);
}

/** Client-level errors: a fatal error, or credentials the broker refuses, end the arm at once. */
static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
  (void)opaque;
  char name[128];
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char why[512];
    const rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, why, sizeof why);
    err_name(orig, name, sizeof name);
    failf("fatal client error %s: %s", name, why);
  }
  if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION) {
    err_name((rd_kafka_resp_err_t)err, name, sizeof name);
    failf("client error %s: %s", name, reason);
  }
  /* Others (a broker connection lost, all brokers down for a moment) are retried by librdkafka. */
}

static rd_kafka_t *new_client(rd_kafka_type_t type, rd_kafka_conf_t *conf) {
  char errstr[512];
  rd_kafka_conf_set_error_cb(conf, error_cb);
  if (type == RD_KAFKA_PRODUCER) rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
  rd_kafka_t *rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
  if (!rk) failf("rd_kafka_new: %s", errstr);
  return rk;
}

/* ------------------------------------------------------------------------------------------------ */
/* Producers. */

typedef struct {
  int64_t t0_ns, t1_ns, start_us, end_us, cpu_user_us, cpu_sys_us;
  struct rusage ru0;
} window_t;

static void window_open(window_t *w) {
  getrusage(RUSAGE_SELF, &w->ru0);
  w->start_us = wall_us();
  w->t0_ns = kb_now_ns();
}

static int64_t tv_us(struct timeval tv) { return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec; }

static void window_close(window_t *w) {
  w->t1_ns = kb_now_ns();
  w->end_us = wall_us();
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  w->cpu_user_us = tv_us(ru.ru_utime) - tv_us(w->ru0.ru_utime);
  w->cpu_sys_us = tv_us(ru.ru_stime) - tv_us(w->ru0.ru_stime);
}

static void sb_window(sb_t *s, const window_t *w, long long messages, long long bytes) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  int64_t elapsed = w->t1_ns - w->t0_ns;
  if (elapsed < 1) elapsed = 1;
  sb_printf(s, "\"ok\":true,\"messages\":%lld,\"bytes\":%lld,\"elapsedNs\":%lld,\"startUs\":%lld,\"endUs\":%lld,\"cpuUserUs\":%lld,\"cpuSysUs\":%lld,\"rssPeakBytes\":%lld",
            messages, bytes, (long long)elapsed, (long long)w->start_us, (long long)w->end_us, (long long)w->cpu_user_us, (long long)w->cpu_sys_us,
            (long long)ru.ru_maxrss * 1024);
}

static void emit_success(sb_t *s) {
  pthread_mutex_lock(&g_out_mu);
  atomic_store(&g_ending, 1);
  emit_locked(s);
  pthread_mutex_unlock(&g_out_mu);
}

/*
 * The open-loop schedule of a paced arm (SCHEDULE in src/contract/arm.ts, src/scenarios/schedule.ts):
 * message k is due at t0 + k/R on the monotonic clock, whatever happened to the messages before it.
 */
typedef struct {
  double rate;       /* messages per second; 0: unpaced (every call below is then a no-op) */
  int64_t t0_ns;     /* due time of message 0 */
  long long handed;  /* messages handed to the client so far */
  int64_t last_ns;   /* the last hand-over */
  long double late_sum_ns;
  int64_t late_max_ns;
} sched_t;

static void sched_start(sched_t *s, double rate, int64_t t0_ns) {
  memset(s, 0, sizeof *s);
  s->rate = rate;
  s->t0_ns = t0_ns;
  s->last_ns = t0_ns;
}

/** Due time of message k (rounded up: never before t0 + k/R). */
static int64_t sched_due(const sched_t *s, long long k) {
  const long double due = (long double)s->t0_ns + ceill((long double)k * 1e9L / (long double)s->rate);
  return due > (long double)INT64_MAX ? INT64_MAX : (int64_t)due;
}

/** Sleeps until message k is due, serving delivery reports meanwhile (rd_kafka_poll while more than 2 ms are left, then clock_nanosleep). */
static void sched_wait(rd_kafka_t *rk, const sched_t *s, long long k) {
  if (s->rate <= 0) return;
  const int64_t due = sched_due(s, k);
  for (;;) {
    const int64_t now = kb_now_ns();
    if (now >= due) return;
    check_deadline("while pacing to --rate");
    const int64_t left = due - now;
    if (left > 2000000) {
      int ms = (int)((left - 1000000) / 1000000);
      rd_kafka_poll(rk, ms_left(ms < 100 ? ms : 100));
      continue;
    }
    struct timespec ts = {(time_t)(due / 1000000000LL), (long)(due % 1000000000LL)};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
  }
}

/** Records that the next message on the schedule is handed to the client now; returns the time (ns). */
static int64_t sched_hand_over(sched_t *s) {
  const int64_t now = kb_now_ns();
  if (s->rate <= 0) return now;
  const int64_t late = now - sched_due(s, s->handed);
  s->late_sum_ns += late;
  if (late > s->late_max_ns) s->late_max_ns = late;
  s->handed++;
  s->last_ns = now;
  return now;
}

/** Messages handed over per second of schedule: handed / (last hand-over − t0 + 1/R). */
static double sched_achieved(const sched_t *s) {
  if (s->handed == 0) return 0;
  return (double)s->handed / (((double)(s->last_ns - s->t0_ns) + 1e9 / s->rate) / 1e9);
}

/** The paced arm's outcome fields: requestedRate, achievedRate, and the lateness note (into `notes`). */
static void sb_schedule(sb_t *s, const sched_t *sc, sb_t *notes) {
  if (sc->rate <= 0) return;
  sb_printf(s, ",\"requestedRate\":%.17g,\"achievedRate\":%.17g", sc->rate, sched_achieved(sc));
  const long double mean = sc->handed ? sc->late_sum_ns / sc->handed / 1000 : 0;
  char note[256];
  snprintf(note, sizeof note,
           "schedule: messages handed over on average %lld µs after their due time (max %lld µs; clock_nanosleep to the due time, and time spent in "
           "the client's produce or waiting for the previous report)",
           (long long)llroundl(mean), (long long)((sc->late_max_ns + 500) / 1000));
  if (notes->n) sb_puts(notes, ",");
  sb_json_str(notes, note);
}

/** Unpaced timed arms: true once --duration-ms have passed since the window opened. */
static int time_up(const args_t *a, int64_t t0_ns) { return a->duration_ms > 0 && kb_now_ns() - t0_ns >= a->duration_ms * 1000000LL; }

static void sb_timed_note(const args_t *a, sb_t *notes) {
  if (a->duration_ms <= 0) return;
  char note[128];
  snprintf(note, sizeof note, "timed: sent for %g s", (double)a->duration_ms / 1000);
  if (notes->n) sb_puts(notes, ",");
  sb_json_str(notes, note);
}

/** Produces message `seq`; a full queue is served and retried, any other error fails the arm. */
static void produce_one(rd_kafka_t *rk, rd_kafka_topic_t *rkt, payloads_t *p, uint64_t seq, uint64_t last, const char *phase) {
  for (;;) {
    const uint8_t *payload = payload_for(p, seq, last);
    if (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, (void *)payload, p->size, NULL, 0, NULL) == 0) return;
    const rd_kafka_resp_err_t err = rd_kafka_last_error();
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      char name[128];
      err_name(err, name, sizeof name);
      failf("%s: producing message seq %llu failed: %s: %s", phase, (unsigned long long)seq, name, rd_kafka_err2str(err));
    }
    check_deadline(phase);
    rd_kafka_poll(rk, 1);
  }
}

/** Serves delivery reports until nothing is left in flight (outq 0), or fails at the deadline. */
static void drain(rd_kafka_t *rk, const char *phase) {
  while (rd_kafka_outq_len(rk) > 0) {
    if (kb_now_ns() >= g_deadline_ns) {
      failf("timed out after %lld ms (--timeout-ms) %s with %d messages or events in flight: %lld sent, %lld delivered, %lld failed", g_timeout_ms, phase,
            rd_kafka_outq_len(rk), (long long)(atomic_load(&g_phase_window) ? atomic_load(&g_done) : atomic_load(&g_warm_done)),
            (long long)atomic_load(&g_delivered), (long long)atomic_load(&g_failed));
    }
    rd_kafka_poll(rk, ms_left(100));
  }
}

static void warmup_failed_check(long long w) {
  const long long failed = atomic_load(&g_failed);
  if (failed > 0) {
    char errs[512];
    describe_errors(errs, sizeof errs);
    failf("warm-up: %lld of %lld deliveries failed (%s)", failed, w, errs);
  }
}

static void destroy_producer(rd_kafka_t *rk, rd_kafka_topic_t *rkt) {
  rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_poll(rk, 0);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
}

static int run_async(rd_kafka_conf_t *conf, const args_t *a) {
  payloads_t p = {0};
  payloads_init(&p, a->payload_source, a->stride, a->size);
  rd_kafka_t *rk = new_client(RD_KAFKA_PRODUCER, conf);
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, a->topic, NULL);
  if (!rkt) failf("rd_kafka_topic_new %s: %s", a->topic, rd_kafka_err2str(rd_kafka_last_error()));

  const uint64_t f = (uint64_t)a->first_seq;
  if (a->warmup > 0) {
    const uint64_t last = f + (uint64_t)a->warmup - 1;
    sched_t warm; /* the warm-up has a schedule of its own, at the same rate */
    sched_start(&warm, a->rate, kb_now_ns());
    for (long long k = 0; k < a->warmup; k++) {
      sched_wait(rk, &warm, k);
      produce_one(rk, rkt, &p, f + (uint64_t)k, last, "warm-up");
      atomic_store_explicit(&g_warm_done, k + 1, memory_order_relaxed);
      if ((k + 1) % POLL_EVERY == 0) rd_kafka_poll(rk, 0);
    }
    drain(rk, "waiting for the warm-up's acknowledgements");
    warmup_failed_check(a->warmup);
  }
  reset_delivery_counts();
  atomic_store(&g_phase_window, 1);

  const uint64_t first = f + (uint64_t)a->warmup;
  const uint64_t last = first + (uint64_t)a->messages - 1;
  window_t w;
  sched_t sc;
  window_open(&w);
  sched_start(&sc, a->rate, w.t0_ns);
  long long sent = 0;
  for (long long k = 0; k < a->messages; k++) {
    if (a->duration_ms > 0 && (k & 63) == 0 && time_up(a, w.t0_ns)) break;
    sched_wait(rk, &sc, k);
    sched_hand_over(&sc);
    produce_one(rk, rkt, &p, first + (uint64_t)k, last, "window");
    sent = k + 1;
    atomic_store_explicit(&g_done, sent, memory_order_relaxed);
    if (sent % POLL_EVERY == 0) rd_kafka_poll(rk, 0);
    if (sent % POLL_EVERY == 0 || a->rate > 0) progress(sent, 0);
  }
  drain(rk, "waiting for the last acknowledgements");
  window_close(&w);
  progress(sent, 1);

  sb_t s = {0}, notes = {0};
  sb_puts(&s, "{");
  sb_window(&s, &w, sent, sent * a->size);
  sb_printf(&s, ",\"delivered\":%lld,\"failed\":%lld,\"errors\":", (long long)atomic_load(&g_delivered), (long long)atomic_load(&g_failed));
  sb_errors(&s);
  sb_schedule(&s, &sc, &notes);
  sb_timed_note(a, &notes);
  sb_printf(&s, ",\"notes\":[%s]}", notes.p ? notes.p : "");
  emit_success(&s);
  free(s.p);
  free(notes.p);
  destroy_producer(rk, rkt);
  payloads_free(&p);
  return 0;
}

/** Produces `seq` and serves reports until its own arrives; returns its error (0: delivered). */
static rd_kafka_resp_err_t send_and_wait(rd_kafka_t *rk, rd_kafka_topic_t *rkt, payloads_t *p, uint64_t seq, uint64_t last, const char *phase) {
  const long long before = atomic_load(&g_reports);
  produce_one(rk, rkt, p, seq, last, phase);
  while (atomic_load(&g_reports) == before) {
    if (kb_now_ns() >= g_deadline_ns) {
      failf("timed out after %lld ms (--timeout-ms) %s waiting for the report of message seq %llu: %lld sent, %lld delivered, %lld failed", g_timeout_ms,
            phase, (unsigned long long)seq, (long long)(atomic_load(&g_phase_window) ? atomic_load(&g_done) : atomic_load(&g_warm_done)),
            (long long)atomic_load(&g_delivered), (long long)atomic_load(&g_failed));
    }
    rd_kafka_poll(rk, ms_left(100));
  }
  return g_last_err;
}

/** A growable array of latency samples (µs). */
typedef struct {
  int64_t *v;
  long long n, cap;
} samples_t;

static void samples_add(samples_t *s, int64_t us) {
  if (s->n == s->cap) {
    const long long cap = s->cap ? s->cap * 2 : 4096;
    int64_t *v = realloc(s->v, sizeof(int64_t) * (size_t)cap);
    if (!v) failf("latency samples: out of memory");
    s->v = v;
    s->cap = cap;
  }
  s->v[s->n++] = us < 1 ? 1 : us;
}

static void sb_samples(sb_t *s, const char *name, const samples_t *x) {
  sb_reserve(s, (size_t)x->n * 8 + 64);
  sb_printf(s, ",\"%s\":[", name);
  for (long long i = 0; i < x->n; i++) sb_printf(s, i ? ",%lld" : "%lld", (long long)x->v[i]);
  sb_puts(s, "]");
}

static int run_sync(rd_kafka_conf_t *conf, const args_t *a) {
  payloads_t p = {0};
  payloads_init(&p, a->payload_source, a->stride, a->size);
  samples_t service = {0}, corrected = {0};
  rd_kafka_t *rk = new_client(RD_KAFKA_PRODUCER, conf);
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, a->topic, NULL);
  if (!rkt) failf("rd_kafka_topic_new %s: %s", a->topic, rd_kafka_err2str(rd_kafka_last_error()));

  const uint64_t f = (uint64_t)a->first_seq;
  sched_t warm;
  sched_start(&warm, a->rate, kb_now_ns());
  for (long long k = 0; k < a->warmup; k++) {
    const uint64_t seq = f + (uint64_t)k;
    sched_wait(rk, &warm, k);
    const rd_kafka_resp_err_t err = send_and_wait(rk, rkt, &p, seq, seq, "warm-up");
    atomic_store(&g_warm_done, k + 1);
    if (err) {
      char name[128];
      err_name(err, name, sizeof name);
      failf("warm-up: the delivery of message seq %llu failed: %s: %s", (unsigned long long)seq, name, rd_kafka_err2str(err));
    }
  }
  reset_delivery_counts();
  atomic_store(&g_phase_window, 1);

  const uint64_t first = f + (uint64_t)a->warmup;
  window_t w;
  sched_t sc;
  window_open(&w);
  sched_start(&sc, a->rate, w.t0_ns);
  long long sent = 0;
  for (long long k = 0; k < a->messages; k++) {
    if (time_up(a, w.t0_ns)) break;
    sched_wait(rk, &sc, k);
    const uint64_t seq = first + (uint64_t)k;
    const int64_t s0 = sched_hand_over(&sc);
    const rd_kafka_resp_err_t err = send_and_wait(rk, rkt, &p, seq, seq, "window");
    const int64_t s1 = kb_now_ns();
    if (!err) {
      samples_add(&service, (s1 - s0 + 500) / 1000);
      /* Corrected: from the due time, so the wait behind a slow acknowledgement is counted. */
      if (a->rate > 0) samples_add(&corrected, (s1 - sched_due(&sc, k) + 500) / 1000);
    }
    sent = k + 1;
    atomic_store_explicit(&g_done, sent, memory_order_relaxed);
    progress(sent, 0);
  }
  window_close(&w);
  progress(sent, 1);

  sb_t s = {0}, notes = {0};
  sb_puts(&s, "{");
  sb_window(&s, &w, sent, sent * a->size);
  sb_printf(&s, ",\"delivered\":%lld,\"failed\":%lld,\"errors\":", (long long)atomic_load(&g_delivered), (long long)atomic_load(&g_failed));
  sb_errors(&s);
  if (a->rate > 0) {
    sb_samples(&s, "latencySamplesUs", &corrected);
    sb_samples(&s, "serviceSamplesUs", &service);
  } else {
    sb_samples(&s, "latencySamplesUs", &service);
  }
  sb_schedule(&s, &sc, &notes);
  sb_timed_note(a, &notes);
  sb_printf(&s, ",\"notes\":[%s]}", notes.p ? notes.p : "");
  emit_success(&s);
  free(s.p);
  free(notes.p);
  destroy_producer(rk, rkt);
  payloads_free(&p);
  free(service.v);
  free(corrected.v);
  return 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* Consumer. */

typedef struct {
  uint64_t sum, count, bytes;
} checksum_t;

static uint32_t crc32_of(const void *data, size_t len) {
  uLong crc = crc32(0L, Z_NULL, 0);
  const Bytef *p = data;
  while (len > 0) { /* zlib takes uInt lengths */
    const uInt chunk = len > 0x40000000u ? 0x40000000u : (uInt)len;
    crc = crc32(crc, p, chunk);
    p += chunk;
    len -= chunk;
  }
  return (uint32_t)crc;
}

static void assign_at_beginning(rd_kafka_t *rk, const char *topic, const int32_t *parts, int nparts, const char *phase) {
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(nparts);
  for (int i = 0; i < nparts; i++) rd_kafka_topic_partition_list_add(list, topic, parts[i])->offset = RD_KAFKA_OFFSET_BEGINNING;
  const rd_kafka_resp_err_t err = rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  if (err) {
    char name[128];
    err_name(err, name, sizeof name);
    failf("%s: rd_kafka_assign %s: %s: %s", phase, topic, name, rd_kafka_err2str(err));
  }
}

/**
 * Reads exactly `target` messages (partition EOFs skipped), into `sum` when given; `counter` is the
 * count the failure paths report. Fails on any other message error and after 30 s without a message.
 */
static void read_messages(rd_kafka_queue_t *q, long long target, checksum_t *sum, atomic_llong *counter, const char *phase, int report) {
  rd_kafka_message_t *msgs[CONSUME_BATCH];
  long long got = 0;
  int64_t last_msg = kb_now_ns();
  while (got < target) {
    const size_t want = target - got < CONSUME_BATCH ? (size_t)(target - got) : CONSUME_BATCH;
    ssize_t k = rd_kafka_consume_batch_queue(q, 0, msgs, want);
    if (k == 0) {
      const int64_t now = kb_now_ns();
      if (now - last_msg > STALL_NS) failf("%s: no message for 30 s after %lld of %lld messages", phase, got, target);
      check_deadline(phase);
      /* One message is enough to return: nothing already there waits for a batch to fill. */
      k = rd_kafka_consume_batch_queue(q, ms_left(100), msgs, 1);
    }
    if (k < 0) {
      const rd_kafka_resp_err_t err = rd_kafka_last_error();
      char name[128];
      err_name(err, name, sizeof name);
      failf("%s: rd_kafka_consume_batch_queue: %s: %s", phase, name, rd_kafka_err2str(err));
    }
    if (k == 0) continue;
    const long long before = got;
    for (ssize_t i = 0; i < k; i++) {
      rd_kafka_message_t *m = msgs[i];
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (sum) {
          sum->sum += ((uint64_t)m->len << 32) + crc32_of(m->payload, m->len);
          sum->count++;
          sum->bytes += m->len;
        }
        got++;
      } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        char name[128], msg[512];
        err_name(m->err, name, sizeof name);
        snprintf(msg, sizeof msg, "%s: message error on %s [%d] at offset %lld after %lld of %lld messages: %s: %s", phase,
                 m->rkt ? rd_kafka_topic_name(m->rkt) : "(no topic)", (int)m->partition, (long long)m->offset, got, target, name,
                 rd_kafka_message_errstr(m));
        fail_with(1, msg);
      }
      rd_kafka_message_destroy(m);
    }
    if (got == before) continue; /* partition EOFs only */
    atomic_store_explicit(counter, got, memory_order_relaxed);
    last_msg = kb_now_ns();
    if (report) progress(got, 0);
  }
}

static int run_consumer(rd_kafka_conf_t *conf, const args_t *a) {
  if (a->warmup > 0 && !a->warmup_topic) usagef("--warmup-topic: required when --warmup > 0 (the topic the warm-up messages are read from)");
  rd_kafka_t *rk = new_client(RD_KAFKA_CONSUMER, conf);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(rk);
  if (!q) failf("rd_kafka_queue_get_consumer: no consumer queue");

  if (a->warmup > 0) {
    const int32_t zero = 0;
    assign_at_beginning(rk, a->warmup_topic, &zero, 1, "warm-up");
    read_messages(q, a->warmup, NULL, &g_warm_done, "warm-up", 0);
    const rd_kafka_resp_err_t err = rd_kafka_assign(rk, NULL);
    if (err) failf("warm-up: rd_kafka_assign(NULL): %s", rd_kafka_err2str(err));
  }

  static const int32_t default_parts[] = {0};
  const int32_t *parts = a->nparts ? a->parts : default_parts;
  const int nparts = a->nparts ? a->nparts : 1;
  checksum_t sum = {0, 0, 0};
  /* The contract's consumer window: the client knows where the measured partitions are before it
   * opens (without this, librdkafka waits ~500 ms for the leader of a topic it has never seen). */
  if (a->messages > 0) {
    rd_kafka_topic_t *mt = rd_kafka_topic_new(rk, a->topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    const rd_kafka_resp_err_t merr = rd_kafka_metadata(rk, 0, mt, &md, ms_left(10000));
    if (merr) failf("metadata of %s: %s", a->topic, rd_kafka_err2str(merr));
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(mt);
  }
  atomic_store(&g_phase_window, 1);
  window_t w;
  window_open(&w);
  if (a->messages > 0) {
    assign_at_beginning(rk, a->topic, parts, nparts, "window");
    read_messages(q, a->messages, &sum, &g_done, "window", 1);
  }
  window_close(&w);
  progress((long long)sum.count, 1);

  sb_t s = {0};
  sb_puts(&s, "{");
  sb_window(&s, &w, (long long)sum.count, (long long)sum.bytes);
  sb_printf(&s, ",\"consumed\":%llu,\"consumedBytes\":%llu,\"checksum\":\"%016llx\",\"warmupConsumed\":%lld", (unsigned long long)sum.count,
            (unsigned long long)sum.bytes, (unsigned long long)sum.sum, (long long)atomic_load(&g_warm_done));
  sb_puts(&s, "}");
  emit_success(&s);
  free(s.p);
  free(a->parts);
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  return 0;
}

/* ------------------------------------------------------------------------------------------------ */

int main(int argc, char **argv) {
  const int64_t started = kb_now_ns();
  g_deadline_ns = started + DEFAULT_TIMEOUT_MS * 1000000LL;
  if (argc == 2 && !strcmp(argv[1], "--version")) {
    printf("%s\n", rd_kafka_version_str());
    return 0;
  }
  if (argc < 2) usagef("usage: kbench-arm producer-async|producer-sync|consumer --topic T --messages N --warmup W --size S --first-seq F "
                       "--payload-source FILE --payload-stride K [--rate R] [--duration-ms D] [--warmup-topic WT] [--partitions 0,1,...] [--timeout-ms MS] "
                       "[--result-file PATH] [-X key=value]... | kbench-arm --version");
  const char *mode = argv[1];
  if (!strcmp(mode, "producer-async")) g_mode = MODE_ASYNC;
  else if (!strcmp(mode, "producer-sync")) g_mode = MODE_SYNC;
  else if (!strcmp(mode, "consumer")) g_mode = MODE_CONSUMER;
  else usagef("%s: unknown mode (producer-async, producer-sync, consumer, or --version)", mode);

  args_t a;
  memset(&a, 0, sizeof a);
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* -X settings are applied after every other argument is read, so that a bad argument is reported as one. */
  const char **xs = calloc((size_t)argc, sizeof *xs);
  int nx = 0;
  for (int i = 2; i < argc; i++) {
    const char *opt = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) usagef("%s: missing value", opt);
    i++;
    if (!strcmp(opt, "--topic")) a.topic = v;
    else if (!strcmp(opt, "--messages")) a.messages = parse_int(opt, v, 0, INT64_MAX / 2), a.have_messages = 1;
    else if (!strcmp(opt, "--warmup")) a.warmup = parse_int(opt, v, 0, INT64_MAX / 2), a.have_warmup = 1;
    else if (!strcmp(opt, "--size")) a.size = parse_int(opt, v, 0, 1000000000LL), a.have_size = 1;
    else if (!strcmp(opt, "--first-seq")) a.first_seq = parse_int(opt, v, 0, INT64_MAX / 2), a.have_first_seq = 1;
    else if (!strcmp(opt, "--payload-source")) a.payload_source = v;
    else if (!strcmp(opt, "--payload-stride")) a.stride = parse_int(opt, v, 0, INT64_MAX / 2), a.have_stride = 1;
    else if (!strcmp(opt, "--rate")) a.rate = parse_rate(v);
    else if (!strcmp(opt, "--duration-ms")) a.duration_ms = parse_int(opt, v, 1, 1000000000000LL);
    else if (!strcmp(opt, "--warmup-topic")) a.warmup_topic = v;
    else if (!strcmp(opt, "--partitions")) parse_partitions(&a, v);
    else if (!strcmp(opt, "--timeout-ms")) g_timeout_ms = parse_int(opt, v, 1, 1000000000000LL);
    else if (!strcmp(opt, "--result-file")) g_result_file = v;
    else if (!strcmp(opt, "-X")) xs[nx++] = v;
    else usagef("%s: unknown option", opt);
  }
  g_deadline_ns = started + g_timeout_ms * 1000000LL;
  if (!a.topic || !*a.topic) usagef("--topic: required");
  if (!a.have_messages) usagef("--messages: required");
  if (!a.have_warmup) usagef("--warmup: required");
  if (!a.have_size) usagef("--size: required");
  if (g_mode != MODE_CONSUMER) {
    if (!a.have_first_seq) usagef("--first-seq: required");
    if (!a.payload_source) usagef("--payload-source: required");
    if (!a.have_stride) usagef("--payload-stride: required");
    if (a.nparts) usagef("--partitions: only the consumer reads given partitions (producers let the partitioner choose)");
    if (a.warmup_topic) usagef("--warmup-topic: only the consumer reads a warm-up topic (producers send the warm-up to --topic)");
    if (a.duration_ms && a.rate > 0) usagef("--duration-ms: only unpaced producers are timed (a paced arm sends --messages on its schedule)");
  } else if (a.rate > 0) {
    usagef("--rate: only producers are paced");
  } else if (a.duration_ms) {
    usagef("--duration-ms: only producers are timed");
  }
  for (int i = 0; i < nx; i++) conf_kv(conf, xs[i]);
  free(xs);

  pthread_t wd;
  if (pthread_create(&wd, NULL, watchdog, NULL) == 0) pthread_detach(wd);

  switch (g_mode) {
    case MODE_ASYNC: return run_async(conf, &a);
    case MODE_SYNC: return run_sync(conf, &a);
    default: return run_consumer(conf, &a);
  }
}
