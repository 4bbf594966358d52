"""`hazy doctor` against the real Keycloak and the Hub simulator: each misconfiguration of the
tutorial's setup gets its own diagnosis (the failing step, its status and the tutorial's fix), and
a correct setup gets every step right. Every run is scanned for secrets and tokens (doctorcli)."""
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from doctorcli import doctor, env, scan, stackenv, watch
import keycloak_admin as kc
from relay import Relay

EVERY_STEP = ["host", "keycloak", "realm", "client", "audience", "scopes", "hub", "clock", "api"]
# Exit codes of the CLI (README, "Command-line tool"; tests/cli checks the table).
EXIT = {"success": 0, "internal": 1, "auth": 3, "forbidden": 4, "not-found": 5, "retryable": 7, "tls": 12}
TRAIN_PATH = "/api/v1/projects/{project_id}/train-jobs"


def keycloak_root():
    return stackenv.url("HAZY_TEST_KEYCLOAK_URL").removesuffix("/auth")


def assert_all_pass(run):
    assert run.rc == EXIT["success"], run.text
    assert run.results() == {s: "pass" for s in EVERY_STEP}, run.text
    assert run.report["ok"] is True and run.report["status"] == "OK"


def assert_diagnosis(run, step, status, exit_code, *fix_words):
    """`step` is the first failure, with `status` and a fix that says `fix_words`."""
    assert run.failed() and run.failed()[0] == step, run.text
    found = run.step(step)
    assert found["status"] == status, found
    assert run.rc == exit_code, run.text
    for word in fix_words:
        assert word in found["fix"], (word, found["fix"])


# ------------------------------------------------------------------ the scan itself


def test_the_scan_sees_what_it_looks_for():
    """A secret echoed the ways a server or a bug could: the scan must see each of them."""
    import base64
    import urllib.parse
    secret = kc.canary_secret("scan")
    watch("scan-client", secret)
    for leaked in (secret, urllib.parse.quote_plus(secret), secret[:6] + "...",
                   base64.b64encode(f"scan-client:{secret}".encode()).decode()):
        assert scan(f"x {leaked} y")[0], leaked
    assert scan("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")[1]
    assert scan("nothing here") == ([], False)


# ------------------------------------------------------------------ a correct installation


def test_the_tutorials_setup_holds_at_every_step():
    """The tutorial's layout: Keycloak under {host}/auth (the simulator proxies it), the realm's
    `api` client; and the simulator serves its contract, so the Hub API step compares too."""
    run = doctor(env())
    assert_all_pass(run)
    assert "under /auth" in run.step("keycloak")["finding"]
    assert "no difference in the 7 operations libhazy uses" in run.step("api")["finding"]
    assert "/openapi.json" in run.step("api")["finding"]
    assert "every scope" in run.step("scopes")["finding"]
    assert "all 9 steps hold" in run.text


def test_a_client_made_as_the_tutorial_says_holds_too(keycloak_client):
    client_id, secret = keycloak_client("tutorial")
    assert_all_pass(doctor(env(client_id, secret)))


def test_a_bearer_token_from_elsewhere_is_checked_without_a_grant():
    token = kc.client_credentials_token(*stackenv.client())
    watch("api", token)
    run = doctor(env(client=None, HAZY_ACCESS_TOKEN=token))
    assert run.rc == EXIT["success"], run.text
    assert "bearer token is configured" in run.step("client")["finding"]
    assert run.step("clock")["result"] == "skipped"
    assert all(r == "pass" for s, r in run.results().items() if s != "clock"), run.text


# ------------------------------------------------------------------ each misconfiguration


def test_client_authentication_off(keycloak_client):
    client_id, _ = keycloak_client("public", public=True)
    # The user believes the client has a secret; Keycloak ignores it for a public client.
    secret = kc.canary_secret("believed")
    watch(client_id, secret)
    run = doctor(env(client_id, secret))
    assert_diagnosis(run, "client", "AUTH", EXIT["auth"], '"Client authentication" On', client_id)
    assert "Public client not allowed" in run.step("client")["finding"]
    assert {run.step(s)["result"] for s in ("audience", "scopes", "hub", "clock")} == {"skipped"}


def test_a_wrong_secret():
    wrong = kc.canary_secret("wrong")
    watch("api", wrong)
    run = doctor(env("api", wrong))
    assert_diagnosis(run, "client", "AUTH", EXIT["auth"], "Credentials", '"Client secret"', "client_secret")
    assert "unauthorized_client: Invalid client or Invalid client credentials" in run.step("client")["finding"]


def test_no_audience_mapper(keycloak_client):
    client_id, secret = keycloak_client("no-audience", audience=False)
    run = doctor(env(client_id, secret))
    assert_diagnosis(run, "audience", "AUTH", EXIT["auth"], "Audience", "hazy-hub-backend", f"{client_id}-dedicated")
    assert run.step("client")["result"] == "pass" and run.step("scopes")["result"] == "pass"
    # The Hub agrees: it refuses the token, and the fix points back at the mapper.
    assert run.step("hub")["status"] == "AUTH" and "Audience mapper" in run.step("hub")["fix"]


def test_no_train_scope(keycloak_client):
    client_id, secret = keycloak_client("no-train", scopes=["hazy/Model:read"])
    run = doctor(env(client_id, secret))
    assert_diagnosis(run, "scopes", "FORBIDDEN", EXIT["forbidden"], "hazy/TrainJob:* scopes", "hazy/TrainJob:create")
    assert "hazy/TrainJob:create (train)" in run.step("scopes")["finding"]
    assert run.step("audience")["result"] == "pass"
    assert run.step("hub")["status"] == "FORBIDDEN"


def test_a_wrong_realm():
    run = doctor(env(HAZY_REALM="hazy-doctor-nope"))
    assert_diagnosis(run, "realm", "NOT_FOUND", EXIT["not-found"], "realm (HAZY_REALM)")
    assert "Realm does not exist" in run.step("realm")["finding"]
    assert run.step("keycloak")["result"] == "pass"
    assert run.step("client")["result"] == "skipped"


def test_auth_url_at_the_root_of_a_keycloak_served_under_auth():
    run = doctor(env(HAZY_AUTH_URL=keycloak_root()))
    assert_diagnosis(run, "keycloak", "NOT_FOUND", EXIT["not-found"],
                     f"set auth_url (HAZY_AUTH_URL) to {stackenv.url('HAZY_TEST_KEYCLOAK_URL')}")
    assert "served under /auth" in run.step("keycloak")["finding"]
    # The walk goes on with the Keycloak it found: nothing else is wrong.
    assert [s for s, r in run.results().items() if r != "pass"] == ["keycloak"], run.text


def test_the_root_layout():
    """An installation serving Keycloak at its root (relay.py): the tutorial's {host}/auth is
    not there, and the doctor says where Keycloak is."""
    with Relay() as relay:
        run = doctor(env(HAZY_HUB_HOST=relay.url))
        assert_diagnosis(run, "keycloak", "NOT_FOUND", EXIT["not-found"], f"set auth_url (HAZY_AUTH_URL) to {relay.url}")
        assert "at the server root" in run.step("keycloak")["finding"]
        assert [s for s, r in run.results().items() if r != "pass"] == ["keycloak"], run.text
        # The fix it names works.
        assert_all_pass(doctor(env(HAZY_HUB_HOST=relay.url, HAZY_AUTH_URL=relay.url)))


def test_an_unknown_ca():
    """Keycloak's HTTPS port, with the stack's test CA, as the host: without the CA the first step
    fails with the fix; with ca_bundle the host and Keycloak steps hold (it is no Hub, so the Hub
    call then fails)."""
    https = stackenv.url("HAZY_TEST_KEYCLOAK_HTTPS_URL").removesuffix("/auth")
    run = doctor(env(HAZY_HUB_HOST=https))
    assert_diagnosis(run, "host", "TLS", EXIT["tls"], "ca_bundle (HAZY_CA_BUNDLE)")
    assert "UnknownIssuer" in run.step("host")["finding"]
    assert run.step("keycloak")["result"] == "skipped"
    trusted = doctor(env(HAZY_HUB_HOST=https, HAZY_CA_BUNDLE=os.environ["HAZY_TEST_KEYCLOAK_CA"]))
    for step in ("host", "keycloak", "realm", "client", "audience", "scopes"):
        assert trusted.step(step)["result"] == "pass", trusted.text
    assert "TLS verified with the system roots and ca_bundle" in trusted.step("host")["finding"]
    assert trusted.failed() == ["hub"], trusted.text


# ------------------------------------------------------------------ proxies


def test_the_proxy_is_named_and_used():
    with Relay() as proxy:
        run = doctor(env(HTTP_PROXY=proxy.url))
        assert_all_pass(run)
        assert f"through the proxy {proxy.url}, from HTTP_PROXY" in run.step("host")["finding"]
        hub = stackenv.url("HAZY_TEST_HUB_URL")
        assert f"{hub}/api/v1/health" in proxy.proxied, proxy.proxied


def test_a_proxy_that_is_down():
    run = doctor(env(HTTP_PROXY="http://127.0.0.1:9"))
    assert_diagnosis(run, "host", "NETWORK", EXIT["retryable"], "http://127.0.0.1:9", "NO_PROXY")


# ------------------------------------------------------------------ the Hub's API description


def sim_openapi(method, document=None):
    url = stackenv.url("HAZY_TEST_SIM_ADMIN_URL") + "/openapi"
    data = None if document is None else json.dumps(document).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return r.status


@pytest.fixture
def served_contract():
    """The contract the simulator serves; whatever a test serves instead is undone after it."""
    with urllib.request.urlopen(stackenv.url("HAZY_TEST_HUB_URL") + "/openapi.json", timeout=10) as r:
        contract = json.load(r)
    yield contract
    assert sim_openapi("DELETE") == 204


def test_the_simulator_serves_its_contract(served_contract):
    contract = Path(__file__).resolve().parents[2] / "contract" / "hub-api.json"
    assert served_contract == json.loads(contract.read_text())


def test_each_difference_of_the_hubs_description_is_named(served_contract):
    changed = json.loads(json.dumps(served_contract))
    paths = changed["paths"]
    paths["/api/v1/projects/{project_id}/training-jobs"] = paths.pop(TRAIN_PATH)
    request = changed["components"]["schemas"]["GenerationRequest"]
    request["required"].remove("model_id")
    del request["properties"]["model_id"]
    assert sim_openapi("PUT", changed) == 204
    run = doctor(env())
    assert_diagnosis(run, "api", "PROTOCOL", EXIT["internal"], "contract/hub-api.yaml")
    details = run.step("api")["details"]
    assert len(details) == 2, details
    assert f"createTrainJob (hazy_train): POST {TRAIN_PATH} is not in the Hub's description" in details[0]
    assert "POST /api/v1/projects/{project_id}/training-jobs" in details[0]
    assert details[1] == ("createGenerationJob (hazy_generate): request field 'model_id' is missing from the Hub's "
                          "description; libhazy's contract requires it")
    assert "in 2 of the 7 operations" in run.step("api")["finding"]
    # Everything else still holds: the difference is the Hub's description alone.
    assert run.failed() == ["api"]


def test_the_json_twin_of_the_contract_is_current():
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("contract_json.py"))],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
