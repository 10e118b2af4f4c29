/*
 * kbench-exec: run a command so that it can never outlive kbench, and report what it cost.
 *
 *   kbench-exec [--rusage FILE] -- command [args...]
 *
 * - The command (and this wrapper) get SIGKILL when the process that started the wrapper dies
 *   (PR_SET_PDEATHSIG), so a crashed or killed kbench leaves no JVM or driver process behind.
 * - SIGTERM / SIGINT / SIGHUP sent to the wrapper are forwarded to the command.
 * - When the command ends, its rusage from wait4() (user and system CPU, peak RSS) is written
 *   to FILE as one JSON object, and the wrapper exits with the command's status.
 * Node cannot read a child's rusage itself; this is the smallest way to get it for every arm.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child_pid = 0;

static void forward(int sig) {
  if (child_pid > 0) kill(child_pid, sig);
}

static void die_with_parent(pid_t expected_parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  /* The parent may have died between fork and prctl. */
  if (getppid() != expected_parent) _exit(137);
}

static long long tv_us(struct timeval tv) {
  return (long long)tv.tv_sec * 1000000LL + tv.tv_usec;
}

int main(int argc, char **argv) {
  const char *rusage_path = NULL;
  int i = 1;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "--rusage") == 0 && i + 1 < argc) {
      rusage_path = argv[++i];
    } else if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    } else {
      fprintf(stderr, "kbench-exec: unknown argument '%s'\n", argv[i]);
      return 2;
    }
  }
  if (i >= argc) {
    fprintf(stderr, "usage: kbench-exec [--rusage FILE] -- command [args...]\n");
    return 2;
  }

  die_with_parent(getppid());

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = forward;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGUSR2, &sa, NULL);

  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t self = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "kbench-exec: fork failed: %s\n", strerror(errno));
    return 127;
  }
  if (pid == 0) {
    die_with_parent(self);
    /* Restore default dispositions before exec. */
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    execvp(argv[i], &argv[i]);
    fprintf(stderr, "kbench-exec: cannot run '%s': %s\n", argv[i], strerror(errno));
    _exit(127);
  }
  child_pid = pid;

  int status = 0;
  struct rusage ru;
  memset(&ru, 0, sizeof ru);
  for (;;) {
    pid_t r = wait4(pid, &status, 0, &ru);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) {
      fprintf(stderr, "kbench-exec: wait4 failed: %s\n", strerror(errno));
      return 127;
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);

  int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  int term_sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  if (rusage_path) {
    FILE *f = fopen(rusage_path, "w");
    if (f) {
      long long wall_us =
          (long long)(t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000;
      fprintf(f,
              "{\"userUs\":%lld,\"sysUs\":%lld,\"maxRssKb\":%ld,\"wallUs\":%lld,"
              "\"exitCode\":%d,\"signal\":%d}\n",
              tv_us(ru.ru_utime), tv_us(ru.ru_stime), ru.ru_maxrss, wall_us, exit_code, term_sig);
      fclose(f);
    }
  }
  if (term_sig) return 128 + term_sig;
  return exit_code;
}
