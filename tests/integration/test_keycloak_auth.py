"""Issue 3: authentication against a real Keycloak (realm `hazy`), through the C API."""
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import hazy_ctypes as hz
from conftest import (ALL_SCOPES, AUDIENCE, DEFAULT_MARGIN_S, SECRETS, SHORT_LIFETIME_S, SUITE_USER_AGENT,
                      USERS, audiences, config_json, jwt_claims, sleep_until_refresh_is_due)

ALL_SECRETS = list(SECRETS.values()) + list(USERS.values())
PROXY_ROUTE = "POST /auth/{*rest}"  # how the simulator's stats name its /auth proxy


def assert_hub_token(token, issuer, azp, scopes=ALL_SCOPES):
    claims = jwt_claims(token)
    assert AUDIENCE in audiences(claims), claims.get("aud")
    granted = claims.get("scope", "").split()
    missing = [s for s in scopes if s not in granted]
    assert not missing, f"token lacks scopes {missing}; scope claim: {claims.get('scope')!r}"
    assert claims["iss"] == issuer
    assert claims["azp"] == azp
    assert claims.get("typ") == "Bearer"
    assert claims["exp"] > time.time()
    return claims


def session_id(claims):
    sid = claims.get("sid") or claims.get("session_state")
    assert sid, f"token has neither sid nor session_state: {sorted(claims)}"
    return sid


def assert_no_secret(err: hz.HazyError, *extra):
    for text in err.texts():
        for secret in ALL_SECRETS + list(extra):
            assert secret not in text, f"secret leaked into error text {text!r}"


# ---------------------------------------------------------------- grants


def test_client_credentials_grant(make_client, token_url, env, hub_url, project):
    c = make_client({"token_url": token_url, "host": hub_url})
    c.authenticate_client_credentials("api", SECRETS["api"])
    assert c.token_request_count == 1
    token = c.access_token()
    assert c.token_request_count == 1, "a cached, fresh token must not be fetched again"
    claims = assert_hub_token(token, env["HAZY_TEST_ISSUER"], "api")
    assert claims["preferred_username"] == "service-account-api"
    # The simulator verifies the token (signature, iss, aud, scope) for real.
    assert c.jobs_list(project) == []


def test_password_grant(make_client, token_url, env, hub_url, project):
    c = make_client({"token_url": token_url, "host": hub_url})
    c.authenticate_password("api", SECRETS["api"], "analyst", USERS["analyst"])
    assert c.token_request_count == 1
    claims = assert_hub_token(c.access_token(), env["HAZY_TEST_ISSUER"], "api")
    assert claims["preferred_username"] == "analyst"
    assert c.jobs_list(project) == []


def test_tutorial_password_grant_parameters(make_client, hub_url, env, project):
    """The seed tutorial: host = Hub, client `api` + secret, user, password, grant_type password,
    audience=hazy-hub-backend; set as options and used by hazy_authenticate."""
    c = make_client({
        "host": hub_url,
        "audience": AUDIENCE,
        "client_id": "api",
        "client_secret": SECRETS["api"],
        "username": "analyst",
        "password": USERS["analyst"],
    })
    c.authenticate()
    assert c.token_request_count == 1
    claims = assert_hub_token(c.access_token(), env["HAZY_TEST_ISSUER"], "api")
    assert claims["preferred_username"] == "analyst", "hazy_authenticate did not use the password grant"
    job = c.train(project, config_json())
    assert job.project_id == project and job.kind == "train"


def test_refresh_token_grant(make_client, token_url, env):
    """With 5 s tokens a refresh is due after 2.5 s; it must use the refresh token: Keycloak keeps
    the same user session (sid) for a refresh_token grant, a new password grant opens a new one."""
    c = make_client({"token_url": token_url})
    t0 = time.monotonic()
    c.authenticate_password("api-short-lived", SECRETS["api-short-lived"], "analyst", USERS["analyst"])
    t_auth = time.monotonic()
    first = c.access_token()
    assert c.token_request_count == 1
    first_claims = assert_hub_token(first, env["HAZY_TEST_ISSUER"], "api-short-lived")
    lifetime = first_claims["exp"] - first_claims["iat"]
    assert lifetime == SHORT_LIFETIME_S, f"api-short-lived tokens should live 5 s, not {lifetime}"

    sleep_until_refresh_is_due(t0, t_auth, lifetime)
    refreshed = c.access_token()
    assert refreshed != first, "the token was not renewed although a refresh was due"
    assert c.token_request_count == 2, "exactly one token request should renew the token"
    refreshed_claims = jwt_claims(refreshed)
    assert refreshed_claims["preferred_username"] == "analyst"
    assert session_id(refreshed_claims) == session_id(first_claims), \
        "the renewed token belongs to a new session: the password grant was repeated, not refresh_token"

    # Control: a new password grant does open a new session, so the sid comparison means something.
    c.authenticate_password("api-short-lived", SECRETS["api-short-lived"], "analyst", USERS["analyst"])
    assert session_id(jwt_claims(c.access_token())) != session_id(first_claims)
    assert c.token_request_count == 3


def test_bearer_token_from_another_client(make_client, token_url, hub_settings, project):
    source = make_client({"token_url": token_url})
    source.authenticate_client_credentials("api", SECRETS["api"])
    token = source.access_token()

    c = make_client(hub_settings)
    c.authenticate_bearer(token)
    assert c.access_token() == token
    assert c.jobs_list(project) == []
    job = c.train(project, config_json())
    assert [j.id for j in c.jobs_list(project)] == [job.id]
    assert c.token_request_count == 0, "a bearer token must never cause a token request"


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("case", [
    "wrong client secret", "unknown client", "wrong password", "disabled user", "service accounts off",
    "unknown realm",
])
def test_refusals_name_the_cause_without_secrets(case, make_client, token_url, keycloak_url):
    wrong_secret = "Wr0ng-S3cret-Value-9876"
    wrong_password = "Wr0ng-Passw0rd-5432"
    settings = {"token_url": token_url}
    if case == "wrong client secret":
        expected, named = hz.AUTH, "api"
        run = lambda c: c.authenticate_client_credentials("api", wrong_secret)  # noqa: E731
    elif case == "unknown client":
        expected, named = hz.AUTH, "no-such-client-7"
        run = lambda c: c.authenticate_client_credentials("no-such-client-7", wrong_secret)  # noqa: E731
    elif case == "wrong password":
        expected, named = hz.AUTH, "analyst"
        run = lambda c: c.authenticate_password("api", SECRETS["api"], "analyst", wrong_password)  # noqa: E731
    elif case == "disabled user":
        expected, named = hz.AUTH, "disabled-analyst"
        run = lambda c: c.authenticate_password(  # noqa: E731
            "api", SECRETS["api"], "disabled-analyst", USERS["disabled-analyst"])
    elif case == "service accounts off":
        expected, named = hz.AUTH, "api-no-service-account"
        run = lambda c: c.authenticate_client_credentials(  # noqa: E731
            "api-no-service-account", SECRETS["api-no-service-account"])
    else:
        settings = {"auth_url": keycloak_url, "realm": "no-such-realm"}
        expected, named = hz.NOT_FOUND, "realm"
        run = lambda c: c.authenticate_client_credentials("api", SECRETS["api"])  # noqa: E731

    c = make_client(settings)
    with pytest.raises(hz.HazyError) as info:
        run(c)
    err = info.value
    assert err.status == expected, f"{case}: expected {hz.status_name(expected)}, got {err}"
    assert named in err.message, f"{case}: message does not name {named!r}: {err.message!r}"
    assert err.http_status in (400, 401, 403, 404), err
    if expected == hz.AUTH:
        assert err.oauth_error, f"{case}: Keycloak's OAuth error is missing: {err}"
    if case == "wrong client secret":
        assert err.oauth_error in ("unauthorized_client", "invalid_client"), err
    assert_no_secret(err, wrong_secret, wrong_password)
    with pytest.raises(hz.HazyError) as again:
        c.access_token()  # nothing cached: the client is not authenticated
    assert again.value.status == expected
    assert_no_secret(again.value, wrong_secret, wrong_password)


# ---------------------------------------------------------------- expiry


def expected_token_requests(call_starts, lifetime, margin):
    """The library's rule: a token requested at t is renewed by the first call at or after
    t + lifetime - min(margin, lifetime / 2). The first call authenticates."""
    refresh_after = lifetime - min(margin, lifetime / 2)
    requests, fetched_at = 0, None
    for t in call_starts:
        if fetched_at is None or t >= fetched_at + refresh_after:
            requests += 1
            fetched_at = t
    return requests


def test_token_expiry_is_invisible_to_the_caller(make_client, hub_url, sim, project):
    """api-short-lived (5 s tokens): calls spread over > 12 s all succeed with no caller action;
    the token is renewed every 2.5 s and no expired token is ever sent (no 401, no replay)."""
    c = make_client({"host": hub_url, "client_id": "api-short-lived",
                     "client_secret": SECRETS["api-short-lived"]})
    starts, hub_calls, remaining = [], 0, []
    begin = time.monotonic()
    while time.monotonic() - begin < 12.5:
        starts.append(time.monotonic())
        assert c.jobs_list(project) == []  # the first call authenticates lazily
        hub_calls += 1
        starts.append(time.monotonic())
        claims = jwt_claims(c.access_token())
        remaining.append(claims["exp"] - time.time())
        time.sleep(0.35)
    elapsed = starts[-1] - begin
    assert elapsed >= 12.0

    expected = expected_token_requests(starts, SHORT_LIFETIME_S, DEFAULT_MARGIN_S)
    got = c.token_request_count
    assert abs(got - expected) <= 1, f"{got} token requests over {elapsed:.1f} s; the refresh rule gives {expected}"
    assert got >= 4, f"only {got} token requests over {elapsed:.1f} s of 5 s tokens"
    # A token is never handed out (nor sent) after its exp.
    assert min(remaining) > 0, f"an expired token was served: remaining lifetimes {remaining}"
    # Every Hub call reached the simulator exactly once: no 401 and no replay.
    stats = sim.stats(project)
    assert stats["requests_total"] == hub_calls, stats


# ---------------------------------------------------------------- layouts


def proxy_count(sim):
    """Token requests this suite's clients sent through {host}/auth."""
    return sim.stats(user_agent=SUITE_USER_AGENT)["requests"].get(PROXY_ROUTE, 0)


def test_tutorial_layout_host_only(make_client, hub_url, sim, project, env):
    """Only `host` set: the token URL is {host}/auth/realms/hazy/protocol/openid-connect/token,
    which the simulator proxies to Keycloak."""
    before = proxy_count(sim)
    c = make_client({"host": hub_url, "client_id": "api", "client_secret": SECRETS["api"]})
    c.authenticate()
    assert proxy_count(sim) == before + 1, "the token request did not go through {host}/auth once"
    assert_hub_token(c.access_token(), env["HAZY_TEST_ISSUER"], "api")
    assert c.jobs_list(project) == []


@pytest.mark.parametrize("how", ["token_url", "auth_url"])
def test_explicit_keycloak_location(how, make_client, hub_url, sim, token_url, keycloak_url, project, env):
    settings = {"host": hub_url, "client_id": "api", "client_secret": SECRETS["api"]}
    settings.update({"token_url": token_url} if how == "token_url" else {"auth_url": keycloak_url})
    before = proxy_count(sim)
    c = make_client(settings)
    c.authenticate()
    assert c.token_request_count == 1
    assert proxy_count(sim) == before, f"{how} was ignored: the token request went to {{host}}/auth"
    assert_hub_token(c.access_token(), env["HAZY_TEST_ISSUER"], "api")
    assert c.jobs_list(project) == []


def test_explicit_token_url_without_host(make_client, token_url, env):
    c = make_client({"token_url": token_url})
    c.authenticate_client_credentials("api", SECRETS["api"])
    assert_hub_token(c.access_token(), env["HAZY_TEST_ISSUER"], "api")


# ---------------------------------------------------------------- unreachable Keycloak


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def token_url_at(port):
    return f"http://127.0.0.1:{port}/auth/realms/hazy/protocol/openid-connect/token"


def timed_failure(client, fn=None):
    t = time.monotonic()
    with pytest.raises(hz.HazyError) as info:
        (fn or (lambda: client.authenticate_client_credentials("api", SECRETS["api"])))()
    return info.value, time.monotonic() - t


def test_closed_port_gives_network_within_connect_timeout(make_client):
    url = token_url_at(closed_port())
    c = make_client({"token_url": url, "connect_timeout_ms": "2000", "retry_max_attempts": "1"})
    err, elapsed = timed_failure(c)
    assert err.status == hz.NETWORK, err
    assert elapsed < 2.0 + 1.0, f"took {elapsed:.2f} s"
    assert c.token_request_count == 1
    assert_no_secret(err)


def test_closed_port_with_retries_stays_within_the_retry_budget(make_client):
    url = token_url_at(closed_port())
    c = make_client({"token_url": url, "connect_timeout_ms": "2000", "retry_max_attempts": "4",
                     "retry_base_delay_ms": "100", "retry_max_elapsed_ms": "3000"})
    err, elapsed = timed_failure(c)
    assert err.status == hz.NETWORK, err
    assert c.token_request_count == 4, "every attempt of the retry policy should have been made"
    # Backoffs 100 + 200 + 400 ms at most (jittered), far below the 3 s budget.
    assert elapsed < 3.0 + 1.0, f"took {elapsed:.2f} s"


@pytest.fixture
def blackhole_port():
    """A port whose SYNs go unanswered: a listener with a full accept queue (backlog 0 holding one
    connection that is never accepted) makes Linux drop further SYNs, so connect() hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port), timeout=2)
    probe = socket.socket()
    probe.settimeout(0.3)
    try:
        probe.connect(("127.0.0.1", port))
        pytest.fail("could not build a blackholed port: the accept queue is not full")
    except socket.timeout:
        pass
    finally:
        probe.close()
    yield port
    filler.close()
    listener.close()


# hazy.h: TIMEOUT is "a connect, request or wait deadline passed".
@pytest.mark.parametrize("server, timeout", [("blackhole_port", "connect_timeout_ms"),
                                             ("silent_server", "request_timeout_ms")])
def test_an_unanswering_server_gives_timeout_within_its_timeout(request, make_client, server, timeout):
    c = make_client({"token_url": token_url_at(request.getfixturevalue(server)), timeout: "800",
                     "retry_max_attempts": "1"})
    err, elapsed = timed_failure(c)
    assert err.status == hz.TIMEOUT, err
    assert 0.7 <= elapsed < 0.8 + 1.0, f"took {elapsed:.2f} s with an 800 ms {timeout}"


@pytest.fixture
def silent_server():
    """Accepts connections, reads, never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    conns, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                conns.append(conn)
            except (socket.timeout, OSError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in conns:
        conn.close()
    listener.close()


def test_server_that_never_answers_with_retries_stays_within_budget(make_client, silent_server):
    c = make_client({"token_url": token_url_at(silent_server), "request_timeout_ms": "400",
                     "retry_max_attempts": "3", "retry_base_delay_ms": "50", "retry_max_elapsed_ms": "5000"})
    err, elapsed = timed_failure(c)
    assert err.status == hz.TIMEOUT, err
    assert c.token_request_count == 3
    # 3 x 400 ms + backoffs of at most 50 + 100 ms.
    assert elapsed < 3 * 0.4 + 0.15 + 1.0, f"took {elapsed:.2f} s"


# ---------------------------------------------------------------- environment


ENV_SCRIPT = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import hazy_ctypes as hz
out = {}
with hz.Client(None) as c:                      # hazy_client_new(NULL, ...): HAZY_* variables
    out["lazy_jobs"] = len(c.jobs_list(sys.argv[2]))   # credentials from env, authenticated lazily
    out["lazy_count"] = c.token_request_count
    c.authenticate()
    out["count"] = c.token_request_count
    out["token"] = c.access_token()
with hz.Client({}, load_env=True) as c:         # hazy_options_load_env
    c.authenticate()
    out["load_env_token"] = c.access_token()
print(json.dumps(out))
"""


def run_with_env(extra_env, *args):
    env = {k: v for k, v in os.environ.items() if not (k.startswith("HAZY_") and not k.startswith("HAZY_TEST_"))}
    env.update(extra_env)
    return subprocess.run([sys.executable, "-c", ENV_SCRIPT, str(Path(__file__).parent), *args],
                          env=env, capture_output=True, text=True, timeout=60)


def test_environment_configuration(hub_url, project, env):
    res = run_with_env({"HAZY_HUB_HOST": hub_url, "HAZY_CLIENT_ID": "api",
                        "HAZY_CLIENT_SECRET": SECRETS["api"], "HAZY_POLL_INTERVAL_MS": "100"}, project)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["lazy_jobs"] == 0
    assert out["lazy_count"] == 1, "the first Hub call should have authenticated with the env credentials"
    assert out["count"] == 2
    for key in ("token", "load_env_token"):
        claims = assert_hub_token(out[key], env["HAZY_TEST_ISSUER"], "api")
        assert claims["preferred_username"] == "service-account-api"


def test_environment_password_grant(hub_url, project, env):
    res = run_with_env({"HAZY_HUB_HOST": hub_url, "HAZY_CLIENT_ID": "api", "HAZY_CLIENT_SECRET": SECRETS["api"],
                        "HAZY_USERNAME": "analyst", "HAZY_PASSWORD": USERS["analyst"],
                        "HAZY_AUDIENCE": AUDIENCE}, project)
    assert res.returncode == 0, res.stderr
    claims = assert_hub_token(json.loads(res.stdout)["token"], env["HAZY_TEST_ISSUER"], "api")
    assert claims["preferred_username"] == "analyst"


def test_malformed_environment_is_named(hub_url):
    res = run_with_env({"HAZY_HUB_HOST": hub_url, "HAZY_CONNECT_TIMEOUT_MS": "soon"}, "p")
    assert res.returncode != 0
    assert "INVALID_ARGUMENT" in res.stderr and "HAZY_CONNECT_TIMEOUT_MS" in res.stderr, res.stderr
