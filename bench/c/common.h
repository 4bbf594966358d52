/*
 * What every C contender measures the same way: monotonic wall time, process CPU time,
 * context switches of the whole process (all its threads, so a library's worker threads
 * count too), and resident memory.
 */
#ifndef HAZY_BENCH_COMMON_H
#define HAZY_BENCH_COMMON_H

#include <pthread.h>
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

/* `alive T W`: W waves (16 by default, at most BENCH_ALIVE_WAVES_MAX) of T live threads, each of which makes one call with the
 * contender's own `thread_main`, calls bench_alive_hold(), and cleans up. RSS in KiB and open
 * sockets while they are alive and after they are joined, against the program's own before any
 * thread; the first wave's figures under the names the harness has always read, and the last
 * join's, so that growth across waves (not just between the first two) shows. */
#define BENCH_ALIVE_WAVES_MAX 64

static pthread_barrier_t bench_called, bench_release;

/* In an `alive` thread, after its call: wait until every thread has called and been measured. */
static inline void bench_alive_hold(void) {
    pthread_barrier_wait(&bench_called);
    pthread_barrier_wait(&bench_release);
}

typedef struct {
    long rss_alive, sockets_alive, rss_joined, sockets_joined;
    double calls_per_s; /* over the time until every thread had made its call */
} bench_wave;

static inline bench_wave bench_alive_wave(long threads, void *(*thread_main)(void *)) {
    bench_wave w;
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    double t0 = bench_monotonic();
    pthread_barrier_init(&bench_called, NULL, (unsigned)threads + 1);
    pthread_barrier_init(&bench_release, NULL, (unsigned)threads + 1);
    for (long t = 0; t < threads; t++) {
        if (tids == NULL || pthread_create(&tids[t], NULL, thread_main, NULL) != 0) {
            fprintf(stderr, "bench: cannot start thread %ld of %ld\n", t, threads);
            exit(1);
        }
    }
    pthread_barrier_wait(&bench_called);
    w.calls_per_s = (double)threads / (bench_monotonic() - t0);
    w.rss_alive = bench_rss_kib();
    w.sockets_alive = bench_sockets();
    pthread_barrier_wait(&bench_release);
    for (long t = 0; t < threads; t++) {
        pthread_join(tids[t], NULL);
    }
    w.rss_joined = bench_rss_kib();
    w.sockets_joined = bench_sockets();
    pthread_barrier_destroy(&bench_called);
    pthread_barrier_destroy(&bench_release);
    free(tids);
    return w;
}

/* The whole `alive T` run; `before` is taken after the caller's own first call. */
static inline void bench_alive(long threads, long waves, void *(*thread_main)(void *)) {
    bench_wave w[BENCH_ALIVE_WAVES_MAX];
    long before = bench_rss_kib();
    if (waves < 2 || waves > BENCH_ALIVE_WAVES_MAX) {
        fprintf(stderr, "bench: alive needs 2 to %d waves\n", BENCH_ALIVE_WAVES_MAX);
        exit(2);
    }
    for (long i = 0; i < waves; i++) {
        w[i] = bench_alive_wave(threads, thread_main);
    }
    printf("{\"mode\":\"alive\",\"threads\":%ld,\"waves\":%d,\"rss_before_kib\":%ld,\"rss_alive_kib\":%ld,"
           "\"rss_joined_kib\":%ld,\"rss_alive2_kib\":%ld,\"rss_joined2_kib\":%ld,\"rss_joined_last_kib\":%ld,"
           "\"sockets_alive\":%ld,\"sockets_joined\":%ld,\"sockets_alive2\":%ld,\"sockets_joined2\":%ld,"
           "\"calls_per_s\":%.1f,\"calls_per_s2\":%.1f,\"rss_joined_each_kib\":[",
           threads, (int)waves, before, w[0].rss_alive, w[0].rss_joined, w[1].rss_alive, w[1].rss_joined,
           w[waves - 1].rss_joined, w[0].sockets_alive, w[0].sockets_joined, w[1].sockets_alive,
           w[1].sockets_joined, w[0].calls_per_s, w[1].calls_per_s);
    for (long i = 0; i < waves; i++) {
        printf("%s%ld", i ? "," : "", w[i].rss_joined);
    }
    printf("]}\n");
    fflush(stdout);
}

/* `stack`: the bytes of a new thread's stack that one call touches. The thread runs on a
 * painted buffer (pthread_attr_setstack) and the paint left after the join is counted; glibc
 * keeps the thread's descriptor and static TLS at the top of a stack given this way, so those
 * count too, alike for every contender. The most of 3 threads, each after the program's own
 * untimed first call. */
#define BENCH_STACK_SIZE (1L << 20)

static inline long bench_stack_touched(void *(*thread_main)(void *)) {
    long most = 0;
    for (int i = 0; i < 3; i++) {
        unsigned char *stack = NULL;
        pthread_attr_t attr;
        pthread_t tid;
        long untouched = 0;
        if (posix_memalign((void **)&stack, 4096, BENCH_STACK_SIZE) != 0) {
            exit(1);
        }
        memset(stack, 0xA5, BENCH_STACK_SIZE);
        pthread_attr_init(&attr);
        pthread_attr_setstack(&attr, stack, BENCH_STACK_SIZE);
        if (pthread_create(&tid, &attr, thread_main, NULL) != 0 || pthread_join(tid, NULL) != 0) {
            fprintf(stderr, "bench: cannot run the stack thread\n");
            exit(1);
        }
        while (untouched < BENCH_STACK_SIZE && stack[untouched] == 0xA5) {
            untouched++;
        }
        if (BENCH_STACK_SIZE - untouched > most) {
            most = BENCH_STACK_SIZE - untouched;
        }
        pthread_attr_destroy(&attr);
        free(stack);
    }
    printf("{\"mode\":\"stack\",\"stack_bytes\":%ld}\n", most);
    fflush(stdout);
    return most;
}

#endif
