/*
 * The libcurl anchor: the same GET /api/v1/jobs/{id} with the same Authorization header, on
 * one easy handle per thread (so keep-alive reuses its connection). The token is fetched
 * once, with libcurl, from the same token endpoint (client credentials), before timing.
 * The body is collected and checked for the job id, not parsed.
 *
 *   curl_bench seq N          N sequential GETs on one handle
 *   curl_bench threads T M    T threads x M GETs, one handle each
 *   curl_bench spawn N        N times: a new thread with a new handle, one GET, join
 *   curl_bench alive T        T threads with a handle each, one GET each, alive until all
 *                             have: RSS and sockets (as hazy_bench alive)
 *   curl_bench stack          the bytes of a new thread's stack its one GET touches (as hazy_bench stack)
 *   curl_bench token N        N token requests, each on a new handle and connection: the
 *                             Keycloak round trip a cold start cannot avoid
 *
 * Environment: HAZY_HUB_HOST, HAZY_TOKEN_URL, HAZY_CLIENT_ID, HAZY_CLIENT_SECRET, BENCH_JOB_ID;
 * BENCH_CURL_SHARE=1: every handle joins one share handle (CURLSH) sharing connections, TLS
 * sessions and DNS, as libcurl advises for many threads; BENCH_CURL_SHARE=sessions: TLS sessions
 * and DNS only, for threads that run at once (libcurl does not support sharing connections
 * between concurrent threads: CURLSHOPT_SHARE(3), and `alive` crashed in glibc's tcache with
 * it); BENCH_CA: a CA file for https
 * (CURLOPT_CAINFO); BENCH_UA: the User-Agent, so a server's log can tell runs apart.
 */
#include <pthread.h>

#include <curl/curl.h>

#include "common.h"

typedef struct {
    char *data;
    size_t len, cap;
} buffer;

static char url[1024];
static struct curl_slist *headers;
static const char *job_id;
static CURLSH *share;
static pthread_mutex_t locks[CURL_LOCK_DATA_LAST];

static void lock(CURL *h, curl_lock_data data, curl_lock_access access, void *userptr) {
    (void)h, (void)access, (void)userptr;
    pthread_mutex_lock(&locks[data]);
}

static void unlock(CURL *h, curl_lock_data data, void *userptr) {
    (void)h, (void)userptr;
    pthread_mutex_unlock(&locks[data]);
}

/* BENCH_CURL_SHARE=1 or sessions: the share handle, with the locks libcurl needs across threads. */
static void setup_share(void) {
    const char *v = getenv("BENCH_CURL_SHARE");
    int connections = v != NULL && strcmp(v, "1") == 0;
    if (!connections && (v == NULL || strcmp(v, "sessions") != 0)) {
        return;
    }
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) {
        pthread_mutex_init(&locks[i], NULL);
    }
    share = curl_share_init();
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, lock);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, unlock);
    if (connections) {
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    }
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
}

static size_t collect(char *ptr, size_t size, size_t nmemb, void *userdata) {
    buffer *b = userdata;
    size_t n = size * nmemb;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *grown = realloc(b->data, cap);
        if (grown == NULL) {
            return 0;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

static void check(CURLcode rc, CURL *h, const char *what) {
    long status = 0;
    if (rc != CURLE_OK) {
        fprintf(stderr, "curl_bench: %s: %s\n", what, curl_easy_strerror(rc));
        exit(1);
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
        fprintf(stderr, "curl_bench: %s: HTTP %ld\n", what, status);
        exit(1);
    }
}

/* client_credentials, form-encoded; the token goes only into the header list. */
static void fetch_token(void) {
    CURL *h = curl_easy_init();
    buffer body = {0};
    char *id = curl_easy_escape(h, bench_env("HAZY_CLIENT_ID"), 0);
    char *secret = curl_easy_escape(h, bench_env("HAZY_CLIENT_SECRET"), 0);
    char form[1024], *start, *end, *header;
    snprintf(form, sizeof form, "grant_type=client_credentials&client_id=%s&client_secret=%s", id,
             secret);
    curl_free(id);
    curl_free(secret);
    curl_easy_setopt(h, CURLOPT_URL, bench_env("HAZY_TOKEN_URL"));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    check(curl_easy_perform(h), h, "token request");
    curl_easy_cleanup(h);
    start = body.data ? strstr(body.data, "\"access_token\":\"") : NULL;
    end = start ? strchr(start + 16, '"') : NULL;
    if (end == NULL) {
        fprintf(stderr, "curl_bench: no access_token in the token response\n");
        exit(1);
    }
    start += 16;
    header = malloc((size_t)(end - start) + 32);
    snprintf(header, (size_t)(end - start) + 32, "Authorization: Bearer %.*s", (int)(end - start),
             start);
    headers = curl_slist_append(NULL, header);
    headers = curl_slist_append(headers, "Accept: application/json");
    memset(header, 0, strlen(header));
    free(header);
    memset(body.data, 0, body.len);
    free(body.data);
}

static CURL *new_handle(buffer *body) {
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (getenv("BENCH_CA") != NULL) {
        curl_easy_setopt(h, CURLOPT_CAINFO, getenv("BENCH_CA"));
    }
    if (getenv("BENCH_UA") != NULL) {
        curl_easy_setopt(h, CURLOPT_USERAGENT, getenv("BENCH_UA"));
    }
    if (share != NULL) {
        curl_easy_setopt(h, CURLOPT_SHARE, share);
    }
    return h;
}

static void get_job(CURL *h, buffer *body) {
    body->len = 0;
    check(curl_easy_perform(h), h, "job GET");
    if (body->data == NULL || strstr(body->data, job_id) == NULL) {
        fprintf(stderr, "curl_bench: the answer does not name the job\n");
        exit(1);
    }
}

/* `n` GETs on a new handle; with `start`, one more first, then *start is taken. */
static void get_jobs(long n, bench_mark *start) {
    buffer body = {0};
    CURL *h = new_handle(&body);
    if (start != NULL) {
        n++;
    }
    for (long i = 0; i < n; i++) {
        if (start != NULL && i == 1) {
            *start = bench_now();
        }
        get_job(h, &body);
    }
    free(body.data);
    curl_easy_cleanup(h);
}

static void *thread_main(void *arg) {
    get_jobs(*(long *)arg, NULL);
    return NULL;
}

static void *alive_main(void *arg) {
    buffer body = {0};
    CURL *h = new_handle(&body);
    (void)arg;
    get_job(h, &body);
    bench_alive_hold();
    free(body.data);
    curl_easy_cleanup(h);
    return NULL;
}

static void *spawned_main(void *arg) {
    (void)arg;
    get_jobs(1, NULL);
    return NULL;
}

/* One token request on a new handle (and so a new connection), timed. */
static double token_request_s(void) {
    double t0 = bench_monotonic();
    curl_slist_free_all(headers);
    fetch_token();
    return bench_monotonic() - t0;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    bench_mark a, b;
    char extra[64];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    job_id = bench_env("BENCH_JOB_ID");
    snprintf(url, sizeof url, "%s/api/v1/jobs/%s", bench_env("HAZY_HUB_HOST"), job_id);
    setup_share();
    fetch_token();
    if (strcmp(mode, "spawn") == 0) {
        long n = bench_arg(argc, argv, 2, 1000);
        pthread_t tid;
        for (long i = 0; i <= n; i++) {
            if (i == 1) {
                a = bench_now(); /* the first thread's GET, untimed, opens the first connection */
            }
            if (pthread_create(&tid, NULL, spawned_main, NULL) != 0 || pthread_join(tid, NULL) != 0) {
                return 1;
            }
        }
        b = bench_now();
        bench_report("spawn", n, a, b, share != NULL ? "\"share\":1" : "\"share\":0");
    } else if (strcmp(mode, "alive") == 0) {
        get_jobs(1, NULL);
        bench_alive(bench_arg(argc, argv, 2, 256), bench_arg(argc, argv, 3, 16), alive_main);
    } else if (strcmp(mode, "stack") == 0) {
        get_jobs(1, NULL);
        bench_stack_touched(spawned_main);
    } else if (strcmp(mode, "token") == 0) {
        long n = bench_arg(argc, argv, 2, 5);
        double best = 1e9;
        for (long i = 0; i < n; i++) {
            double s = token_request_s();
            best = s < best ? s : best;
        }
        printf("{\"mode\":\"token\",\"requests\":%ld,\"min_s\":%.6f}\n", n, best);
    } else if (strcmp(mode, "seq") == 0) {
        long n = bench_arg(argc, argv, 2, 1000);
        get_jobs(n, &a);
        b = bench_now();
        bench_report("seq", n, a, b, "");
    } else if (strcmp(mode, "threads") == 0) {
        long threads = bench_arg(argc, argv, 2, 64), calls = bench_arg(argc, argv, 3, 1000);
        pthread_t *tids = calloc((size_t)threads, sizeof *tids);
        a = bench_now();
        for (long t = 0; t < threads; t++) {
            if (pthread_create(&tids[t], NULL, thread_main, &calls) != 0) {
                return 1;
            }
        }
        for (long t = 0; t < threads; t++) {
            pthread_join(tids[t], NULL);
        }
        b = bench_now();
        free(tids);
        snprintf(extra, sizeof extra, "\"threads\":%ld", threads);
        bench_report("threads", threads * calls, a, b, extra);
    } else {
        fprintf(stderr, "usage: curl_bench seq N | threads T M | spawn N | alive T | token N\n");
        return 2;
    }
    curl_slist_free_all(headers);
    if (share != NULL) {
        curl_share_cleanup(share);
    }
    curl_global_cleanup();
    return 0;
}
