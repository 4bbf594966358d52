/*
 * The C API's behaviour on bad input, without any server: NULL for every pointer argument,
 * invalid UTF-8, empty and huge strings, a panic inside the library, and the error object
 * protocol. Runs under valgrind (see the Makefile beside it): zero errors, zero leaks.
 * Also cross-compiled with mingw-w64 and run under Wine against hazy.dll (tests/windows).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _WIN32
#include <winsock2.h>
#include <windows.h>
typedef SOCKET socket_t;
typedef int socklen_t;
#define close_socket closesocket
/* The Windows CRT's _putenv_s also sets the process environment, which the library reads. */
static int setenv(const char *name, const char *value, int overwrite) {
    (void)overwrite;
    return _putenv_s(name, value);
}
static int unsetenv(const char *name) { return _putenv_s(name, ""); }
static double seconds_now(void) { return (double)GetTickCount64() / 1000.0; }
#else
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>
typedef int socket_t;
#define close_socket close
static double seconds_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}
#endif

#include "hazy.h"

#include "../common/check.h"

/* Checks a status and that the error names `needle`; frees the error. */
static void expect(hazy_status got, hazy_status want, hazy_error_t *err, const char *needle,
                   int line) {
    const char *message = hazy_error_message(err);
    if (got != want || err == NULL || hazy_error_status(err) != want ||
        (needle != NULL && strstr(message, needle) == NULL)) {
        failed++;
        fprintf(stderr, "FAIL line %d: got %s (%s), want %s naming '%s'\n", line,
                hazy_status_name((int32_t)got), message, hazy_status_name((int32_t)want),
                needle ? needle : "");
    } else {
        passed++;
    }
    hazy_error_free(err);
}
#define EXPECT(call, want, needle)                                                   \
    do {                                                                             \
        hazy_error_t *err_ = NULL;                                                   \
        hazy_status st_ = (call);                                                    \
        expect(st_, want, err_, needle, __LINE__);                                   \
    } while (0)
/* `call` must use `&err_` as its error argument. */

static const char *SECRET = "c-test-secret-must-not-leak";
static const char BAD_UTF8[] = {(char)0xff, (char)0xfe, 'x', 0};

static unsigned closed_port(void) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    socket_t fd = socket(AF_INET, SOCK_STREAM, 0);
    unsigned port;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&addr, sizeof addr);
    getsockname(fd, (struct sockaddr *)&addr, &len);
    port = ntohs(addr.sin_port);
    close_socket(fd);
    return port;
}

/* A client aimed at a port where nothing listens: requests fail fast with NETWORK. */
static hazy_client_t *offline_client(void) {
    char host[64];
    hazy_options_t *o = hazy_options_new();
    hazy_client_t *c = NULL;
    snprintf(host, sizeof host, "http://127.0.0.1:%u", closed_port());
    hazy_options_set(o, "host", host, NULL);
    hazy_options_set(o, "client_id", "api", NULL);
    hazy_options_set(o, "client_secret", SECRET, NULL);
    hazy_options_set(o, "retry_max_attempts", "1", NULL);
    hazy_options_set(o, "connect_timeout_ms", "2000", NULL);
    if (hazy_client_new(o, &c, NULL) != HAZY_STATUS_OK) {
        c = NULL;
    }
    hazy_options_free(o);
    return c;
}

/* A string of `length` copies of `fill` (malloc'ed), opened with `first` and closed with `last`
 * unless those are 0. */
static char *huge_string(size_t length, char fill, char first, char last) {
    char *s = (char *)malloc(length + 1);
    memset(s, fill, length);
    if (first) s[0] = first;
    if (last) s[length - 1] = last;
    s[length] = '\0';
    return s;
}

static const char *VALID_CONFIG = "{\"data_schema\":{\"tables\":[]},\"data_input\":[]}";

static void test_version_and_names(void) {
    CHECK(strcmp(hazy_version(), HAZY_VERSION) == 0);
    CHECK(strcmp(hazy_status_name(HAZY_STATUS_OK), "OK") == 0);
    CHECK(strcmp(hazy_status_name(HAZY_STATUS_JOB_FAILED), "JOB_FAILED") == 0);
    CHECK(strcmp(hazy_status_name(9999), "UNKNOWN") == 0);
    CHECK(strcmp(hazy_status_name(-1), "UNKNOWN") == 0);
    CHECK(strcmp(hazy_state_name(HAZY_STATE_RUNNING), "running") == 0);
    CHECK(strcmp(hazy_state_name(42), "unknown") == 0);
}

static void test_frees_accept_null_and_getters_survive_null(void) {
    hazy_free(NULL);
    hazy_options_free(NULL);
    hazy_error_free(NULL);
    hazy_job_free(NULL);
    hazy_job_list_free(NULL);
    hazy_model_list_free(NULL);
    hazy_string_free(NULL);
    hazy_cancel_token_free(NULL);
    hazy_cancel_token_cancel(NULL);
    CHECK(hazy_error_status(NULL) == HAZY_STATUS_INVALID_ARGUMENT);
    CHECK(strcmp(hazy_error_message(NULL), "") == 0);
    CHECK(hazy_error_http_status(NULL) == 0);
    CHECK(hazy_error_oauth_error(NULL) == NULL);
    CHECK(hazy_error_oauth_description(NULL) == NULL);
    CHECK(hazy_error_field(NULL) == NULL);
    CHECK(strcmp(hazy_job_id(NULL), "") == 0);
    CHECK(strcmp(hazy_job_project_id(NULL), "") == 0);
    CHECK(strcmp(hazy_job_kind(NULL), "") == 0);
    CHECK(hazy_job_state(NULL) == HAZY_STATE_UNKNOWN);
    CHECK(strcmp(hazy_job_raw_state(NULL), "") == 0);
    CHECK(hazy_job_progress(NULL) == 0.0);
    CHECK(hazy_job_model_id(NULL) == NULL);
    CHECK(hazy_job_failure_reason(NULL) == NULL);
    CHECK(hazy_job_output_location(NULL) == NULL);
    CHECK(hazy_job_list_len(NULL) == 0);
    CHECK(hazy_job_list_get(NULL, 0) == NULL);
    CHECK(hazy_model_list_len(NULL) == 0);
    CHECK(hazy_model_list_get(NULL, 0) == NULL);
    CHECK(strcmp(hazy_model_id(NULL), "") == 0);
    CHECK(strcmp(hazy_model_project_id(NULL), "") == 0);
    CHECK(hazy_model_train_job_id(NULL) == NULL);
    CHECK(hazy_model_generator_type(NULL) == NULL);
    CHECK(hazy_model_epsilon(NULL) < 0.0);
    CHECK(hazy_token_request_count(NULL) == 0);
    CHECK(hazy_error_request_id(NULL) == NULL);
    CHECK(hazy_log_record_level(NULL) == HAZY_LOG_LEVEL_OFF);
    CHECK(strcmp(hazy_log_record_event(NULL), "") == 0);
    CHECK(strcmp(hazy_log_record_message(NULL), "") == 0);
    CHECK(hazy_log_record_method(NULL) == NULL && hazy_log_record_url(NULL) == NULL);
    CHECK(hazy_log_record_request_id(NULL) == NULL && hazy_log_record_job_id(NULL) == NULL);
    CHECK(hazy_log_record_trace_id(NULL) == NULL && hazy_log_record_span_id(NULL) == NULL);
    CHECK(hazy_log_record_http_status(NULL) == 0 && hazy_log_record_attempt(NULL) == 0);
    CHECK(hazy_log_record_delay_ms(NULL) == -1 && hazy_log_record_elapsed_ms(NULL) == -1);
    CHECK(strcmp(hazy_log_level_name(HAZY_LOG_LEVEL_DEBUG), "debug") == 0);
    CHECK(strcmp(hazy_log_level_name(42), "unknown") == 0);
}

/* Records the events a client logs; the offline client's are all about its one failed call. */
static int log_records, log_failed_calls, log_secret_seen;
static void count_records(const hazy_log_record_t *r, void *userdata) {
    log_records++;
    if (strcmp(hazy_log_record_event(r), "call.failed") == 0) log_failed_calls++;
    if (strstr(hazy_log_record_message(r), SECRET) != NULL) log_secret_seen++;
    CHECK(userdata == &log_records);
}

static void test_log_callback_and_traceparent_arguments(void) {
    hazy_options_t *o = hazy_options_new();
    hazy_client_t *c = NULL, *view = NULL;
    EXPECT(hazy_options_set_log_callback(NULL, count_records, NULL, HAZY_LOG_LEVEL_ERROR, &err_),
           HAZY_STATUS_INVALID_ARGUMENT, "options");
    EXPECT(hazy_options_set_log_callback(o, count_records, NULL, 6, &err_),
           HAZY_STATUS_INVALID_ARGUMENT, "min_level");
    EXPECT(hazy_options_set_log_callback(o, count_records, NULL, -1, &err_),
           HAZY_STATUS_INVALID_ARGUMENT, "min_level");
    EXPECT(hazy_options_set(o, "traceparent", "00-abc", &err_), HAZY_STATUS_INVALID_ARGUMENT,
           "traceparent");
    CHECK(hazy_options_set_log_callback(o, count_records, &log_records, HAZY_LOG_LEVEL_TRACE, NULL) ==
          HAZY_STATUS_OK);
    {
        char host[64];
        snprintf(host, sizeof host, "http://127.0.0.1:%u", closed_port());
        hazy_options_set(o, "host", host, NULL);
        hazy_options_set(o, "client_id", "api", NULL);
        hazy_options_set(o, "client_secret", SECRET, NULL);
        hazy_options_set(o, "retry_max_attempts", "1", NULL);
    }
    CHECK(hazy_client_new(o, &c, NULL) == HAZY_STATUS_OK);
    /* Removing the callback from the options does not touch the client made with it. */
    CHECK(hazy_options_set_log_callback(o, NULL, NULL, HAZY_LOG_LEVEL_OFF, NULL) == HAZY_STATUS_OK);
    hazy_options_free(o);
    {
        hazy_error_t *err = NULL;
        CHECK(hazy_authenticate(c, &err) == HAZY_STATUS_NETWORK);
        /* Nothing answered, so there is no request id of a server's; ours was sent. */
        CHECK(hazy_error_request_id(err) != NULL && strlen(hazy_error_request_id(err)) == 36);
        hazy_error_free(err);
    }
    CHECK(log_records > 0 && log_failed_calls == 1 && log_secret_seen == 0);
    EXPECT(hazy_client_with_traceparent(NULL, NULL, &view, &err_), HAZY_STATUS_INVALID_ARGUMENT, "client");
    EXPECT(hazy_client_with_traceparent(c, NULL, NULL, &err_), HAZY_STATUS_INVALID_ARGUMENT, "view_out");
    EXPECT(hazy_client_with_traceparent(c, BAD_UTF8, &view, &err_), HAZY_STATUS_INVALID_ARGUMENT, "UTF-8");
    EXPECT(hazy_client_with_traceparent(c, "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", &view, &err_),
           HAZY_STATUS_INVALID_ARGUMENT, "traceparent");
    CHECK(view == NULL);
    CHECK(hazy_client_with_traceparent(c, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", &view,
                                       NULL) == HAZY_STATUS_OK);
    /* Freeing the view leaves the client open; closing the client closes the view too. */
    hazy_free(view);
    CHECK(hazy_authenticate(c, NULL) == HAZY_STATUS_NETWORK);
    CHECK(hazy_client_with_traceparent(c, "", &view, NULL) == HAZY_STATUS_OK);
    hazy_client_close(c);
    CHECK(hazy_authenticate(view, NULL) == HAZY_STATUS_CLOSED);
    hazy_free(view);
    hazy_free(c);
}

static void test_options(void) {
    hazy_options_t *o = hazy_options_new();
    hazy_error_t *err = (hazy_error_t *)0x1; /* must be overwritten with NULL on success */
    char *huge;
    CHECK(o != NULL);
    CHECK(hazy_options_set(o, "realm", "hazy", &err) == HAZY_STATUS_OK);
    CHECK(err == NULL);
    EXPECT(hazy_options_set(NULL, "realm", "x", &err_), HAZY_STATUS_INVALID_ARGUMENT, "options");
    EXPECT(hazy_options_set(o, NULL, "x", &err_), HAZY_STATUS_INVALID_ARGUMENT, "key");
    EXPECT(hazy_options_set(o, "", "x", &err_), HAZY_STATUS_INVALID_ARGUMENT, "key");
    EXPECT(hazy_options_set(o, BAD_UTF8, "x", &err_), HAZY_STATUS_INVALID_ARGUMENT, "UTF-8");
    EXPECT(hazy_options_set(o, "realm", BAD_UTF8, &err_), HAZY_STATUS_INVALID_ARGUMENT, "UTF-8");
    EXPECT(hazy_options_set(o, "no_such_option", "1", &err_), HAZY_STATUS_INVALID_ARGUMENT,
           "no_such_option");
    EXPECT(hazy_options_set(o, "connect_timeout_ms", "soon", &err_),
           HAZY_STATUS_INVALID_ARGUMENT, "connect_timeout_ms");
    EXPECT(hazy_options_set(o, "client_auth", "telepathy", &err_), HAZY_STATUS_INVALID_ARGUMENT,
           "client_auth");
    EXPECT(hazy_options_load_env(NULL, &err_), HAZY_STATUS_INVALID_ARGUMENT, "options");
    /* A NULL value clears an optional setting. */
    CHECK(hazy_options_set(o, "scope", NULL, NULL) == HAZY_STATUS_OK);
    /* A 32 MiB value is taken and quoted back at most in part. */
    huge = huge_string((32u << 20) - 1, 'a', 0, 0);
    CHECK(hazy_options_set(o, "host", huge, NULL) == HAZY_STATUS_OK);
    {
        hazy_client_t *c = NULL;
        hazy_error_t *e = NULL;
        CHECK(hazy_client_new(o, &c, &e) == HAZY_STATUS_INVALID_ARGUMENT);
        CHECK(c == NULL);
        CHECK(strlen(hazy_error_message(e)) < 4096);
        hazy_error_free(e);
    }
    free(huge);
    hazy_options_free(o);
    /* token_cache: a file in a directory that does not exist is refused when the client is
     * made; on Windows every token_cache is, as the platform has no cache (under Wine). */
    o = hazy_options_new();
    CHECK(hazy_options_set(o, "token_cache", "/nonexistent-hazy-dir/tokens.json", NULL) == HAZY_STATUS_OK);
    {
        hazy_client_t *c = NULL;
#ifdef _WIN32
        EXPECT(hazy_client_new(o, &c, &err_), HAZY_STATUS_INVALID_ARGUMENT, "lacks");
#else
        EXPECT(hazy_client_new(o, &c, &err_), HAZY_STATUS_INVALID_ARGUMENT, "token_cache");
#endif
        CHECK(c == NULL);
    }
    hazy_options_free(o);
}

static void test_client_arguments(void) {
    hazy_client_t *c = offline_client();
    hazy_job_t *job = NULL;
    hazy_job_list_t *jobs = NULL;
    hazy_model_list_t *models = NULL;
    char *token = NULL;
    CHECK(c != NULL);
    EXPECT(hazy_client_new(NULL, NULL, &err_), HAZY_STATUS_INVALID_ARGUMENT, "client_out");
    EXPECT(hazy_doctor(NULL, NULL, NULL, &err_), HAZY_STATUS_INVALID_ARGUMENT, "report_json_out");
    {
        char *report = NULL;
        hazy_options_t *o = hazy_options_new();
        EXPECT(hazy_doctor(o, BAD_UTF8, &report, &err_), HAZY_STATUS_INVALID_ARGUMENT, "UTF-8");
        CHECK(report == NULL);
        hazy_options_free(o);
    }
    /* NULL client everywhere. */
    EXPECT(hazy_authenticate(NULL, &err_), HAZY_STATUS_INVALID_ARGUMENT, "client");
    EXPECT(hazy_authenticate_client_credentials(NULL, "a", "b", &err_),
           HAZY_STATUS_INVALID_ARGUMENT, "client");
    EXPECT(hazy_authenticate_password(NULL, "a", "b", "c", "d", &err_),
           HAZY_STATUS_INVALID_ARGUMENT, "client");
    EXPECT(hazy_authenticate_bearer(NULL, "t", &err_), HAZY_STATUS_INVALID_ARGUMENT, "client");
    EXPECT(hazy_access_token(NULL, &token, &err_), HAZY_STATUS_INVALID_ARGUMENT, "client");
    EXPECT(hazy_logout(NULL, &err_), HAZY_STATUS_INVALID_ARGUMENT, "client");
    EXPECT(hazy_train(NULL, "p", VALID_CONFIG, &job, &err_), HAZY_STATUS_INVALID_ARGUMENT,
           "client");
    EXPECT(hazy_generate(NULL, "p", "m", 10, NULL, &job, &err_), HAZY_STATUS_INVALID_ARGUMENT,
           "client");
    EXPECT(hazy_job_get(NULL, "j", &job, &err_), HAZY_STATUS_INVALID_ARGUMENT, "client");
    EXPECT(hazy_job_cancel(NULL, "j", NULL, &err_), HAZY_STATUS_INVALID_ARGUMENT, "client");
    EXPECT(hazy_job_wait(NULL, "j", 1, NULL, NULL, NULL, NULL, &err_),
           HAZY_STATUS_INVALID_ARGUMENT, "client");
    EXPECT(hazy_jobs_list(NULL, "p", &jobs, &err_), HAZY_STATUS_INVALID_ARGUMENT, "client");
    EXPECT(hazy_models_list(NULL, "p", &models, &err_), HAZY_STATUS_INVALID_ARGUMENT, "client");
    /* NULL, empty and non-UTF-8 strings and NULL out-parameters. */
    EXPECT(hazy_authenticate_client_credentials(c, NULL, "b", &err_),
           HAZY_STATUS_INVALID_ARGUMENT, "client_id");
    EXPECT(hazy_authenticate_client_credentials(c, "a", "", &err_),
           HAZY_STATUS_INVALID_ARGUMENT, "client_secret");
    EXPECT(hazy_authenticate_password(c, "api", NULL, BAD_UTF8, "pw", &err_),
           HAZY_STATUS_INVALID_ARGUMENT, "username");
    EXPECT(hazy_authenticate_password(c, "api", NULL, "u", NULL, &err_),
           HAZY_STATUS_INVALID_ARGUMENT, "password");
    EXPECT(hazy_authenticate_bearer(c, "", &err_), HAZY_STATUS_INVALID_ARGUMENT, "token");
    EXPECT(hazy_access_token(c, NULL, &err_), HAZY_STATUS_INVALID_ARGUMENT, "token_out");
    EXPECT(hazy_train(c, NULL, VALID_CONFIG, &job, &err_), HAZY_STATUS_INVALID_ARGUMENT,
           "project_id");
    EXPECT(hazy_train(c, "", VALID_CONFIG, &job, &err_), HAZY_STATUS_INVALID_ARGUMENT,
           "project_id");
    EXPECT(hazy_train(c, BAD_UTF8, VALID_CONFIG, &job, &err_), HAZY_STATUS_INVALID_ARGUMENT,
           "UTF-8");
    EXPECT(hazy_train(c, "p", NULL, &job, &err_), HAZY_STATUS_INVALID_ARGUMENT, "config_json");
    EXPECT(hazy_train(c, "p", VALID_CONFIG, NULL, &err_), HAZY_STATUS_INVALID_ARGUMENT,
           "job_out");
    EXPECT(hazy_generate(c, "p", NULL, 10, NULL, &job, &err_), HAZY_STATUS_INVALID_ARGUMENT,
           "model_id");
    EXPECT(hazy_generate(c, "p", "m", 10, BAD_UTF8, &job, &err_),
           HAZY_STATUS_INVALID_ARGUMENT, "config_json");
    EXPECT(hazy_job_get(c, NULL, &job, &err_), HAZY_STATUS_INVALID_ARGUMENT, "job_id");
    EXPECT(hazy_job_get(c, "j", NULL, &err_), HAZY_STATUS_INVALID_ARGUMENT, "job_out");
    EXPECT(hazy_job_cancel(c, "", NULL, &err_), HAZY_STATUS_INVALID_ARGUMENT, "job_id");
    EXPECT(hazy_job_wait(c, NULL, 1, NULL, NULL, NULL, NULL, &err_),
           HAZY_STATUS_INVALID_ARGUMENT, "job_id");
    EXPECT(hazy_jobs_list(c, "p", NULL, &err_), HAZY_STATUS_INVALID_ARGUMENT, "list_out");
    EXPECT(hazy_models_list(c, NULL, &models, &err_), HAZY_STATUS_INVALID_ARGUMENT,
           "project_id");
    /* Nothing was written to the out-parameters. */
    CHECK(job == NULL && jobs == NULL && models == NULL && token == NULL);
    /* A NULL error pointer is allowed (and must not leak: valgrind checks). */
    CHECK(hazy_train(c, NULL, NULL, NULL, NULL) == HAZY_STATUS_INVALID_ARGUMENT);
    hazy_free(c);
}

static void test_config_validation_happens_before_the_network(void) {
    hazy_client_t *c = offline_client();
    hazy_job_t *job = NULL;
    char *huge = huge_string((17u << 20) - 1, ' ', '{', '}');
    hazy_error_t *err = NULL;
    /* The host is unreachable: anything but VALIDATION would mean a request was tried. The
     * missing fields, non-JSON and non-object configs are tested against the real stack, where
     * the simulator shows nothing was sent (tests/integration/test_hub_e2e.py). */
    CHECK(hazy_train(c, "p", "{\"data_schema\":7,\"data_input\":[]}", &job, &err) ==
          HAZY_STATUS_VALIDATION);
    CHECK(err != NULL && strcmp(hazy_error_field(err), "data_schema") == 0);
    hazy_error_free(err);
    EXPECT(hazy_train(c, "p", huge, &job, &err_), HAZY_STATUS_VALIDATION, "limit");
    free(huge);
    EXPECT(hazy_generate(c, "p", "m", 0, NULL, &job, &err_), HAZY_STATUS_VALIDATION,
           "num_rows");
    EXPECT(hazy_generate(c, "p", "m", 0, "[]", &job, &err_), HAZY_STATUS_VALIDATION, "object");
    CHECK(job == NULL);
    hazy_free(c);
}

static void test_network_errors_name_the_cause_not_the_secret(void) {
    hazy_client_t *c = offline_client();
    hazy_job_t *job = NULL;
    hazy_error_t *err = NULL;
    CHECK(hazy_authenticate(c, &err) == HAZY_STATUS_NETWORK);
    CHECK(err != NULL && strstr(hazy_error_message(err), "token endpoint") != NULL);
    CHECK(err != NULL && strstr(hazy_error_message(err), SECRET) == NULL);
    hazy_error_free(err);
    err = NULL;
    CHECK(hazy_train(c, "p", VALID_CONFIG, &job, &err) == HAZY_STATUS_NETWORK);
    CHECK(job == NULL);
    hazy_error_free(err);
    CHECK(hazy_token_request_count(c) == 2);
    hazy_free(c);
}

static void test_bearer_token_round_trip(void) {
    hazy_client_t *c = offline_client();
    char *token = NULL;
    CHECK(hazy_authenticate_bearer(c, "opaque-bearer-token", NULL) == HAZY_STATUS_OK);
    CHECK(hazy_access_token(c, &token, NULL) == HAZY_STATUS_OK);
    CHECK(token != NULL && strcmp(token, "opaque-bearer-token") == 0);
    hazy_string_free(token);
    CHECK(hazy_token_request_count(c) == 0);
    hazy_free(c);
}

static void test_a_cancelled_wait_returns_at_once(void) {
    hazy_client_t *c = offline_client();
    hazy_cancel_token_t *cancel = hazy_cancel_token_new();
    double t0;
    hazy_cancel_token_cancel(cancel);
    hazy_cancel_token_cancel(cancel); /* idempotent */
    t0 = seconds_now();
    EXPECT(hazy_job_wait(c, "j1", 0, NULL, NULL, cancel, NULL, &err_), HAZY_STATUS_CANCELLED,
           "cancelled");
    CHECK(seconds_now() - t0 < 2.0);
    hazy_cancel_token_free(cancel);
    hazy_free(c);
}

/* The debug_panic option exists only in builds with debug assertions, such as build/lib.
 * The makefiles set HAZY_TEST_RELEASE_LIBRARY=1 when testing a release library (a tarball, the
 * DLL): there the option must be unknown even when armed. */
static int testing_a_release_library(void) {
    const char *v = getenv("HAZY_TEST_RELEASE_LIBRARY");
    return v != NULL && strcmp(v, "1") == 0;
}

static void test_a_panic_is_contained(void) {
    hazy_options_t *o = hazy_options_new();
    hazy_client_t *c = NULL;
    setenv("HAZY_ALLOW_DEBUG_PANIC", "1", 1);
    if (testing_a_release_library()) {
        EXPECT(hazy_options_set(o, "debug_panic", "1", &err_), HAZY_STATUS_INVALID_ARGUMENT,
               "debug_panic");
    } else {
        EXPECT(hazy_options_set(o, "debug_panic", "1", &err_), HAZY_STATUS_PANIC, "internal error");
        CHECK(hazy_options_set(o, "debug_panic", "1", NULL) == HAZY_STATUS_PANIC);
    }
    unsetenv("HAZY_ALLOW_DEBUG_PANIC");
    /* Without the opt-in the key is just unknown. */
    EXPECT(hazy_options_set(o, "debug_panic", "1", &err_), HAZY_STATUS_INVALID_ARGUMENT,
           "debug_panic");
    /* The library is intact afterwards. */
    CHECK(hazy_options_set(o, "host", "http://127.0.0.1:9", NULL) == HAZY_STATUS_OK);
    CHECK(hazy_client_new(o, &c, NULL) == HAZY_STATUS_OK);
    hazy_free(c);
    hazy_options_free(o);
}

static void test_environment_configuration(void) {
    hazy_client_t *c = NULL;
    setenv("HAZY_CONNECT_TIMEOUT_MS", "not-a-number", 1);
    EXPECT(hazy_client_new(NULL, &c, &err_), HAZY_STATUS_INVALID_ARGUMENT,
           "HAZY_CONNECT_TIMEOUT_MS");
    CHECK(c == NULL);
    unsetenv("HAZY_CONNECT_TIMEOUT_MS");
    setenv("HAZY_HUB_HOST", "http://127.0.0.1:9", 1);
    CHECK(hazy_client_new(NULL, &c, NULL) == HAZY_STATUS_OK);
    /* No credentials in the environment: authenticating says so. */
    EXPECT(hazy_authenticate(c, &err_), HAZY_STATUS_INVALID_ARGUMENT, "credentials");
    unsetenv("HAZY_HUB_HOST");
    hazy_free(c);
}

int main(void) {
#ifdef _WIN32
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
        fprintf(stderr, "WSAStartup failed\n");
        return 1;
    }
#endif
    test_version_and_names();
    test_frees_accept_null_and_getters_survive_null();
    test_options();
    test_log_callback_and_traceparent_arguments();
    test_client_arguments();
    test_config_validation_happens_before_the_network();
    test_network_errors_name_the_cause_not_the_secret();
    test_bearer_token_round_trip();
    test_a_cancelled_wait_returns_at_once();
    test_a_panic_is_contained();
    test_environment_configuration();
    printf("capi: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
