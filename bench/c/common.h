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
