/*
 * The C side of the job-state suite (tests/job_states/run.py): trains, prints the job id, waits
 * for a line on stdin (run.py arms the simulator to answer the job's GETs with a given raw
 * state), then waits for the job and prints every snapshot the progress callback saw and the
 * outcome, as JSON lines.
 *
 *   wait_states PROJECT CONFIG_JSON
 *
 * Settings come from the HAZY_* environment (hazy_options_load_env).
 */
#include <stdio.h>
#include <string.h>

#include "hazy.h"
#include "json_string.h"

static int32_t snapshot(const hazy_job_t *job, void *userdata) {
    (void)userdata;
    printf("{\"snapshot\":true,\"state\":");
    json_string(hazy_state_name(hazy_job_state(job)));
    json_field("raw_state", hazy_job_raw_state(job));
    printf("}\n");
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv) {
    hazy_options_t *opts = hazy_options_new();
    hazy_client_t *client = NULL;
    hazy_job_t *job = NULL, *done = NULL;
    hazy_error_t *err = NULL;
    char line[16];
    hazy_status st;
    if (argc != 3) {
        fprintf(stderr, "usage: wait_states PROJECT CONFIG_JSON\n");
        return 2;
    }
    if (hazy_options_load_env(opts, &err) != HAZY_STATUS_OK || hazy_client_new(opts, &client, &err) != HAZY_STATUS_OK ||
        hazy_train(client, argv[1], argv[2], &job, &err) != HAZY_STATUS_OK) {
        fprintf(stderr, "wait_states: %s\n", hazy_error_message(err));
        return 2;
    }
    hazy_options_free(opts);
    printf("{\"job_id\":");
    json_string(hazy_job_id(job));
    printf("}\n");
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin)) return 2;
    st = hazy_job_wait(client, hazy_job_id(job), 30000, snapshot, NULL, NULL, &done, &err);
    printf("{\"result\":");
    json_string(hazy_status_name(st));
    json_field("message", err ? hazy_error_message(err) : NULL);
    json_field("field", err ? hazy_error_field(err) : NULL);
    printf("}\n");
    hazy_error_free(err);
    hazy_job_free(done);
    hazy_job_free(job);
    hazy_free(client);
    return 0;
}
