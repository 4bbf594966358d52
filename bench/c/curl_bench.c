/*
 * The libcurl anchor: the same GET /api/v1/jobs/{id} with the same Authorization header, on
 * one easy handle per thread (so keep-alive reuses its connection). The token is fetched
 * once, with libcurl, from the same token endpoint (client credentials), before timing.
 * The body is collected and checked for the job id, not parsed.
 *
 *   curl_bench seq N          N sequential GETs on one handle
 *   curl_bench threads T M    T threads x M GETs, one handle each
 *
 * Environment: HAZY_HUB_HOST, HAZY_TOKEN_URL, HAZY_CLIENT_ID, HAZY_CLIENT_SECRET, BENCH_JOB_ID.
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

/* `n` GETs on a new handle; with `start`, one more first, then *start is taken. */
static void get_jobs(long n, bench_mark *start) {
    CURL *h = curl_easy_init();
    buffer body = {0};
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (start != NULL) {
        n++;
    }
    for (long i = 0; i < n; i++) {
        if (start != NULL && i == 1) {
            *start = bench_now();
        }
        body.len = 0;
        check(curl_easy_perform(h), h, "job GET");
        if (body.data == NULL || strstr(body.data, job_id) == NULL) {
            fprintf(stderr, "curl_bench: the answer does not name the job\n");
            exit(1);
        }
    }
    free(body.data);
    curl_easy_cleanup(h);
}

static void *thread_main(void *arg) {
    get_jobs(*(long *)arg, NULL);
    return NULL;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    bench_mark a, b;
    char extra[64];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    job_id = bench_env("BENCH_JOB_ID");
    snprintf(url, sizeof url, "%s/api/v1/jobs/%s", bench_env("HAZY_HUB_HOST"), job_id);
    fetch_token();
    if (strcmp(mode, "seq") == 0) {
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
        fprintf(stderr, "usage: curl_bench seq N | threads T M\n");
        return 2;
    }
    curl_slist_free_all(headers);
    curl_global_cleanup();
    return 0;
}
