/*
 * What every C contender measures the same way: monotonic wall time, process CPU time,
 * context switches of the whole process (all its threads, so a library's worker threads
 * count too), and resident memory.
 */
#ifndef HAZY_BENCH_COMMON_H
#define HAZY_BENCH_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    double wall_s;
    double cpu_s;
    long csw; /* voluntary + involuntary */
} bench_mark;

static inline bench_mark bench_now(void) {
    struct timespec ts;
    struct rusage ru;
    bench_mark m;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    getrusage(RUSAGE_SELF, &ru);
    m.wall_s = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    m.cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
              (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    m.csw = ru.ru_nvcsw + ru.ru_nivcsw;
    return m;
}

/* One JSON line on stdout: the figures of `calls` calls between a and b. */
static inline void bench_report(const char *mode, long calls, bench_mark a, bench_mark b,
                                const char *extra) {
    double wall = b.wall_s - a.wall_s;
    printf("{\"mode\":\"%s\",\"calls\":%ld,\"wall_s\":%.6f,\"cpu_s\":%.6f,\"calls_per_s\":%.1f,"
           "\"csw_per_call\":%.4f%s%s}\n",
           mode, calls, wall, b.cpu_s - a.cpu_s, calls / wall,
           (double)(b.csw - a.csw) / (double)calls, extra[0] ? "," : "", extra);
    fflush(stdout);
}

/* `alive T`: two waves of T live threads; RSS in KiB and open sockets while they are alive
 * and after they are joined, against `before` (the program's own, before any thread). */
static inline void bench_alive_report(long threads, long before, const long alive[2], const long sockets[2],
                                      const long joined[2], const long sockets_joined[2], const double per_s[2]) {
    printf("{\"mode\":\"alive\",\"threads\":%ld,\"rss_before_kib\":%ld,\"rss_alive_kib\":%ld,"
           "\"rss_joined_kib\":%ld,\"rss_alive2_kib\":%ld,\"rss_joined2_kib\":%ld,\"sockets_alive\":%ld,"
           "\"sockets_joined\":%ld,\"sockets_alive2\":%ld,\"sockets_joined2\":%ld,\"calls_per_s\":%.1f,"
           "\"calls_per_s2\":%.1f}\n",
           threads, before, alive[0], joined[0], alive[1], joined[1], sockets[0], sockets_joined[0], sockets[1],
           sockets_joined[1], per_s[0], per_s[1]);
    fflush(stdout);
}

/* VmRSS in KiB from /proc/self/status; -1 if unreadable. */
static inline long bench_rss_kib(void) {
    char line[256];
    long kib = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL) {
        return -1;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kib = strtol(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kib;
}

/* Open sockets of this process (entries of /proc/self/fd that are sockets); -1 if unreadable. */
static inline long bench_sockets(void) {
    char path[64], target[64];
    long n = 0;
    /* Descriptors are small numbers; a scan needs no opendir and no extra header. */
    for (int fd = 0; fd < 4096; fd++) {
        ssize_t len;
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        len = readlink(path, target, sizeof target - 1);
        if (len > 0) {
            target[len] = '\0';
            n += strncmp(target, "socket:", 7) == 0;
        }
    }
    return n;
}

/* CLOCK_MONOTONIC in seconds: the clock the harness (Python's time.monotonic) reads too, so
 * that instants inside a contender can be set against its spawn. */
static inline double bench_monotonic(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline const char *bench_env(const char *name) {
    const char *v = getenv(name);
    if (v == NULL || v[0] == '\0') {
        fprintf(stderr, "bench: %s is not set\n", name);
        exit(2);
    }
    return v;
}

static inline long bench_arg(int argc, char **argv, int i, long fallback) {
    return argc > i ? strtol(argv[i], NULL, 10) : fallback;
}

#endif
