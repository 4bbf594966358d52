/*
 * The libhazy contender. Settings from the HAZY_* environment (hub, token URL, client);
 * BENCH_JOB_ID names the job to read.
 *
 *   hazy_bench seq N            authenticate, then N x hazy_job_get; figures of the loop only
 *   hazy_bench threads T M      one client, T threads x M hazy_job_get; + token request count
 *   hazy_bench stack            the bytes of a new thread's stack its one hazy_job_get touches
 *   hazy_bench rss N1 N2        RSS before the client, after authenticate, after N1 and N2 calls
 *   hazy_bench spawn N          one client, N times: a new thread, one hazy_job_get, join
 *   hazy_bench alive T          one client, T threads that each make one call and stay alive
 *                               until all have: RSS and sockets while alive and after the join,
 *                               in 16 waves (later waves must not add to what earlier ones left)
 *   hazy_bench cold PROJ FILE   authenticate and submit one training job, then exit (timed
 *                               from outside: process start to exit); reports the client's
 *                               token requests (0 when HAZY_TOKEN_CACHE holds a valid token)
 *                               and the instants (CLOCK_MONOTONIC) main started, the client was
 *                               made, authenticated, and the job submitted: the breakdown
 *
 * BENCH_LOG=error|warn|info|debug|trace gives the client a log callback at that level (see
 * log_record below); `seq` then adds "log_level", "log_records" (records during the timed
 * loop) and "log_empty" (records without event name or message, expected 0) to its JSON.
 * Unset, empty or "off": no callback, and the client is made from the environment alone
 * (hazy_client_new(NULL, ...)), as before.
 */
#include <pthread.h>

#include "common.h"
#include "hazy.h"

/* Weak, so that this program still loads a libhazy from before the log callback (the
 * harness's --baseline-lib-dir); BENCH_LOG then fails with a message instead. */
#pragma weak hazy_options_set_log_callback
#pragma weak hazy_log_record_event
#pragma weak hazy_log_record_message

static hazy_client_t *client;
static const char *job_id;

/* Records the callback received, and those among them with an empty event name or message
 * (none expected). Updated atomically: a callback may run on several threads at once. */
static unsigned long log_records, log_empty;

static void die(const char *what, hazy_status status, hazy_error_t *error) {
    fprintf(stderr, "hazy_bench: %s: %s: %s\n", what, hazy_status_name((int32_t)status),
            hazy_error_message(error));
    hazy_error_free(error);
    exit(1);
}

/* What a cheap real callback does: look at the record's event name and message (a real one
 * would format or queue them) and count it. No I/O, no lock. */
static void log_record(const hazy_log_record_t *record, void *userdata) {
    const char *event = hazy_log_record_event(record);
    const char *message = hazy_log_record_message(record);
    (void)userdata;
    __atomic_fetch_add(&log_records, 1, __ATOMIC_RELAXED);
    if (event[0] == '\0' || message[0] == '\0') {
        __atomic_fetch_add(&log_empty, 1, __ATOMIC_RELAXED);
    }
}

static unsigned long log_count(void) {
    return __atomic_load_n(&log_records, __ATOMIC_RELAXED);
}

/* BENCH_LOG as a hazy_log_level; HAZY_LOG_LEVEL_OFF when unset or empty. */
static hazy_log_level log_level(void) {
    static const char *const names[] = {"off", "error", "warn", "info", "debug", "trace"};
    const char *v = getenv("BENCH_LOG");
    if (v == NULL || v[0] == '\0') {
        return HAZY_LOG_LEVEL_OFF;
    }
    for (int i = 0; i < 6; i++) {
        if (strcmp(v, names[i]) == 0) {
            return (hazy_log_level)i;
        }
    }
    fprintf(stderr, "hazy_bench: BENCH_LOG=%s is not one of off, error, warn, info, debug, trace\n", v);
    exit(2);
}

static void setup(void) {
    hazy_error_t *error = NULL;
    hazy_log_level level = log_level();
    hazy_status s;
    if (level == HAZY_LOG_LEVEL_OFF) {
        s = hazy_client_new(NULL, &client, &error);
    } else {
        /* The same settings as hazy_client_new(NULL, ...), plus the callback. */
        hazy_options_t *options;
        if (hazy_options_set_log_callback == NULL) {
            fprintf(stderr, "hazy_bench: BENCH_LOG is set but this libhazy has no log callback\n");
            exit(2);
        }
        options = hazy_options_new();
        s = hazy_options_load_env(options, &error);
        if (s != HAZY_STATUS_OK) {
            die("hazy_options_load_env", s, error);
        }
        s = hazy_options_set_log_callback(options, log_record, NULL, (int32_t)level, &error);
        if (s != HAZY_STATUS_OK) {
            die("hazy_options_set_log_callback", s, error);
        }
        s = hazy_client_new(options, &client, &error);
        hazy_options_free(options);
    }
    if (s != HAZY_STATUS_OK) {
        die("hazy_client_new", s, error);
    }
    s = hazy_authenticate(client, &error);
    if (s != HAZY_STATUS_OK) {
        die("hazy_authenticate", s, error);
    }
}

static void get_jobs(long n) {
    for (long i = 0; i < n; i++) {
        hazy_job_t *job = NULL;
        hazy_error_t *error = NULL;
        hazy_status s = hazy_job_get(client, job_id, &job, &error);
        if (s != HAZY_STATUS_OK) {
            die("hazy_job_get", s, error);
        }
        if (strcmp(hazy_job_id(job), job_id) != 0) {
            fprintf(stderr, "hazy_bench: wrong job id in the answer\n");
            exit(1);
        }
        hazy_job_free(job);
    }
}

static void *thread_main(void *arg) {
    get_jobs(*(long *)arg);
    return NULL;
}

static int run_threads(long threads, long calls) {
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    char extra[96];
    bench_mark a, b;
    a = bench_now();
    for (long t = 0; t < threads; t++) {
        if (pthread_create(&tids[t], NULL, thread_main, &calls) != 0) {
            fprintf(stderr, "hazy_bench: pthread_create failed\n");
            return 1;
        }
    }
    for (long t = 0; t < threads; t++) {
        pthread_join(tids[t], NULL);
    }
    b = bench_now();
    free(tids);
    snprintf(extra, sizeof extra, "\"threads\":%ld,\"token_requests\":%llu", threads,
             (unsigned long long)hazy_token_request_count(client));
    bench_report("threads", threads * calls, a, b, extra);
    return 0;
}

static void *spawned_main(void *arg) {
    (void)arg;
    get_jobs(1);
    return NULL;
}

/* A thread per call, as a server that spawns one per message does. */
static int run_spawn(long n) {
    bench_mark a, b;
    char extra[96];
    pthread_t tid;
    for (long i = 0; i <= n; i++) {
        if (i == 1) {
            a = bench_now(); /* the first thread's call, untimed, opens the first connection */
        }
        if (pthread_create(&tid, NULL, spawned_main, NULL) != 0 || pthread_join(tid, NULL) != 0) {
            fprintf(stderr, "hazy_bench: pthread_create failed\n");
            return 1;
        }
    }
    b = bench_now();
    snprintf(extra, sizeof extra, "\"token_requests\":%llu", (unsigned long long)hazy_token_request_count(client));
    bench_report("spawn", n, a, b, extra);
    return 0;
}

static void *alive_main(void *arg) {
    (void)arg;
    get_jobs(1);
    bench_alive_hold();
    return NULL;
}

static int run_alive(long threads, long waves) {
    get_jobs(1); /* the main thread's own call: what the program had before its threads */
    bench_alive(threads, waves, alive_main);
    return 0;
}

static int run_rss(long n1, long n2) {
    long before = bench_rss_kib(), authenticated, after_n1, after_n2;
    char extra[256];
    bench_mark a, mid, b;
    setup();
    authenticated = bench_rss_kib();
    a = bench_now();
    get_jobs(n1);
    mid = bench_now();
    after_n1 = bench_rss_kib();
    get_jobs(n2 - n1);
    b = bench_now();
    after_n2 = bench_rss_kib();
    /* Reading /proc between the two parts costs microseconds, against seconds of calls. */
    snprintf(extra, sizeof extra,
             "\"rss_before_kib\":%ld,\"rss_authenticated_kib\":%ld,\"rss_after_n1_kib\":%ld,"
             "\"rss_after_n2_kib\":%ld,\"n1\":%ld,\"n2\":%ld,\"n1_calls_per_s\":%.1f",
             before, authenticated, after_n1, after_n2, n1, n2, (double)n1 / (mid.wall_s - a.wall_s));
    bench_report("rss", n2, a, b, extra);
    return 0;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    char *text;
    long size;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "hazy_bench: cannot read %s\n", path);
        exit(2);
    }
    text = malloc((size_t)size + 1);
    if (text == NULL || fread(text, 1, (size_t)size, f) != (size_t)size) {
        exit(2);
    }
    text[size] = '\0';
    fclose(f);
    return text;
}

static int run_cold(const char *project, const char *config_path, double t_main) {
    char *config = read_file(config_path);
    hazy_job_t *job = NULL;
    hazy_error_t *error = NULL;
    hazy_status s;
    double t_new, t_auth, t_train;
    s = hazy_client_new(NULL, &client, &error);
    if (s != HAZY_STATUS_OK) {
        die("hazy_client_new", s, error);
    }
    t_new = bench_monotonic();
    s = hazy_authenticate(client, &error);
    if (s != HAZY_STATUS_OK) {
        die("hazy_authenticate", s, error);
    }
    t_auth = bench_monotonic();
    s = hazy_train(client, project, config, &job, &error);
    if (s != HAZY_STATUS_OK) {
        die("hazy_train", s, error);
    }
    t_train = bench_monotonic();
    printf("{\"mode\":\"cold\",\"submitted\":%d,\"token_requests\":%llu,\"t_main\":%.6f,\"t_client_new\":%.6f,"
           "\"t_authenticated\":%.6f,\"t_trained\":%.6f}\n",
           hazy_job_id(job)[0] != '\0', (unsigned long long)hazy_token_request_count(client), t_main, t_new,
           t_auth, t_train);
    hazy_job_free(job);
    free(config);
    return 0;
}

int main(int argc, char **argv) {
    double t_main = bench_monotonic();
    const char *mode = argc > 1 ? argv[1] : "";
    int rc;
    if (strcmp(mode, "cold") == 0 && argc == 4) {
        rc = run_cold(argv[2], argv[3], t_main);
    } else {
        job_id = bench_env("BENCH_JOB_ID");
        if (strcmp(mode, "seq") == 0) {
            bench_mark a, b;
            unsigned long records;
            char extra[128] = "";
            setup();
            get_jobs(1); /* the connection is opened outside the timed loop, as for all */
            records = log_count();
            a = bench_now();
            get_jobs(bench_arg(argc, argv, 2, 1000));
            b = bench_now();
            records = log_count() - records;
            if (log_level() != HAZY_LOG_LEVEL_OFF) {
                snprintf(extra, sizeof extra, "\"log_level\":\"%s\",\"log_records\":%lu,\"log_empty\":%lu",
                         getenv("BENCH_LOG"), records, __atomic_load_n(&log_empty, __ATOMIC_RELAXED));
            }
            bench_report("seq", bench_arg(argc, argv, 2, 1000), a, b, extra);
            rc = 0;
        } else if (strcmp(mode, "threads") == 0) {
            setup();
            rc = run_threads(bench_arg(argc, argv, 2, 64), bench_arg(argc, argv, 3, 1000));
        } else if (strcmp(mode, "spawn") == 0) {
            setup();
            rc = run_spawn(bench_arg(argc, argv, 2, 1000));
        } else if (strcmp(mode, "alive") == 0) {
            setup();
            rc = run_alive(bench_arg(argc, argv, 2, 256), bench_arg(argc, argv, 3, 16));
        } else if (strcmp(mode, "stack") == 0) {
            setup();
            get_jobs(1);
            bench_stack_touched(spawned_main);
            rc = 0;
        } else if (strcmp(mode, "rss") == 0) {
            rc = run_rss(bench_arg(argc, argv, 2, 1000), bench_arg(argc, argv, 3, 6000));
        } else {
            fprintf(stderr, "usage: hazy_bench seq N | threads T M | spawn N | alive T | stack | rss N1 N2 | cold PROJ FILE\n");
            return 2;
        }
    }
    hazy_free(client);
    return rc;
}
