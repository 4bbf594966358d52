"""The exit codes: the README's table against the binary's, then each class provoked for real.
Expected codes are read from the README's table, so a test fails if the docs and the binary
disagree."""
import json
import re
import socket
import uuid

import pytest

from hazycli import (EXIT, TRAINING_CONFIG, WRONG_SECRET, base_env, config_file, hazy, readme_exit_codes,
                     readme_section)


def help_exit_codes(text):
    rows = []
    for line in text.split("Exit codes:\n", 1)[1].splitlines():
        if not line.strip():
            break
        code, name, statuses, meaning = re.match(r"^\s*(\d+)  (\S+)\s+(.*?)\s{2,}(.*)$", line).groups()
        rows.append((int(code), name, [] if statuses == "-" else [s.strip() for s in statuses.split(",")], meaning))
    return rows


def test_readme_table_is_the_binary_table():
    documented = readme_exit_codes()
    assert len(documented) >= 12
    for flag in ("-h", "--help"):
        assert help_exit_codes(hazy(flag, env={}).out) == documented
    names = {name for _, name, _, _ in documented}
    for wanted in ("success", "usage", "auth", "forbidden", "not-found", "validation", "retryable", "server",
                   "job-failed", "cancelled", "interrupted"):
        assert wanted in names


def test_readme_shows_the_real_short_help():
    block = readme_section().split("```text\n$ hazy -h\n", 1)[1].split("```", 1)[0]
    assert hazy("-h", env={}).out == block


@pytest.mark.parametrize("args", [
    ["bogus"],
    ["train", "--config", str(TRAINING_CONFIG)],                       # no --project
    ["train", "--project", "p", "--config", str(TRAINING_CONFIG), "--timeout", "5s"],  # --timeout needs --wait
    ["job", "wait", "x", "--timeout", "soon"],
    ["generate", "--project", "p", "--model", "m"],                    # neither --rows nor --config
    ["--client-secret", "x", "auth", "check"],                         # secrets have no flags
])
def test_bad_usage(args):
    run = hazy(*args)
    assert run.rc == EXIT["usage"], run
    assert run.err.startswith("error: ") and run.out == ""


def test_bad_input_is_usage_with_the_status_name(tmp_path):
    run = hazy("train", "--project", "p", "--config", tmp_path / "missing.json")
    assert run.rc == EXIT["usage"]
    assert run.err.startswith("hazy: INVALID_ARGUMENT: cannot read the training config from ")
    no_credentials = hazy("jobs", "list", "--project", "p", env=base_env(client=None))
    assert no_credentials.rc == EXIT["usage"]
    assert "INVALID_ARGUMENT" in no_credentials.err and "no credentials" in no_credentials.err


def test_auth_failure_with_a_wrong_secret():
    # hazycli.hazy checks every output for WRONG_SECRET too: it is not echoed, in text or JSON.
    run = hazy("auth", "check", env=base_env(secret=WRONG_SECRET))
    assert run.rc == EXIT["auth"]
    assert run.err.startswith("hazy: AUTH: client_credentials grant for client 'api' was rejected")
    as_json = hazy("--json", "jobs", "list", "--project", "p", env=base_env(secret=WRONG_SECRET))
    assert as_json.rc == EXIT["auth"] and as_json.out == ""
    error = json.loads(as_json.err)["error"]
    assert error["status"] == "AUTH" and error["exit_code"] == EXIT["auth"] and error["http_status"] == 401


def test_forbidden_without_the_train_scope(project):
    run = hazy("--json", "train", "--project", project, "--config", TRAINING_CONFIG, env=base_env("api-no-train"))
    assert run.rc == EXIT["forbidden"]
    error = json.loads(run.err)["error"]
    assert error["status"] == "FORBIDDEN" and error["field"] == "hazy/TrainJob:create"


def test_not_found_with_the_request_id():
    run = hazy("job", "get", str(uuid.uuid4()))
    assert run.rc == EXIT["not-found"]
    assert run.err.startswith("hazy: NOT_FOUND: ")
    assert re.search(r"^hazy: NOT_FOUND: .* \(request id \S+\)$", run.err, re.M), run.err
    as_json = hazy("--json", "job", "get", str(uuid.uuid4()))
    assert as_json.rc == EXIT["not-found"]
    error = json.loads(as_json.err)["error"]
    assert error["status"] == "NOT_FOUND" and error["request_id"], error


def test_validation_local_and_on_the_hub(tmp_path, trained_model):
    local = hazy("train", "--project", "p", "--config", config_file(tmp_path, data_schema={}))
    assert local.rc == EXIT["validation"]
    assert local.err.startswith("hazy: VALIDATION: ") and "field: data_schema.tables" in local.err
    project, model = trained_model
    remote = hazy("--json", "generate", "--project", project, "--model", model, "--rows", 0)
    assert remote.rc == EXIT["validation"]
    error = json.loads(remote.err)["error"]
    assert error["status"] == "VALIDATION" and error["http_status"] == 422 and error["field"] == "num_rows"


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_network_failure_is_retryable():
    port = closed_port()
    run = hazy("jobs", "list", "--project", "p",
               env=base_env(HAZY_HUB_HOST=f"http://127.0.0.1:{port}", HAZY_RETRY_MAX_ATTEMPTS=2))
    assert run.rc == EXIT["retryable"]
    assert run.err.startswith("hazy: NETWORK: ")


def test_server_failure_after_retries(project, sim):
    sim.add_fault(path_prefix=f"/api/v1/projects/{project}/jobs", kind="status", status=500, count=2)
    run = hazy("jobs", "list", "--project", project, env=base_env(HAZY_RETRY_MAX_ATTEMPTS=2))
    assert run.rc == EXIT["server"]
    assert run.err.startswith("hazy: SERVER: ") and "http status: 500" in run.err


def test_tls_failure_talking_tls_to_a_plain_port():
    hub = base_env()["HAZY_HUB_HOST"].replace("http://", "https://")
    run = hazy("jobs", "list", "--project", "p", env=base_env(HAZY_HUB_HOST=hub))
    assert run.rc == EXIT["tls"]
    assert run.err.startswith("hazy: TLS: ")


def test_job_failed_prints_the_job_and_its_reason(project, tmp_path):
    cfg = config_file(tmp_path, data_input=[{"name": "t", "location": "sim://fail/cli"}])
    run = hazy("--json", "train", "--project", project, "--config", cfg, "--wait")
    assert run.rc == EXIT["job-failed"]
    job = run.json()
    assert job["state"] == "failed" and "sim://fail/cli" in job["failure_reason"]
    error = json.loads(run.err.splitlines()[-1])["error"]
    assert error["status"] == "JOB_FAILED" and error["exit_code"] == EXIT["job-failed"]
    text = hazy("job", "wait", job["id"])
    assert text.rc == EXIT["job-failed"]
    assert text.err.splitlines()[-1].startswith(f"hazy: JOB_FAILED: job '{job['id']}' failed: could not read")
