"""Every command against the real stack, in text and in --json (parsed here)."""
import json
import re
import time

from hazycli import EXIT, MINIMAL_CONFIG, TRAINING_CONFIG, base_env, config_file, hazy

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def cargo_version():
    text = (TRAINING_CONFIG.parents[1] / "cli" / "Cargo.toml").read_text()
    return re.search(r'^version = "([^"]+)"', text, re.M).group(1)


def test_version_in_text_and_json():
    text = hazy("version", env={})
    assert text.rc == EXIT["success"]
    assert text.out.startswith(f"hazy {cargo_version()} (libhazy ")
    as_json = hazy("--json", "version", env={}).json()
    assert as_json["hazy"] == cargo_version() and as_json["libhazy"]


def test_auth_check_shows_principal_scopes_and_expiry():
    run = hazy("--json", "auth", "check")
    assert run.rc == EXIT["success"], run.err
    info = run.json()
    assert info["principal"] == "service-account-api" and info["client_id"] == "api"
    assert "hazy/TrainJob:create" in info["scopes"] and "hazy/Model:read" in info["scopes"]
    assert "hazy-hub-backend" in info["audience"]
    # Keycloak's access.token.lifespan for the realm is minutes, not hours.
    assert 0 < info["expires_in_s"] <= 3600, info
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", info["expires_at"])
    text = hazy("auth", "check")
    assert text.rc == EXIT["success"]
    assert re.search(r"^principal: service-account-api$", text.out, re.M)
    assert re.search(r"^scopes: .*hazy/TrainJob:read", text.out, re.M)
    assert re.search(r"^expires: +\d{4}-\d\d-\d\dT.*\(in \d+ s\)$", text.out, re.M)


def test_train_get_wait_list_and_models(project):
    submitted = hazy("--json", "train", "--project", project, "--config", TRAINING_CONFIG)
    assert submitted.rc == EXIT["success"], submitted.err
    job = submitted.json()
    assert UUID.match(job["id"]) and job["project_id"] == project and job["kind"] == "train"
    assert job["state"] in ("queued", "running")

    got = hazy("--json", "job", "get", job["id"]).json()
    assert got["id"] == job["id"] and got["kind"] == "train"
    text = hazy("job", "get", job["id"])
    assert re.search(rf"^job: +{job['id']}$", text.out, re.M)

    done = hazy("--json", "job", "wait", job["id"])
    assert done.rc == EXIT["success"], done.err
    final = done.json()
    assert final["state"] == "succeeded" and final["progress"] == 1.0 and final["model_id"]

    jobs = hazy("--json", "jobs", "list", "--project", project)
    assert [j["id"] for j in jobs.json_lines()] == [job["id"]]
    table = hazy("jobs", "list", "--project", project).out.splitlines()
    assert table[0].split() == ["ID", "KIND", "STATE", "PROG", "MODEL"]
    assert table[1].split() == [job["id"], "train", "succeeded", "100%", final["model_id"]]

    models = hazy("--json", "models", "list", "--project", project).json_lines()
    assert [(m["id"], m["train_job_id"]) for m in models] == [(final["model_id"], job["id"])]
    assert models[0]["generator_type"] == "priv_bayes"


def test_train_reads_the_config_from_stdin_and_waits(project):
    run = hazy("--json", "train", "--project", project, "--config", "-", "--wait",
               input=json.dumps(MINIMAL_CONFIG))
    assert run.rc == EXIT["success"], run.err
    job = run.json()
    assert job["state"] == "succeeded" and job["model_id"]


def test_generate_with_rows_and_with_a_config_file(trained_model, tmp_path):
    project, model = trained_model
    run = hazy("--json", "generate", "--project", project, "--model", model, "--rows", 25, "--wait")
    assert run.rc == EXIT["success"], run.err
    job = run.json()
    assert job["kind"] == "generate" and job["state"] == "succeeded" and job["num_rows"] == 25
    assert job["output_location"].startswith("file:///"), "where the rows went, for a script to pick up"
    cfg = tmp_path / "gen.json"
    cfg.write_text(json.dumps({"seed": 7}))
    run = hazy("--json", "generate", "--project", project, "--model", model, "--rows", 5, "--config", cfg)
    assert run.rc == EXIT["success"], run.err
    assert run.json()["state"] in ("queued", "running")


def test_cancel_then_wait_reports_cancelled(project, sim):
    sim.set_job_duration(project, 60_000)
    job = hazy("--json", "train", "--project", project, "--config", TRAINING_CONFIG).json()
    cancelled = hazy("--json", "job", "cancel", job["id"])
    assert cancelled.rc == EXIT["success"], cancelled.err
    assert cancelled.json()["state"] == "cancelled"
    waited = hazy("--json", "job", "wait", job["id"])
    assert waited.rc == EXIT["cancelled"]
    assert waited.json()["state"] == "cancelled"
    assert json.loads(waited.err.splitlines()[-1])["error"]["status"] == "CANCELLED"


def test_a_rerun_after_a_lost_response_gets_the_job_the_hub_created(project, sim, tmp_path):
    """The scheduler's case: the Hub created the job but the answer never came back. The error
    names the key; rerunning with it returns that job, not a second one."""
    cfg = config_file(tmp_path)
    sim.add_fault(path_prefix=f"/api/v1/projects/{project}/train-jobs", method="POST", kind="drop", count=1)
    lost = hazy("train", "--project", project, "--config", cfg,
                env=base_env(HAZY_RETRY_MAX_ATTEMPTS=1))
    assert lost.rc == EXIT["retryable"], lost.err
    assert lost.err.startswith("hazy: NETWORK: ")
    key = re.search(r"idempotency key: (\S+) \(rerun with --idempotency-key", lost.err).group(1)
    assert sim.stats(project)["jobs_total"] == 1
    rerun = hazy("--json", "train", "--project", project, "--config", cfg, "--idempotency-key", key)
    assert rerun.rc == EXIT["success"], rerun.err
    assert sim.stats(project)["jobs_total"] == 1
    assert [j["id"] for j in hazy("--json", "jobs", "list", "--project", project).json_lines()] == [rerun.json()["id"]]


def test_wait_timeout_leaves_the_job_running(project, sim):
    sim.set_job_duration(project, 30_000)
    job = hazy("--json", "train", "--project", project, "--config", TRAINING_CONFIG).json()
    start = time.monotonic()
    run = hazy("job", "wait", job["id"], "--timeout", "1s")
    assert run.rc == EXIT["retryable"]
    assert time.monotonic() - start < 10
    last = run.err.splitlines()[-1]
    assert last.startswith(f"hazy: TIMEOUT: job '{job['id']}' did not finish within 1000 ms")
    assert last.endswith(f"the job may still be running: resume with `hazy job wait {job['id']}`")
    assert hazy("--json", "job", "get", job["id"]).json()["state"] in ("queued", "running")
