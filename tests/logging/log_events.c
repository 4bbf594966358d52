/*
 * The C side of the logging suite (tests/logging/run.py): registers a log callback at
 * HAZY_LOG_LEVEL_TRACE, makes the calls of one case against the real stack, and prints every
 * record it received as a JSON line, then one "result" line. run.py arms the faults before,
 * and checks the events, their order and fields, and what the simulator received.
 *
 *   log_events train|replay|keycloak|reentry|slow PROJECT CONFIG_JSON
 *
 * Settings come from the HAZY_* environment (hazy_options_load_env). In the "keycloak" case
 * the program prints {"ready":true} after its first token and waits for a line on stdin
 * (run.py stops Keycloak's forwarder meanwhile), then authenticates again.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hazy.h"
#include "json_string.h"

#define MAX_RECORDS 4096

typedef struct {
    char *event, *message, *method, *url, *request_id, *job_id, *trace_id, *span_id;
    int level, http_status, slow_thread;
    unsigned attempt;
    long long delay_ms, elapsed_ms;
} record_t;

static record_t records[MAX_RECORDS];
static size_t n_records;
static pthread_mutex_t records_lock = PTHREAD_MUTEX_INITIALIZER;

/* The "reentry" case: the client the callback calls back into, and what that call returned. */
static hazy_client_t *reentry_client;
static int reentry_status = -1;
/* The "slow" case: records made on the slow thread sleep in the callback for a second. */
static __thread int on_slow_thread;

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void capture(const hazy_log_record_t *r, void *userdata) {
    (void)userdata;
    if (reentry_client && reentry_status == -1) {
        /* Must be refused with a status, not deadlock or crash. */
        hazy_job_t *job = NULL;
        hazy_error_t *err = NULL;
        reentry_status = hazy_job_get(reentry_client, "any-job", &job, &err);
        hazy_job_free(job);
        hazy_error_free(err);
    }
    pthread_mutex_lock(&records_lock);
    if (n_records < MAX_RECORDS) {
        record_t *c = &records[n_records++];
        c->level = (int)hazy_log_record_level(r);
        c->event = strdup(hazy_log_record_event(r));
        c->message = strdup(hazy_log_record_message(r));
        c->method = dup_or_null(hazy_log_record_method(r));
        c->url = dup_or_null(hazy_log_record_url(r));
        c->request_id = dup_or_null(hazy_log_record_request_id(r));
        c->job_id = dup_or_null(hazy_log_record_job_id(r));
        c->trace_id = dup_or_null(hazy_log_record_trace_id(r));
        c->span_id = dup_or_null(hazy_log_record_span_id(r));
        c->http_status = hazy_log_record_http_status(r);
        c->attempt = hazy_log_record_attempt(r);
        c->delay_ms = hazy_log_record_delay_ms(r);
        c->elapsed_ms = hazy_log_record_elapsed_ms(r);
        c->slow_thread = on_slow_thread;
    }
    pthread_mutex_unlock(&records_lock);
    if (on_slow_thread) {
        struct timespec second = {1, 0};
        nanosleep(&second, NULL);
    }
}

/* The names of record_t's texts, in their order there. */
static const char *const TEXT_FIELDS[] = {"event", "message", "method", "url", "request_id", "job_id", "trace_id", "span_id"};

static void print_records(void) {
    pthread_mutex_lock(&records_lock);
    for (size_t i = 0; i < n_records; i++) {
        record_t *c = &records[i];
        char *texts[] = {c->event, c->message, c->method, c->url, c->request_id, c->job_id, c->trace_id, c->span_id};
        printf("{\"record\":true,\"level\":");
        json_string(hazy_log_level_name(c->level));
        for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
            json_field(TEXT_FIELDS[t], texts[t]);
            free(texts[t]);
        }
        printf(",\"http_status\":%d,\"attempt\":%u,\"delay_ms\":%lld,\"elapsed_ms\":%lld,\"slow_thread\":%s}\n",
               c->http_status, c->attempt, c->delay_ms, c->elapsed_ms, c->slow_thread ? "true" : "false");
    }
    n_records = 0;
    pthread_mutex_unlock(&records_lock);
}

static void print_result(const char *what, hazy_status st, hazy_error_t *err, const hazy_job_t *job) {
    printf("{\"result\":");
    json_string(what);
    json_field("status", hazy_status_name(st));
    json_field("request_id", err ? hazy_error_request_id(err) : NULL);
    json_field("message", err ? hazy_error_message(err) : NULL);
    json_field("job_id", job ? hazy_job_id(job) : NULL);
    printf("}\n");
    fflush(stdout);
}

static int die(const char *what, hazy_error_t *err) {
    fprintf(stderr, "log_events: %s: %s\n", what, err ? hazy_error_message(err) : "?");
    hazy_error_free(err);
    return 2;
}

/* The "slow" case's other thread: job GETs timed while the slow thread sleeps in the callback. */
typedef struct {
    hazy_client_t *client;
    const char *job_id;
    double worst_s;
    int failures;
} fast_t;

static void *fast_calls(void *arg) {
    fast_t *f = arg;
    for (int i = 0; i < 10; i++) {
        hazy_job_t *job = NULL;
        double t = now_s();
        if (hazy_job_get(f->client, f->job_id, &job, NULL) != HAZY_STATUS_OK) f->failures++;
        double took = now_s() - t;
        if (took > f->worst_s) f->worst_s = took;
        hazy_job_free(job);
    }
    return NULL;
}

typedef struct {
    hazy_client_t *client;
    const char *job_id;
    double took_s;
} slow_t;

static void *slow_call(void *arg) {
    slow_t *s = arg;
    hazy_job_t *job = NULL;
    on_slow_thread = 1;
    double t = now_s();
    hazy_job_get(s->client, s->job_id, &job, NULL);
    s->took_s = now_s() - t;
    hazy_job_free(job);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: log_events train|replay|keycloak|reentry|slow PROJECT CONFIG_JSON\n");
        return 2;
    }
    const char *mode = argv[1], *project = argv[2], *config = argv[3];
    hazy_options_t *opts = hazy_options_new();
    hazy_client_t *client = NULL;
    hazy_error_t *err = NULL;
    hazy_job_t *job = NULL;
    if (hazy_options_load_env(opts, &err) != HAZY_STATUS_OK) return die("options", err);
    if (hazy_options_set_log_callback(opts, capture, NULL, HAZY_LOG_LEVEL_TRACE, &err) != HAZY_STATUS_OK)
        return die("set_log_callback", err);
    if (hazy_client_new(opts, &client, &err) != HAZY_STATUS_OK) return die("client_new", err);
    hazy_options_free(opts);

    hazy_status st = hazy_authenticate(client, &err);
    print_result("authenticate", st, err, NULL);
    hazy_error_free(err);
    err = NULL;
    int code = st == HAZY_STATUS_OK ? 0 : 1;

    if (strcmp(mode, "train") == 0 || strcmp(mode, "replay") == 0) {
        st = hazy_train(client, project, config, &job, &err);
        print_result("train", st, err, job);
    } else if (strcmp(mode, "keycloak") == 0) {
        print_records();
        printf("{\"ready\":true}\n");
        fflush(stdout);
        char line[16];
        if (!fgets(line, sizeof line, stdin)) return die("stdin closed", NULL);
        st = hazy_authenticate(client, &err);
        print_result("authenticate again", st, err, NULL);
    } else if (strcmp(mode, "reentry") == 0) {
        reentry_client = client;
        st = hazy_train(client, project, config, &job, &err);
        print_result("train", st, err, job);
        printf("{\"reentry_status\":");
        json_string(reentry_status < 0 ? NULL : hazy_status_name(reentry_status));
        printf("}\n");
    } else if (strcmp(mode, "slow") == 0) {
        st = hazy_train(client, project, config, &job, &err);
        print_result("train", st, err, job);
        if (st == HAZY_STATUS_OK) {
            slow_t slow = {client, hazy_job_id(job), 0};
            fast_t fast = {client, hazy_job_id(job), 0, 0};
            pthread_t a, b;
            pthread_create(&a, NULL, slow_call, &slow);
            struct timespec settle = {0, 100 * 1000 * 1000};
            nanosleep(&settle, NULL); /* the slow thread is inside its callback by now */
            pthread_create(&b, NULL, fast_calls, &fast);
            pthread_join(b, NULL);
            pthread_join(a, NULL);
            printf("{\"slow_call_s\":%.3f,\"fast_worst_s\":%.3f,\"fast_failures\":%d}\n",
                   slow.took_s, fast.worst_s, fast.failures);
        }
    } else {
        fprintf(stderr, "log_events: unknown case %s\n", mode);
        return 2;
    }
    if (st != HAZY_STATUS_OK) code = 1;
    hazy_error_free(err);
    hazy_job_free(job);
    hazy_free(client);
    print_records();
    return code;
}
