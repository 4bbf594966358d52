/*
 * Authenticate against Keycloak with client credentials, train a model on the Hub and
 * follow the job to completion: the C equivalent of the seed tutorial's
 * `SynthAPI(host, api_key).train(cfg, project_id)`.
 *
 * Settings come from the environment: HAZY_HUB_HOST, HAZY_CLIENT_ID, HAZY_CLIENT_SECRET
 * (and optionally HAZY_REALM, HAZY_AUTH_URL, HAZY_TOKEN_URL, HAZY_CA_BUNDLE, ...).
 *
 * usage: hazy_train [PROJECT_ID [CONFIG_JSON_FILE]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hazy.h"

/* Prints a failed call's status and detail; frees the error. */
static int fail(const char *what, hazy_status status, hazy_error_t *error) {
    fprintf(stderr, "error: %s failed: %s: %s\n", what, hazy_status_name((int32_t)status),
            hazy_error_message(error));
    if (hazy_error_http_status(error) != 0) {
        fprintf(stderr, "       HTTP status %u", (unsigned)hazy_error_http_status(error));
        if (hazy_error_oauth_error(error) != NULL) {
            fprintf(stderr, ", server error code '%s'", hazy_error_oauth_error(error));
        }
        fputc('\n', stderr);
    }
    if (hazy_error_field(error) != NULL) {
        fprintf(stderr, "       field or scope: %s\n", hazy_error_field(error));
    }
    hazy_error_free(error);
    return 1;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long size;
    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        text = malloc((size_t)size + 1);
        if (text != NULL && fread(text, 1, (size_t)size, f) == (size_t)size) {
            text[size] = '\0';
        } else {
            free(text);
            text = NULL;
        }
    }
    fclose(f);
    return text;
}

struct progress_line {
    int32_t state;
    int percent;
};

/* Called after every poll; a line per change of state or percent keeps logs readable when not
 * on a terminal. The state counts on its own: a job can reach 100% before it succeeds. */
static int32_t on_progress(const hazy_job_t *job, void *userdata) {
    struct progress_line *last = userdata;
    int32_t state = (int32_t)hazy_job_state(job);
    int percent = (int)(hazy_job_progress(job) * 100.0 + 0.5);
    if (state != last->state || percent != last->percent) {
        /* A state libhazy does not know is shown in the Hub's own word. */
        const char *name = state == HAZY_STATE_UNKNOWN ? hazy_job_raw_state(job) : hazy_state_name(state);
        printf("  %-9s %3d%%\n", name, percent);
        fflush(stdout);
        last->state = state;
        last->percent = percent;
    }
    return 0;
}

int main(int argc, char **argv) {
    const char *project_id = argc > 1 ? argv[1] : "demo-project";
    const char *config_path = argc > 2 ? argv[2] : "examples/training-config.json";
    hazy_client_t *client = NULL;
    hazy_job_t *job = NULL;
    hazy_job_t *done = NULL;
    hazy_error_t *error = NULL;
    hazy_status status;
    char *config;
    char job_id[256];
    struct progress_line last = {-1, -1};

    printf("libhazy %s\n", hazy_version());
    config = read_file(config_path);
    if (config == NULL) {
        fprintf(stderr, "error: cannot read training config '%s'\n", config_path);
        return 1;
    }

    /* NULL options: everything comes from the HAZY_* environment variables. */
    status = hazy_client_new(NULL, &client, &error);
    if (status != HAZY_STATUS_OK) {
        free(config);
        return fail("creating the client", status, error);
    }

    status = hazy_authenticate(client, &error);
    if (status != HAZY_STATUS_OK) {
        free(config);
        hazy_free(client);
        return fail("authenticating", status, error);
    }
    printf("authenticated with Keycloak\n");

    status = hazy_train(client, project_id, config, &job, &error);
    free(config);
    if (status != HAZY_STATUS_OK) {
        hazy_free(client);
        return fail("submitting the training job", status, error);
    }
    snprintf(job_id, sizeof job_id, "%s", hazy_job_id(job));
    printf("submitted training job %s to project %s\n", job_id, project_id);
    hazy_job_free(job);

    /* No timeout: a training job takes as long as it takes. Tokens renew underneath. */
    status = hazy_job_wait(client, job_id, 0, on_progress, &last, NULL, &done, &error);
    if (status != HAZY_STATUS_OK) {
        hazy_free(client);
        return fail("training", status, error);
    }
    printf("training succeeded: model id %s\n", hazy_job_model_id(done));
    hazy_job_free(done);
    hazy_free(client);
    return 0;
}
