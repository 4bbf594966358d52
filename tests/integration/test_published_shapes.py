"""Issue 30 against the simulator, through the C API with real Keycloak tokens: Hazy's published
training-config shapes, a config reaching the Hub byte for byte, the tutorial's `hazy/TrainJob:*`
wildcard scope, and the simulator's `state` fault that answers job reads with a raw state."""
import json
import urllib.request

import pytest

import hazy_ctypes as hz
import stackenv
from conftest import REALISTIC_CONFIG_PATH, TRAIN_SCOPES, config_json, jwt_claims

FAST_JOB_MS = 300
SLOW_JOB_MS = 60000


def sim_get(sim, path):
    """A simulator control's raw answer; `path` is under /_sim, like Sim.request's."""
    with urllib.request.urlopen(sim.base + path, timeout=10) as resp:
        return resp.headers.get("Content-Type"), resp.read()


def hub_get(hub_url, token, path):
    req = urllib.request.Request(hub_url + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


# ---------------------------------------------------------------- published shapes


def test_the_model_reports_the_nested_generator(api_client, sim, project):
    sim.set_job_duration(project, FAST_JOB_MS)
    cfg = json.loads(config_json())
    cfg["model_parameters"] = {"generator": {"generator_type": "priv_bayes", "epsilon": 0.5, "n_parents": 2,
                                             "n_bins": 20, "max_cat": 50}}
    done = api_client.job_wait(api_client.train(project, json.dumps(cfg)).id, timeout_ms=30000)
    assert done.state == hz.STATE_SUCCEEDED, done
    [model] = api_client.models_list(project)
    assert (model.generator_type, model.epsilon) == ("priv_bayes", 0.5)


def test_flattened_model_parameters_are_refused_naming_where_they_belong(api_client, sim, project):
    flat = config_json(model_parameters={"generator_type": "priv_bayes", "epsilon": 1000.0})
    with pytest.raises(hz.HazyError) as info:
        api_client.train(project, flat)
    err = info.value
    assert err.status == hz.VALIDATION and err.http_status == 422, err
    assert err.field == "model_parameters.generator", err
    assert "generator_type, epsilon under model_parameters belong in model_parameters.generator" in err.message
    assert sim.stats(project)["jobs_total"] == 0


@pytest.mark.parametrize("model_output", [
    "/models/t.hmf",
    {"type": "s3", "path": "s3://bucket/models/t.hmf"},
    {"type": "s3", "path": "s3://bucket/models/t.hmf", "a_newer_hubs_field": {"x": [1, 2]}},
    None,
], ids=["path", "object", "object-with-unknown-members", "null"])
def test_model_output_is_a_path_or_an_object(model_output, api_client, sim, project):
    sim.set_job_duration(project, FAST_JOB_MS)
    job = api_client.train(project, config_json(model_output=model_output))
    assert api_client.job_wait(job.id, timeout_ms=30000).state == hz.STATE_SUCCEEDED


def test_data_input_refers_to_data_sources_and_handlers_take_their_json_form(api_client, sim, project):
    sim.set_job_duration(project, FAST_JOB_MS)
    cfg = json.loads(config_json())
    cfg["data_schema"]["custom_handlers"] = [
        {"type": "age", "age_column": "Age", "dob_column": "DoB", "ref_date": "2022-12-25"}]
    cfg["data_sources"] = [{"id": "s3-raw", "source_type": "s3"}]
    cfg["data_input"] = [{"name": "t", "location": "s3://b/t.csv", "data_source_id": "s3-raw"}]
    assert api_client.job_wait(api_client.train(project, json.dumps(cfg)).id,
                               timeout_ms=30000).state == hz.STATE_SUCCEEDED

    cfg["data_schema"]["custom_handlers"] = [{"age_column": "Age"}]
    with pytest.raises(hz.HazyError) as info:
        api_client.train(project, json.dumps(cfg))
    assert (info.value.http_status, info.value.field) == (422, "data_schema.custom_handlers"), info.value


def test_a_location_fails_a_job_from_the_published_field(api_client, sim, project):
    sim.set_job_duration(project, FAST_JOB_MS)
    job = api_client.train(project, config_json(data_input=[{"name": "t", "location": "sim://fail/t.csv"}]))
    with pytest.raises(hz.HazyError) as info:
        api_client.job_wait(job.id, timeout_ms=30000)
    assert info.value.status == hz.JOB_FAILED and "sim://fail/t.csv" in info.value.message, info.value


# ---------------------------------------------------------------- the config reaches the Hub unchanged


# Members no contract knows (at the top and nested), member order, tabs, CRLF, blank lines,
# escapes beside raw UTF-8, and numbers a parse-and-serialise round trip would respell
# (1E-3, 1000.0, -0, an integer past 2^64).
CONFIG_AS_WRITTEN = (
    '\r\n{  "zz_from_a_newer_configurator" : {"nested": [1E-3, 1000.0, -0, 123456789012345678901234]},\r\n'
    '\t"model_parameters":{"generator":{"n_bins":100,"epsilon" :1000.0,\t"generator_type":"priv_bayes",'
    '"unknown_knob":true}},\n\n'
    '  "data_input" : [ {"location":"s3://b/caf\u00e9.csv","name":"t\\u00e9","extra":null} ],\n'
    '"data_schema":{"tables":[{"name":"t\\u00e9","dtypes":[{"col":"a","type":"int"}]}],"custom_handlers":[]},'
    '"model_output":{"path":"s3://b/m.hmf","type":"s3"}   }\n\t \n'
).encode("utf-8")


@pytest.mark.parametrize("with_key", [False, True], ids=["generated-key", "caller-key"])
def test_the_config_reaches_the_hub_byte_for_byte(with_key, api_client, sim, project):
    if with_key:
        job = api_client.train_with_key(project, CONFIG_AS_WRITTEN, "caller-chosen-key-1")
    else:
        job = api_client.train(project, CONFIG_AS_WRITTEN)
    content_type, received = sim_get(sim, f"/jobs/{job.id}/config")
    assert content_type == "application/json"
    assert received == CONFIG_AS_WRITTEN, "libhazy changed the config on its way to the Hub"


def test_the_example_config_reaches_the_hub_byte_for_byte(api_client, sim, project):
    raw = REALISTIC_CONFIG_PATH.read_bytes()
    job = api_client.train(project, raw)
    assert sim_get(sim, f"/jobs/{job.id}/config")[1] == raw


# ---------------------------------------------------------------- the tutorial's wildcard scope


def test_a_token_with_the_trainjob_wildcard_trains(make_client, hub_settings, sim, project):
    c = make_client(hub_settings)
    # api-wildcard: its tokens carry hazy/TrainJob:* instead of the TrainJob scopes.
    c.authenticate_client_credentials(*stackenv.client("WILDCARD"))
    scopes = jwt_claims(c.access_token())["scope"].split()
    assert "hazy/TrainJob:*" in scopes and not set(TRAIN_SCOPES) & set(scopes), scopes

    sim.set_job_duration(project, FAST_JOB_MS)
    done = c.job_wait(c.train(project, config_json()).id, timeout_ms=30000)
    assert done.state == hz.STATE_SUCCEEDED and done.model_id, done
    assert [j.id for j in c.jobs_list(project)] == [done.id]
    assert [m.id for m in c.models_list(project)] == [done.model_id]

    sim.set_job_duration(project, SLOW_JOB_MS)
    slow = c.train(project, config_json())
    assert c.job_cancel(slow.id).state == hz.STATE_CANCELLED

    # The wildcard is TrainJob's alone: generating still needs its own scope, named as before.
    with pytest.raises(hz.HazyError) as info:
        c.generate(project, done.model_id, 10)
    err = info.value
    assert err.status == hz.FORBIDDEN and err.http_status == 403, err
    assert err.field == "hazy/GenerationJob:create", err
    assert "hazy/GenerationJob:*" in err.message, err


# ---------------------------------------------------------------- raw job states


@pytest.mark.parametrize("raw_state", ["SUCCEEDED", "completed", "canceled", "ARCHIVED", ""])
def test_a_state_fault_answers_the_raw_state_until_disarmed(raw_state, api_client, sim, project, hub_url):
    sim.set_job_duration(project, SLOW_JOB_MS)
    job = api_client.train(project, config_json())
    token = api_client.access_token()
    path = f"/api/v1/jobs/{job.id}"
    fault = sim.add_fault(path_prefix=path, method="GET", kind="state", state=raw_state, progress=1.0)
    assert fault["remaining"] is None, "without a count a state fault stays armed"
    try:
        for _ in range(3):
            seen = hub_get(hub_url, token, path)
            assert (seen["id"], seen["state"], seen["progress"]) == (job.id, raw_state, 1.0), seen
        listed = hub_get(hub_url, token, f"/api/v1/projects/{project}/jobs")["items"]
        assert [j["state"] for j in listed] == ["queued"], "only the fault's path answers the raw state"
    finally:
        assert sim.request("DELETE", f"/faults/{fault['id']}") is None
    assert hub_get(hub_url, token, path)["state"] in ("queued", "running")
    api_client.job_cancel(job.id)
