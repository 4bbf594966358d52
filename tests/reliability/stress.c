/*
 * Load on the C API against the real Keycloak and the Hub simulator.
 *
 *   stress calls THREADS CALLS_PER_THREAD MAX_RSS_GROWTH_KIB
 *       THREADS threads share one client and each make CALLS_PER_THREAD hazy_job_get calls.
 *       Passes with 0 errors and RSS growth after warm-up (the first 10% of calls) within
 *       MAX_RSS_GROWTH_KIB.
 *   stress cycles N MAX_RSS_GROWTH_KIB
 *       N times: hazy_client_new, hazy_authenticate (a real token request), hazy_free.
 *       Passes with every cycle OK, open fds back to their warm-up count and RSS growth
 *       within MAX_RSS_GROWTH_KIB.
 *
 * Settings: HAZY_TEST_HUB_URL and HAZY_TEST_TOKEN_URL (tests/stack/stack.py sets them).
 * RSS is read from /proc/self/statm and open fds are counted in /proc/self/fd: the figures
 * describe this process as the library left it, not an allocator's view.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hazy.h"

static const char *CONFIG =
    "{\"data_schema\":{\"tables\":[{\"name\":\"t\"}]},\"data_input\":[{\"name\":\"t\",\"location\":\"s3://bucket/t.csv\"}]}";

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(void) {
    long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld %ld", &size, &resident) != 2) {
        perror("statm");
        exit(2);
    }
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int open_fds(void) {
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    if (!d) {
        perror("/proc/self/fd");
        exit(2);
    }
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n - 1; /* the directory stream's own fd */
}

static const char *env(const char *name) {
    const char *v = getenv(name);
    if (!v || !*v) {
        fprintf(stderr, "%s is not set: run under tests/stack/stack.py\n", name);
        exit(2);
    }
    return v;
}

static void die(const char *what, hazy_error_t *err) {
    fprintf(stderr, "%s: %s: %s\n", what, hazy_status_name(hazy_error_status(err)), hazy_error_message(err));
    hazy_error_free(err);
    exit(1);
}

static hazy_client_t *new_client(void) {
    hazy_options_t *o = hazy_options_new();
    hazy_client_t *c = NULL;
    hazy_error_t *err = NULL;
    const char *settings[][2] = {
        {"host", env("HAZY_TEST_HUB_URL")},     {"token_url", env("HAZY_TEST_TOKEN_URL")},
        {"client_id", env("HAZY_TEST_CLIENT_ID")}, {"client_secret", env("HAZY_TEST_CLIENT_SECRET")},
    };
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
        if (hazy_options_set(o, settings[i][0], settings[i][1], &err) != HAZY_STATUS_OK) die("option", err);
    if (hazy_client_new(o, &c, &err) != HAZY_STATUS_OK) die("hazy_client_new", err);
    hazy_options_free(o);
    return c;
}

/* ---- calls: many threads, one client ---- */

struct shared {
    hazy_client_t *client;
    const char *job_id;
    long per_thread;
    atomic_long done;
    atomic_long errors;
    atomic_int running;
};

static void *worker(void *arg) {
    struct shared *s = arg;
    for (long i = 0; i < s->per_thread; i++) {
        hazy_job_t *job = NULL;
        hazy_error_t *err = NULL;
        hazy_status st = hazy_job_get(s->client, s->job_id, &job, &err);
        if (st != HAZY_STATUS_OK || strcmp(hazy_job_id(job), s->job_id) != 0) {
            if (atomic_fetch_add(&s->errors, 1) < 5)
                fprintf(stderr, "hazy_job_get: %s: %s\n", hazy_status_name(st), hazy_error_message(err));
        }
        hazy_job_free(job);
        hazy_error_free(err);
        atomic_fetch_add(&s->done, 1);
    }
    return NULL;
}

static int run_calls(int threads, long per_thread, long max_growth) {
    struct shared s = {.per_thread = per_thread};
    hazy_error_t *err = NULL;
    hazy_job_t *job = NULL;
    char project[64];
    long total = threads * per_thread, warm_mark = total / 10;
    long rss_start = rss_kib(), rss_warm = -1, rss_peak = 0, rss_mid = -1;
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);

    s.client = new_client();
    if (hazy_authenticate(s.client, &err) != HAZY_STATUS_OK) die("hazy_authenticate", err);
    snprintf(project, sizeof project, "stress-%ld", (long)getpid());
    if (hazy_train(s.client, project, CONFIG, &job, &err) != HAZY_STATUS_OK) die("hazy_train", err);
    s.job_id = hazy_job_id(job);

    double t0 = now_s();
    for (int i = 0; i < threads; i++) pthread_create(&tids[i], NULL, worker, &s);
    /* Sample from this thread while the workers run. */
    for (;;) {
        long done = atomic_load(&s.done), rss = rss_kib();
        if (rss_warm < 0 && done >= warm_mark) rss_warm = rss;
        if (rss_mid < 0 && done >= total / 2) rss_mid = rss;
        if (rss_warm >= 0 && rss > rss_peak) rss_peak = rss;
        if (done >= total) break;
        usleep(20000);
    }
    for (int i = 0; i < threads; i++) pthread_join(tids[i], NULL);
    double took = now_s() - t0;
    long rss_end = rss_kib(), errors = atomic_load(&s.errors);
    if (rss_end > rss_peak) rss_peak = rss_end;
    long growth = rss_peak - rss_warm;

    printf("stress: %ld calls (%d threads x %ld), %ld errors, %.1f s, %.0f calls/s\n", total, threads,
           per_thread, errors, took, (double)total / took);
    printf("stress: RSS %+ld KiB after warm-up (start %ld KiB, after %ld calls %ld KiB, half-way %ld KiB, "
           "peak %ld KiB, end %ld KiB; limit %+ld KiB)\n",
           growth, rss_start, warm_mark, rss_warm, rss_mid, rss_peak, rss_end, max_growth);
    hazy_job_free(job);
    hazy_free(s.client);
    free(tids);
    return errors == 0 && growth <= max_growth ? 0 : 1;
}

/* ---- cycles: create, authenticate, free ---- */

static int run_cycles(long n, long max_growth) {
    long warm_at = n / 10 > 10 ? n / 10 : 10;
    long rss_warm = 0, rss_peak = 0, failures = 0;
    int fds_warm = 0, fds_peak = 0;
    double t0 = now_s();
    for (long i = 1; i <= n; i++) {
        hazy_error_t *err = NULL;
        hazy_client_t *c = new_client();
        hazy_status st = hazy_authenticate(c, &err);
        if (st != HAZY_STATUS_OK && failures++ < 5)
            fprintf(stderr, "cycle %ld: %s: %s\n", i, hazy_status_name(st), hazy_error_message(err));
        hazy_error_free(err);
        hazy_free(c);
        long rss = rss_kib();
        int fds = open_fds();
        if (i == warm_at) rss_warm = rss, fds_warm = fds;
        if (i >= warm_at) {
            if (rss > rss_peak) rss_peak = rss;
            if (fds > fds_peak) fds_peak = fds;
        }
    }
    double took = now_s() - t0;
    /* Sockets of a freed client close on the runtime's threads; give them a moment. */
    int fds_end = open_fds();
    for (int i = 0; i < 50 && fds_end > fds_warm; i++) {
        usleep(20000);
        fds_end = open_fds();
    }
    long growth = rss_peak - rss_warm;
    printf("cycles: %ld create/authenticate/free cycles, %ld failed, %.1f s (%.1f ms each)\n", n, failures, took,
           took * 1000 / (double)n);
    printf("cycles: RSS %+ld KiB after warm-up (after %ld cycles %ld KiB, peak %ld KiB; limit %+ld KiB); "
           "open fds %d after warm-up, %d at most, %d at the end\n",
           growth, warm_at, rss_warm, rss_peak, max_growth, fds_warm, fds_peak, fds_end);
    return failures == 0 && growth <= max_growth && fds_end <= fds_warm ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "calls") == 0)
        return run_calls(atoi(argv[2]), atol(argv[3]), atol(argv[4]));
    if (argc == 4 && strcmp(argv[1], "cycles") == 0) return run_cycles(atol(argv[2]), atol(argv[3]));
    fprintf(stderr, "usage: %s calls THREADS CALLS_PER_THREAD MAX_RSS_GROWTH_KIB\n"
                    "       %s cycles N MAX_RSS_GROWTH_KIB\n", argv[0], argv[0]);
    return 2;
}
