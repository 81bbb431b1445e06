/* bench/runner.c - starts one bench client and measures that process alone.

     runner RESULT_FILE PROGRAM [ARGS...]

   Why not measure from Python directly: Linux's peak RSS (ru_maxrss) of a
   process includes the memory of the process it was forked from, up to the
   exec (the old mm's high-water mark is carried over).  Forked from the
   Python driver, every client would report at least the driver's ~35 MB.
   Forked from this small program, a client's ru_maxrss is its own.

   With $BENCH_PRELOAD set, the client (not this runner) gets it as
   LD_PRELOAD.  SIGTERM/SIGINT to the runner kill the client.  Writes one
   JSON line to RESULT_FILE: wall, user, sys, maxrss_kb, pid, status. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child;

static void on_signal(int sig) {
    (void)sig;
    if (child > 0) kill(child, SIGKILL);
}

int main(int argc, char **argv) {
    struct timespec t0, t1;
    struct rusage ru;
    struct sigaction sa;
    int status = 0, code;
    pid_t pid;
    FILE *f;
    if (argc < 3) {
        fprintf(stderr, "usage: runner RESULT_FILE PROGRAM [ARGS...]\n");
        return 2;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid = fork();
    if (pid < 0) { perror("runner: fork"); return 125; }
    if (pid == 0) {
        const char *pre = getenv("BENCH_PRELOAD");
        if (pre && *pre) setenv("LD_PRELOAD", pre, 1);
        execv(argv[2], argv + 2);
        perror("runner: exec");
        _exit(127);
    }
    child = pid;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) { perror("runner: wait4"); return 125; }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    f = fopen(argv[1], "w");
    if (!f) { perror("runner: result file"); return 125; }
    fprintf(f, "{\"wall\":%.6f,\"user\":%.6f,\"sys\":%.6f,\"maxrss_kb\":%ld,\"pid\":%d,\"status\":%d}\n",
            (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
            ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6, ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
            ru.ru_maxrss, (int)pid, code);
    fclose(f);
    return code;
}
