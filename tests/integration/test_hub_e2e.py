"""Issue 4: train on the Hub end to end, through the C API, against real Keycloak tokens verified
by the Hub simulator."""
import base64
import json
import threading
import time
from pathlib import Path
from ctypes import byref, c_void_p

import pytest

import hazy_ctypes as hz
from conftest import (REALISTIC_CONFIG_PATH, SECRETS, SIM_LEEWAY_S, SUITE_USER_AGENT, config_json, jwt_claims,
                      wait_until)

TRAIN_ROUTE = "POST /api/v1/projects/{project_id}/train-jobs"
FAST_JOB_MS = 1200
SLOW_JOB_MS = 60000


def assert_monotonic(values):
    assert all(a <= b for a, b in zip(values, values[1:])), f"progress went backwards: {values}"


# ---------------------------------------------------------------- the happy path


@pytest.mark.parametrize("config", ["minimal", "examples/training-config.json"])
def test_train_wait_list_models_generate(config, api_client, sim, project):
    sim.set_job_duration(project, FAST_JOB_MS)
    cfg = config_json() if config == "minimal" else REALISTIC_CONFIG_PATH.read_text()
    job = api_client.train(project, cfg)
    assert job.id and job.project_id == project and job.kind == "train"
    assert job.state in (hz.STATE_QUEUED, hz.STATE_RUNNING), job
    assert job.model_id is None

    seen = []
    done = api_client.job_wait(job.id, timeout_ms=30000, progress=lambda j: seen.append(j) or 0)
    assert done.state == hz.STATE_SUCCEEDED and done.state_name == "succeeded", done
    assert done.id == job.id and done.progress == 1.0
    assert done.model_id, "a succeeded train job has a model id"
    assert seen, "the progress callback was never called"
    assert all(s.id == job.id for s in seen)
    assert_monotonic([s.progress for s in seen])
    assert seen[-1].progress == 1.0 and seen[-1].state == hz.STATE_SUCCEEDED
    assert len(seen) >= 3, f"with 100 ms polls over a {FAST_JOB_MS} ms job, expected several polls: {seen}"

    listed = api_client.jobs_list(project)
    assert [(j.id, j.state, j.model_id) for j in listed] == [(job.id, hz.STATE_SUCCEEDED, done.model_id)]
    models = api_client.models_list(project)
    assert len(models) == 1
    m = models[0]
    assert (m.id, m.project_id, m.train_job_id) == (done.model_id, project, job.id)
    assert m.generator_type == "priv_bayes" and m.epsilon == 1000.0

    gen = api_client.generate(project, done.model_id, num_rows=500)
    assert gen.kind == "generate" and gen.model_id == done.model_id and gen.project_id == project
    gen_done = api_client.job_wait(gen.id, timeout_ms=30000)
    assert gen_done.state == hz.STATE_SUCCEEDED and gen_done.progress == 1.0
    assert api_client.job_get(gen.id).state == hz.STATE_SUCCEEDED
    assert sorted(j.kind for j in api_client.jobs_list(project)) == ["generate", "train"]
    assert sim.stats(project)["jobs_total"] == 2


def test_generate_with_a_config_writes_rows_to_its_output_location(api_client, sim, project, tmp_path):
    sim.set_job_duration(project, 300)
    done = api_client.job_wait(api_client.train(project, config_json()).id, timeout_ms=30000)
    assert done.output_location is None, "a train job writes no rows"
    location = f"file://{tmp_path}/synthetic/"
    gen = api_client.generate(project, done.model_id, 0, json.dumps({"num_rows": 10, "output_location": location}))
    assert gen.output_location == location, "the job echoes the config's output location from the start"
    finished = api_client.job_wait(gen.id, timeout_ms=30000)
    assert finished.state == hz.STATE_SUCCEEDED and finished.output_location == location
    rows = (tmp_path / "synthetic" / "rows.csv").read_text().splitlines()
    assert rows[0] == "row,model_id" and len(rows) == 1 + 10 and rows[-1] == f"10,{done.model_id}", rows

    # No location in the config: the Hub picks one and says where.
    default = api_client.job_wait(api_client.generate(project, done.model_id, 3).id, timeout_ms=30000)
    assert default.output_location.startswith("file:///") and default.id in default.output_location, default
    rows_file = Path(default.output_location[len("file://"):]) / "rows.csv"
    assert len(rows_file.read_text().splitlines()) == 1 + 3
    with pytest.raises(hz.HazyError) as info:
        api_client.generate(project, "no-such-model", 10)
    assert info.value.status == hz.NOT_FOUND, info.value


def test_unknown_job_is_not_found(api_client):
    with pytest.raises(hz.HazyError) as info:
        api_client.job_get("no-such-job-42")
    assert info.value.status == hz.NOT_FOUND and info.value.http_status == 404, info.value
    assert "no-such-job-42" in info.value.message


# ---------------------------------------------------------------- tokens the Hub refuses


def test_token_without_train_scopes_is_forbidden(make_client, hub_settings, sim, project):
    c = make_client(hub_settings)
    c.authenticate_client_credentials("api-no-train", SECRETS["api-no-train"])
    with pytest.raises(hz.HazyError) as info:
        c.train(project, config_json())
    err = info.value
    assert err.status == hz.FORBIDDEN and err.http_status == 403, err
    assert err.field == "hazy/TrainJob:create", err
    assert "hazy/TrainJob:create" in err.message
    assert c.token_request_count == 1, "a 403 is not a reason to fetch another token"
    assert sim.stats(project)["jobs_total"] == 0


def test_token_without_audience_is_rejected_after_one_replay(make_client, hub_settings, sim, project):
    c = make_client(hub_settings)
    c.authenticate_client_credentials("api-no-audience", SECRETS["api-no-audience"])
    assert c.token_request_count == 1
    with pytest.raises(hz.HazyError) as info:
        c.train(project, config_json())
    err = info.value
    assert err.status == hz.AUTH and err.http_status == 401, err
    assert "audience does not include hazy-hub-backend" in err.message, "the Hub's reason is lost: " + err.message
    assert "eyJ" not in "".join(err.texts()), "a token in the error"
    assert c.token_request_count == 2, "a 401 should cause exactly one new token and one replay"
    stats = sim.stats(project)
    assert stats["requests"].get(TRAIN_ROUTE) == 2, stats
    assert stats["jobs_total"] == 0


def tampered(token):
    header, payload, signature = token.split(".")
    # Flip the first signature character: still base64url, no longer the key's signature.
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    return ".".join([header, payload, flipped])


def test_tampered_token_is_auth(make_client, hub_settings, api_client, sim, project):
    c = make_client(hub_settings)
    c.authenticate_bearer(tampered(api_client.access_token()))
    with pytest.raises(hz.HazyError) as info:
        c.jobs_list(project)
    assert info.value.status == hz.AUTH and info.value.http_status == 401, info.value
    assert c.token_request_count == 0
    # A bearer token cannot be renewed: no replay with the same token.
    assert sim.stats(project)["requests_total"] == 1


def test_tampered_claims_are_auth(make_client, hub_settings, api_client, project):
    """A payload edited to claim more (here: a later exp) keeps its header and signature."""
    header, payload, signature = api_client.access_token().split(".")
    claims = jwt_claims(".".join([header, payload, signature]))
    claims["exp"] += 3600
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    c = make_client(hub_settings)
    c.authenticate_bearer(".".join([header, forged, signature]))
    with pytest.raises(hz.HazyError) as info:
        c.train(project, config_json())
    assert info.value.status == hz.AUTH, info.value


def test_expired_token_is_auth(make_client, hub_settings, early_short_lived_token, sim, project):
    token, exp = early_short_lived_token
    wait_until(exp + SIM_LEEWAY_S + 1.5)  # past exp plus the simulator's leeway
    c = make_client(hub_settings)
    c.authenticate_bearer(token)
    with pytest.raises(hz.HazyError) as info:
        c.jobs_list(project)
    err = info.value
    assert err.status == hz.AUTH and err.http_status == 401, err
    assert token not in err.message
    assert sim.stats(project)["requests_total"] == 1


# ---------------------------------------------------------------- local validation


@pytest.mark.parametrize("case,body,field,words", [
    ("missing data_schema", config_json(data_schema=None), "data_schema", ["data_schema"]),
    ("missing data_input", json.dumps({"data_schema": {"tables": []}}), "data_input", ["data_input"]),
    ("data_schema without tables", config_json(data_schema={}), "data_schema.tables", ["tables"]),
    ("not JSON", '{"data_schema": {"tables": [', None, ["JSON"]),
    ("not an object", json.dumps([1, 2]), None, ["object"]),
])
def test_invalid_config_fails_locally(case, body, field, words, make_client, hub_settings, sim, project):
    c = make_client(dict(hub_settings, client_id="api", client_secret=SECRETS["api"]))
    with pytest.raises(hz.HazyError) as info:
        c.train(project, body)
    err = info.value
    assert err.status == hz.VALIDATION, err
    assert err.http_status == 0, "checked locally: no HTTP response involved"
    if field:
        assert err.field == field, err
    for w in words:
        assert w in err.message, err
    assert c.token_request_count == 0, "nothing may be sent, not even a token request"
    stats = sim.stats(project)
    assert stats["requests_total"] == 0 and stats["jobs_total"] == 0, stats


def test_hub_side_validation_names_the_field(api_client, sim, project):
    """What the library cannot check locally, the Hub refuses with 422 naming the field."""
    body = config_json(data_input=[42])
    with pytest.raises(hz.HazyError) as info:
        api_client.train(project, body)
    err = info.value
    assert err.status == hz.VALIDATION and err.http_status == 422, err
    assert err.field == "data_input", err
    assert sim.stats(project)["jobs_total"] == 0


# ---------------------------------------------------------------- faults and retries
# Retries, Retry-After, drops and the retry budget are the fault matrix's:
# tests/reliability/faults.py (tests/SCENARIOS.md, "Hub: retries, idempotency, faults").


# ---------------------------------------------------------------- waiting, cancelling, failing


def test_wait_timeout(api_client, sim, project):
    sim.set_job_duration(project, SLOW_JOB_MS)
    job = api_client.train(project, config_json())
    t = time.monotonic()
    with pytest.raises(hz.HazyError) as info:
        api_client.job_wait(job.id, timeout_ms=800)
    elapsed = time.monotonic() - t
    assert info.value.status == hz.TIMEOUT, info.value
    assert job.id in info.value.message
    assert 0.75 <= elapsed < 0.8 + 1.0, f"took {elapsed:.2f} s"
    # Leaving the wait does not cancel the job.
    assert api_client.job_get(job.id).state in (hz.STATE_QUEUED, hz.STATE_RUNNING)
    api_client.job_cancel(job.id)


def test_cancel_then_wait_is_cancelled(api_client, sim, project):
    sim.set_job_duration(project, SLOW_JOB_MS)
    job = api_client.train(project, config_json())
    cancelled = api_client.job_cancel(job.id)
    assert cancelled.id == job.id and cancelled.state == hz.STATE_CANCELLED, cancelled
    assert api_client.job_get(job.id).state == hz.STATE_CANCELLED
    again = api_client.job_cancel(job.id)  # idempotent
    assert again.state == hz.STATE_CANCELLED
    with pytest.raises(hz.HazyError) as info:
        api_client.job_wait(job.id, timeout_ms=5000)
    assert info.value.status == hz.CANCELLED, info.value
    assert [j.state for j in api_client.jobs_list(project)] == [hz.STATE_CANCELLED]
    assert api_client.models_list(project) == []


def test_cancel_token_from_another_thread(api_client, sim, project):
    sim.set_job_duration(project, SLOW_JOB_MS)
    job = api_client.train(project, config_json())
    cancelled_at = []
    with hz.CancelToken() as token:
        def cancel():
            cancelled_at.append(time.monotonic())
            token.cancel()
        timer = threading.Timer(0.6, cancel)
        timer.start()
        try:
            with pytest.raises(hz.HazyError) as info:
                api_client.job_wait(job.id, timeout_ms=30000, cancel=token)
            returned = time.monotonic()
        finally:
            timer.cancel()
            timer.join()
        assert info.value.status == hz.CANCELLED, info.value
        assert cancelled_at, "the wait ended before the token was cancelled"
        assert returned - cancelled_at[0] < 1.0, f"returned {returned - cancelled_at[0]:.2f} s after cancel"
        # A later wait with a cancelled token returns at once.
        t = time.monotonic()
        with pytest.raises(hz.HazyError) as info:
            api_client.job_wait(job.id, cancel=token)
        assert info.value.status == hz.CANCELLED and time.monotonic() - t < 1.0
    # Cancelling the wait does not cancel the job.
    assert api_client.job_get(job.id).state in (hz.STATE_QUEUED, hz.STATE_RUNNING)
    api_client.job_cancel(job.id)


def test_failed_job_reports_the_reason(api_client, sim, project):
    sim.set_job_duration(project, FAST_JOB_MS)
    job = api_client.train(project, config_json(data_input=[{"name": "t", "location": "sim://fail/x"}]))
    with pytest.raises(hz.HazyError) as info:
        api_client.job_wait(job.id, timeout_ms=30000)
    err = info.value
    assert err.status == hz.JOB_FAILED, err
    assert "sim://fail/x" in err.message, err
    failed = api_client.job_get(job.id)
    assert failed.state == hz.STATE_FAILED and "sim://fail/x" in failed.failure_reason
    assert failed.model_id is None
    assert api_client.models_list(project) == []


def test_progress_callback_can_stop_the_wait(api_client, sim, project):
    sim.set_job_duration(project, SLOW_JOB_MS)
    job = api_client.train(project, config_json())
    calls = []

    def stop_on_third(j):
        calls.append(j)
        return 1 if len(calls) == 3 else 0

    with pytest.raises(hz.HazyError) as info:
        api_client.job_wait(job.id, timeout_ms=30000, progress=stop_on_third)
    assert info.value.status == hz.CANCELLED, info.value
    assert len(calls) == 3, "the wait went on polling after the callback asked to stop"
    assert api_client.job_get(job.id).state in (hz.STATE_QUEUED, hz.STATE_RUNNING)
    api_client.job_cancel(job.id)


def test_progress_callback_may_call_back_into_the_library(api_client, sim, project):
    sim.set_job_duration(project, FAST_JOB_MS)
    job = api_client.train(project, config_json())
    inner = []

    def reenter(j):
        fetched = api_client.job_get(j.id)  # hazy_job_get from inside the callback, same client
        inner.append((j.progress, fetched.progress, fetched.state))
        return 0

    done = api_client.job_wait(job.id, timeout_ms=30000, progress=reenter)
    assert done.state == hz.STATE_SUCCEEDED
    assert inner, "callback never called"
    assert all(fetched >= seen for seen, fetched, _ in inner), inner
    assert inner[-1][2] == hz.STATE_SUCCEEDED


def test_exception_in_callback_does_not_unwind_through_c(api_client, sim, project):
    sim.set_job_duration(project, FAST_JOB_MS)
    job = api_client.train(project, config_json())

    def boom(_):
        raise ValueError("callback failed")

    with pytest.raises(ValueError, match="callback failed"):
        api_client.job_wait(job.id, timeout_ms=30000, progress=boom)
    # The library is intact afterwards.
    assert api_client.job_wait(job.id, timeout_ms=30000).state == hz.STATE_SUCCEEDED


# ---------------------------------------------------------------- bad arguments through the C ABI


def raw(fn, *args):
    err = c_void_p()
    status = fn(*args, byref(err))
    e = hz.error_from(status, err) if status != hz.OK else None
    return status, e


@pytest.mark.parametrize("case,project_arg,named,words", [
    ("NULL client", b"p", "client", ["NULL"]),
    ("NULL project id", None, "project_id", ["NULL"]),
    ("invalid UTF-8 project id", b"\xff\xfe", "project_id", ["UTF-8"]),
    ("empty project id", b"", "project_id", ["empty"]),
])
def test_bad_arguments_are_invalid_argument(case, project_arg, named, words, api_client, sim):
    client = None if case == "NULL client" else api_client.ptr
    before = sim.stats(user_agent=SUITE_USER_AGENT)["requests_total"]
    out = c_void_p()
    for fn, args in [
        (hz.LIB.hazy_jobs_list, (client, project_arg, byref(out))),
        (hz.LIB.hazy_models_list, (client, project_arg, byref(out))),
        (hz.LIB.hazy_train, (client, project_arg, config_json().encode(), byref(out))),
        (hz.LIB.hazy_generate, (client, project_arg, b"m1", 10, None, byref(out))),
    ]:
        status, err = raw(fn, *args)
        assert status == hz.INVALID_ARGUMENT, f"{case} -> {fn.__name__}: {err}"
        assert err.status == hz.INVALID_ARGUMENT
        assert named in err.message, f"{fn.__name__}: message does not name {named!r}: {err.message!r}"
        for w in words:
            assert w in err.message, err.message
        assert not out, "out-parameter written on failure"
    assert sim.stats(user_agent=SUITE_USER_AGENT)["requests_total"] == before, \
        "a call with bad arguments reached the Hub"


def test_other_null_arguments(api_client):
    out = c_void_p()
    cases = [
        ("job_out", hz.LIB.hazy_train, (api_client.ptr, b"p", config_json().encode(), None)),
        ("config_json", hz.LIB.hazy_train, (api_client.ptr, b"p", None, byref(out))),
        ("job_id", hz.LIB.hazy_job_get, (api_client.ptr, None, byref(out))),
        ("job_id", hz.LIB.hazy_job_cancel, (api_client.ptr, b"", None)),
        ("model_id", hz.LIB.hazy_generate, (api_client.ptr, b"p", None, 10, None, byref(out))),
        ("token", hz.LIB.hazy_authenticate_bearer, (api_client.ptr, None)),
        ("client_id", hz.LIB.hazy_authenticate_client_credentials, (api_client.ptr, b"\xc3\x28", b"s")),
    ]
    for named, fn, args in cases:
        status, err = raw(fn, *args)
        assert status == hz.INVALID_ARGUMENT, f"{fn.__name__} with bad {named}: {err}"
        assert named in err.message, f"{fn.__name__}: {err.message!r} does not name {named!r}"
    # The wait too, with every optional argument NULL.
    status, err = raw(hz.LIB.hazy_job_wait, None, b"j", 0, hz.PROGRESS_FN(), None, None, None)
    assert status == hz.INVALID_ARGUMENT and "client" in err.message, err
    # A NULL error out-parameter is allowed: the status alone comes back.
    assert hz.LIB.hazy_jobs_list(None, b"p", byref(out), None) == hz.INVALID_ARGUMENT
    # Getters and frees accept NULL.
    assert hz.LIB.hazy_job_id(None) == b"" and hz.LIB.hazy_job_state(None) == hz.STATE_UNKNOWN
    assert hz.LIB.hazy_error_message(None) == b"" and hz.LIB.hazy_token_request_count(None) == 0
    hz.LIB.hazy_job_free(None)
    hz.LIB.hazy_error_free(None)
    hz.LIB.hazy_free(None)


def test_static_strings():
    assert hz.status_name(hz.FORBIDDEN) == "FORBIDDEN" and hz.status_name(999) == "UNKNOWN"
    assert hz.state_name(hz.STATE_RUNNING) == "running" and hz.state_name(-1) == "unknown"
    header = (hz.REPO / "include" / "hazy.h").read_text()
    assert f'#define HAZY_VERSION "{hz.version()}"' in header


# ---------------------------------------------------------------- concurrency


def test_sixteen_threads_share_one_client(make_client, hub_settings, sim, project):
    """16 threads submit at once on a client configured with credentials but not yet authenticated:
    one token request (single flight), 16 distinct jobs, all listed."""
    n = 16
    sim.set_job_duration(project, 500)
    c = make_client(dict(hub_settings, client_id="api", client_secret=SECRETS["api"]))
    assert c.token_request_count == 0
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def submit(i):
        try:
            barrier.wait(timeout=30)
            job = c.train(project, config_json())
            results[i] = c.job_wait(job.id, timeout_ms=60000)
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not errors, errors
    ids = {r.id for r in results}
    assert len(ids) == n
    assert all(r.state == hz.STATE_SUCCEEDED and r.model_id for r in results)
    assert c.token_request_count == 1, f"{c.token_request_count} token requests for 16 concurrent first calls"
    assert {j.id for j in c.jobs_list(project)} == ids
    assert len({m.id for m in c.models_list(project)}) == n
    stats = sim.stats(project)
    assert stats["jobs_total"] == n and stats["requests"][TRAIN_ROUTE] == n, stats
