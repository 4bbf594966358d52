/*
 * The client's lifetime in the ABI: hazy_free and hazy_client_close while other threads are
 * inside hazy_job_get and hazy_job_wait. A slow local HTTP server (a thread of this program)
 * keeps every call in flight long enough to be overtaken. Checks: no memory error (valgrind
 * and ASan runs of this program), calls in flight finish or end with HAZY_STATUS_CLOSED,
 * every wait returns HAZY_STATUS_CLOSED within 100 ms of the close, and after
 * hazy_client_close every new call returns HAZY_STATUS_CLOSED.
 */
#define _POSIX_C_SOURCE 200809L
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hazy.h"

#include "../common/check.h"

static double worst_ms;

/* How long the server takes to answer, and so how long each call stays in flight. */
#define ANSWER_DELAY_MS 150
#define GETTERS 3
#define WAITERS 3

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- a slow HTTP/1.1 server: every request gets the same running job ------------------ */

static const char JOB[] =
    "{\"id\":\"job-1\",\"project_id\":\"p1\",\"kind\":\"train\",\"state\":\"running\","
    "\"progress\":0.5}";

/* Requests received so far; the close waits until every call has sent one. */
static int received;
static pthread_mutex_t received_lock = PTHREAD_MUTEX_INITIALIZER;

static int requests_received(void) {
    pthread_mutex_lock(&received_lock);
    int n = received;
    pthread_mutex_unlock(&received_lock);
    return n;
}

static void *serve_connection(void *arg) {
    int fd = (int)(long)arg;
    char buf[8192];
    size_t have = 0;
    for (;;) {
        ssize_t n = recv(fd, buf + have, sizeof buf - have - 1, 0);
        if (n <= 0) break;
        have += (size_t)n;
        buf[have] = 0;
        char *end;
        while ((end = strstr(buf, "\r\n\r\n")) != NULL) { /* GETs only: no body */
            char reply[512];
            int len = snprintf(reply, sizeof reply,
                               "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                               "content-length: %zu\r\n\r\n%s",
                               sizeof JOB - 1, JOB);
            pthread_mutex_lock(&received_lock);
            received++;
            pthread_mutex_unlock(&received_lock);
            sleep_ms(ANSWER_DELAY_MS);
            if (send(fd, reply, (size_t)len, MSG_NOSIGNAL) != len) goto done;
            size_t used = (size_t)(end + 4 - buf);
            memmove(buf, end + 4, have - used + 1);
            have -= used;
        }
    }
done:
    close(fd);
    return NULL;
}

static void *serve(void *arg) {
    int listener = (int)(long)arg;
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) return NULL;
        pthread_t t;
        pthread_create(&t, NULL, serve_connection, (void *)(long)fd);
        pthread_detach(t);
    }
}

static unsigned start_server(void) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
        perror("server");
        exit(2);
    }
    pthread_t t;
    pthread_create(&t, NULL, serve, (void *)(long)fd);
    pthread_detach(t);
    return ntohs(addr.sin_port);
}

/* ---- the calls overtaken by a close ------------------------------------------------- */

struct call {
    hazy_client_t *client;
    int wait; /* hazy_job_wait, else hazy_job_get */
    hazy_status status;
    double returned_ms;
};

static void *make_call(void *arg) {
    struct call *c = arg;
    hazy_job_t *job = NULL;
    hazy_error_t *err = NULL;
    if (c->wait)
        c->status = hazy_job_wait(c->client, "job-1", 0, NULL, NULL, NULL, &job, &err);
    else
        c->status = hazy_job_get(c->client, "job-1", &job, &err);
    c->returned_ms = now_ms();
    hazy_job_free(job);
    hazy_error_free(err);
    return NULL;
}

static hazy_client_t *new_client(unsigned port) {
    char host[64];
    hazy_options_t *o = hazy_options_new();
    hazy_client_t *client = NULL;
    snprintf(host, sizeof host, "http://127.0.0.1:%u", port);
    hazy_options_set(o, "host", host, NULL);
    hazy_options_set(o, "access_token", "lifetime-test-token", NULL);
    hazy_options_set(o, "poll_interval_ms", "20", NULL);
    if (hazy_client_new(o, &client, NULL) != HAZY_STATUS_OK) exit(2);
    hazy_options_free(o);
    return client;
}

/* Closes (or frees) the client while GETTERS gets and WAITERS waits are in flight. */
static void close_during_calls(unsigned port, int use_free, double bound_ms) {
    const char *how = use_free ? "hazy_free" : "hazy_client_close";
    hazy_client_t *client = new_client(port);
    struct call calls[GETTERS + WAITERS];
    pthread_t threads[GETTERS + WAITERS];
    int before = requests_received();
    for (int i = 0; i < GETTERS + WAITERS; i++) {
        calls[i] = (struct call){client, i >= GETTERS, HAZY_STATUS_OK, 0};
        pthread_create(&threads[i], NULL, make_call, &calls[i]);
    }
    /* Until every call is waiting for the server (a get) or polling it (a wait). */
    while (requests_received() - before < GETTERS + WAITERS) sleep_ms(5);
    sleep_ms(ANSWER_DELAY_MS / 3);
    double closed_at = now_ms();
    if (use_free)
        hazy_free(client);
    else
        hazy_client_close(client);

    if (!use_free) {
        /* Later calls get the same status. */
        hazy_job_t *job = NULL;
        hazy_error_t *err = NULL;
        hazy_status st = hazy_job_get(client, "job-1", &job, &err);
        CHECK_MSG(st == HAZY_STATUS_CLOSED && job == NULL, "%s: a later get returned %s",
              how, hazy_status_name(st));
        hazy_error_free(err);
        st = hazy_authenticate(client, &err);
        CHECK_MSG(st == HAZY_STATUS_CLOSED, "%s: a later authenticate returned %s", how,
              hazy_status_name(st));
        hazy_error_free(err);
        hazy_client_close(client); /* idempotent */
    }
    for (int i = 0; i < GETTERS + WAITERS; i++) {
        pthread_join(threads[i], NULL);
        double after = calls[i].returned_ms - closed_at;
        if (calls[i].wait) {
            CHECK_MSG(calls[i].status == HAZY_STATUS_CLOSED, "%s: a wait returned %s", how,
                  hazy_status_name(calls[i].status));
            CHECK_MSG(after < bound_ms, "%s: a wait returned %.1f ms after the close (bound %.0f ms)",
                  how, after, bound_ms);
            if (after > worst_ms) worst_ms = after;
        } else {
            /* A get in flight finishes its request. */
            CHECK_MSG(calls[i].status == HAZY_STATUS_OK, "%s: a get in flight returned %s", how,
                  hazy_status_name(calls[i].status));
        }
    }
    if (!use_free) hazy_free(client);
    hazy_free(NULL);
    hazy_client_close(NULL);
}

int main(void) {
    /* 100 ms, the documented promise. Valgrind runs one thread at a time, many times slower,
     * so its run passes a looser bound (2 s, tests/c/Makefile): there it checks memory, not timing. The native
     * and ASan runs hold the 100 ms. */
    const char *bound = getenv("HAZY_TEST_CLOSE_BOUND_MS");
    double bound_ms = bound ? atof(bound) : 100;
    unsigned port = start_server();
    close_during_calls(port, 0, bound_ms);
    close_during_calls(port, 1, bound_ms);
    printf("lifetime: %d passed, %d failed; slowest wait ended %.1f ms after the close\n",
           passed, failed, worst_ms);
    return failed == 0 ? 0 : 1;
}
