"""Issue 26: the token cache that processes share (--token-cache, HAZY_TOKEN_CACHE), `hazy auth
token` and `hazy auth logout`, with real processes against the real Keycloak and the Hub
simulator.

Token requests are counted where they arrive: every process here reaches Keycloak through the
simulator's {host}/auth proxy (directly, or through SlowTokenEndpoint in front of it), whose
statistics count requests per User-Agent, and each test sends a User-Agent of its own."""
import base64
import http.server
import json
import os
import pwd
import signal
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from hazycli import EXIT, HAZY, REPO, SECRETS, TRAINING_CONFIG, assert_no_secret, base_env, hazy

sys.path.insert(0, str(REPO / "tests" / "doctor"))
import keycloak_admin as kc  # noqa: E402  (the admin REST helpers of the doctor suite)
from secret_forms import forms  # noqa: E402  (tests/common, on the path through hazycli)

PROXY_ROUTE = "POST /auth/{*rest}"  # how the simulator's stats name its Keycloak proxy
JOB_ROUTE = "GET /api/v1/jobs/{job_id}"
HUB = os.environ["HAZY_TEST_HUB_URL"].rstrip("/")
TOKEN_PATH = "/auth/realms/hazy/protocol/openid-connect/token"


def new_agent():
    return f"hazy-cli-cache/{uuid.uuid4()}"


def cache_env(cache, agent, client="api", **extra):
    """A process of the test: the stack's Hub, Keycloak through the Hub's /auth, the cache."""
    return base_env(client=client, HAZY_TOKEN_CACHE=cache, HAZY_USER_AGENT=agent, **extra)


def token_requests(sim, agent):
    return sim.stats(user_agent=agent)["requests"].get(PROXY_ROUTE, 0)


def print_token(env, *flags, timeout=120):
    """`hazy auth token`, the one command that prints a token: run without hazycli's check that
    no token is printed; its stderr is still checked."""
    proc = subprocess.run([str(HAZY), *flags, "auth", "token"], env=env, capture_output=True, text=True, timeout=timeout)
    assert_no_secret(proc.stderr)
    return proc


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def entries(path):
    body = json.loads(Path(path).read_text())
    assert body["format"] == "libhazy-token-cache" and body["version"] == 1, body.keys()
    return body["entries"]


class SlowTokenEndpoint:
    """A token endpoint in front of the simulator's /auth proxy that holds each request `delay`
    seconds (None: until the test ends) before passing it on with its User-Agent, so that the
    simulator still counts it for the test's agent."""

    def __init__(self, delay):
        self.delay, self.received, self.stop = delay, threading.Event(), threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.received.set()
                if outer.stop.wait(outer.delay if outer.delay is not None else 3600):
                    return  # the test is over: drop the connection
                headers = {k: self.headers[k] for k in ("Content-Type", "Authorization", "User-Agent") if self.headers[k]}
                request = urllib.request.Request(HUB + TOKEN_PATH, data=body, headers=headers, method="POST")
                try:
                    with urllib.request.urlopen(request, timeout=30) as r:
                        status, answer = r.status, r.read()
                except urllib.error.HTTPError as e:
                    status, answer = e.code, e.read()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{TOKEN_PATH}"

    def close(self):
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slow_endpoint():
    made = []

    def make(delay):
        made.append(SlowTokenEndpoint(delay))
        return made[-1]

    yield make
    for endpoint in made:
        endpoint.close()


@pytest.fixture
def job_id(project):
    run = hazy("--json", "train", "--project", project, "--config", TRAINING_CONFIG)
    assert run.rc == EXIT["success"], run.err
    return run.json()["id"]


def test_fifty_processes_started_at_once_make_one_token_request(tmp_path, sim, job_id, slow_endpoint):
    agent, cache = new_agent(), tmp_path / "tokens.json"
    # Keycloak's answer held for a second: every process starts while the first one's token
    # request is still out, so the others wait on the lock rather than find a token by luck.
    env = cache_env(cache, agent, HAZY_TOKEN_URL=slow_endpoint(1.0).url)

    def wave():
        procs = [subprocess.Popen([str(HAZY), "--json", "-vv", "job", "get", job_id], env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(50)]
        outs = [p.communicate(timeout=300) for p in procs]
        for p, (out, err) in zip(procs, outs):
            assert p.returncode == EXIT["success"], err
            assert json.loads(out)["id"] == job_id
            assert_no_secret(out, err)
        return [err for _, err in outs]

    started = time.monotonic()
    logs = wave()
    first = time.monotonic() - started
    stats = sim.stats(user_agent=agent)["requests"]
    assert stats.get(PROXY_ROUTE, 0) == 1, stats
    assert stats.get(JOB_ROUTE) == 50, stats
    assert sum("token.granted" in log for log in logs) == 1
    waited = sum("token_cache.wait" in log for log in logs)
    assert waited >= 1, "no process waited for the first one's token request"
    logs = wave()
    stats = sim.stats(user_agent=agent)["requests"]
    assert (stats.get(PROXY_ROUTE, 0), stats.get(JOB_ROUTE)) == (1, 100), stats
    assert all("token_cache.hit" in log for log in logs)
    print(f"50 processes: 1 token request ({waited} waited on the lock) in {first:.1f} s; the next 50: none")


def test_a_process_killed_holding_the_lock_blocks_nobody(tmp_path, sim, slow_endpoint):
    agent, cache = new_agent(), tmp_path / "tokens.json"
    hung = slow_endpoint(None)
    holder = subprocess.Popen([str(HAZY), "auth", "token"], env=cache_env(cache, agent, HAZY_TOKEN_URL=hung.url),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # The token request has arrived: the holder took the lock before sending it.
        assert hung.received.wait(30), "the first process never sent its token request"
        # While it lives, another process waits for it at most request_timeout_ms, then goes alone.
        started = time.monotonic()
        alone = print_token(cache_env(cache, agent, HAZY_REQUEST_TIMEOUT_MS=2000))
        waited = time.monotonic() - started
        assert alone.returncode == EXIT["success"], alone.stderr
        assert 2.0 <= waited < 15, waited
        assert "held its lock for 2000 ms" in alone.stderr and "getting a token without it" in alone.stderr, alone.stderr
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        # The kernel released the dead holder's lock: the next process does not wait, though
        # it would wait a minute for a live one.
        started = time.monotonic()
        after = print_token(cache_env(cache, agent, HAZY_REQUEST_TIMEOUT_MS=60000))
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert after.returncode == EXIT["success"], after.stderr
    assert elapsed < 10, f"the run after kill -9 took {elapsed:.1f} s"
    assert "WARNING" not in after.stderr, after.stderr
    assert len(entries(cache)) == 1
    assert token_requests(sim, agent) == 2  # the one that went alone, the one after the kill
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers == ["tokens.json", "tokens.json.lock"], leftovers


def test_a_cache_written_for_another_client_realm_or_user_is_not_used(tmp_path, sim):
    agent, cache = new_agent(), tmp_path / "tokens.json"
    user, password = os.environ["HAZY_TEST_USERNAME"], os.environ["HAZY_TEST_PASSWORD"]
    runs = [
        ("api", {}),
        ("api-no-train", {}),                                             # another client
        ("api", {"HAZY_USERNAME": user, "HAZY_PASSWORD": password}),       # another user
    ]
    for n, (client, extra) in enumerate(runs, 1):
        run = print_token(cache_env(cache, agent, client=client, **extra))
        assert run.returncode == EXIT["success"], run.stderr
        got = claims(run.stdout.strip())
        assert got["azp"] == client
        assert (got.get("preferred_username") == user) == ("HAZY_USERNAME" in extra), got
        assert token_requests(sim, agent) == n, f"run {n} used another principal's token"
    assert len(entries(cache)) == 3
    # Another realm: the same client's entry, as a realm `other` would have written it.
    body = json.loads(cache.read_text())
    for entry in body["entries"]:
        entry["token_endpoint"] = entry["token_endpoint"].replace("/realms/hazy/", "/realms/other/")
    cache.write_text(json.dumps(body))
    run = print_token(cache_env(cache, agent))
    assert run.returncode == EXIT["success"], run.stderr
    assert token_requests(sim, agent) == 4, "a token written for realm `other` was used for realm `hazy`"
    again = print_token(cache_env(cache, agent))
    assert again.stdout == run.stdout and token_requests(sim, agent) == 4


def test_a_truncated_file_is_rebuilt(tmp_path, sim):
    agent, cache = new_agent(), tmp_path / "tokens.json"
    first = print_token(cache_env(cache, agent))
    assert first.returncode == EXIT["success"], first.stderr
    whole = cache.read_bytes()
    cache.write_bytes(whole[: len(whole) // 2])
    run = print_token(cache_env(cache, agent))
    assert run.returncode == EXIT["success"], run.stderr
    assert "is damaged or not a libhazy token cache" in run.stderr, run.stderr
    assert token_requests(sim, agent) == 2, "a truncated file was trusted"
    assert [e["client_id"] for e in entries(cache)] == ["api"]
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    rebuilt = print_token(cache_env(cache, agent))
    assert rebuilt.stdout == run.stdout and rebuilt.stderr == "" and token_requests(sim, agent) == 2


def test_a_file_others_can_read_or_that_another_user_owns_is_refused(tmp_path, sim):
    agent, cache = new_agent(), tmp_path / "tokens.json"
    assert print_token(cache_env(cache, agent)).returncode == EXIT["success"]
    written = cache.read_bytes()
    cache.chmod(0o644)
    run = print_token(cache_env(cache, agent))
    assert run.returncode == EXIT["success"], run.stderr
    assert f"token cache '{cache}' refused" in run.stderr and "mode 644" in run.stderr, run.stderr
    assert token_requests(sim, agent) == 2, "a token was read from a file others can read"
    assert cache.read_bytes() == written, "a refused file was written"
    # Another owner: a file (as root: handed to `nobody`), else a directory, that is not ours.
    cache.chmod(0o600)
    if os.geteuid() == 0:
        os.chown(cache, pwd.getpwnam("nobody").pw_uid, -1)
        elsewhere, owner = cache, f"belongs to uid {pwd.getpwnam('nobody').pw_uid}"
    else:
        elsewhere, owner = Path("/hazy-token-cache-test.json"), "belongs to uid 0"
    run = print_token(cache_env(elsewhere, agent))
    assert run.returncode == EXIT["success"], run.stderr
    assert owner in run.stderr and "working without it" in run.stderr, run.stderr
    assert token_requests(sim, agent) == 3


@pytest.fixture
def keycloak_user():
    """(name, password, internal id) of a user made for one test, whose sessions are the test's alone."""
    name, password = f"cache-{uuid.uuid4().hex[:10]}", kc.canary_secret("pw")
    user_id = kc.create_user(name, password)
    yield name, password, user_id
    kc.delete_user(user_id)


def test_the_cache_file_holds_tokens_and_no_secret(tmp_path, keycloak_user):
    name, password, _ = keycloak_user
    cache = tmp_path / "tokens.json"
    run = print_token(cache_env(cache, new_agent(), HAZY_USERNAME=name, HAZY_PASSWORD=password))
    assert run.returncode == EXIT["success"], run.stderr
    text = cache.read_text()
    [entry] = entries(cache)
    assert entry["access_token"] == run.stdout.strip() and entry["refresh_token"], "the scan would prove nothing"
    assert (entry["client_id"], entry["username"]) == ("api", name)
    for secret in (SECRETS["api"], password):
        for form_name, form, fold in forms(secret, "api"):
            hay, needle = (text.lower(), form.lower()) if fold else (text, form)
            assert needle not in hay, f"the cache file holds a secret ({form_name})"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "tokens.json.lock").stat().st_mode) == 0o600


def test_logout_ends_the_session_and_revokes_the_refresh_token(tmp_path, keycloak_user):
    name, password, user_id = keycloak_user
    cache = tmp_path / "tokens.json"
    env = cache_env(cache, new_agent(), HAZY_USERNAME=name, HAZY_PASSWORD=password)
    assert print_token(env).returncode == EXIT["success"]
    assert hazy("auth", "check", env=env).rc == EXIT["success"]
    [entry] = entries(cache)
    assert len(kc.user_sessions(user_id)) == 1, "one Keycloak session: the second process took the first one's token"
    assert kc.refresh_grant(entry["refresh_token"], "api", SECRETS["api"])[0] == 200, "the refresh token works before the logout"
    run = hazy("auth", "logout", env=env)
    assert run.rc == EXIT["success"], run.err
    assert run.out == "logged out: 1 refresh token(s) revoked, 1 session(s) ended, cache entry removed\n"
    assert kc.user_sessions(user_id) == [], "Keycloak still lists a session for the user"
    status, answer = kc.refresh_grant(entry["refresh_token"], "api", SECRETS["api"])
    assert (status, answer["error"]) == (400, "invalid_grant"), answer
    assert entries(cache) == []
    again = hazy("--json", "auth", "logout", env=env)
    assert again.rc == EXIT["success"] and again.json() == {"cache_entry_removed": False, "revoked": 0, "sessions_ended": 0}
    # Without a cache there is nothing a new process could log out.
    none = hazy("auth", "logout", env=base_env())
    assert none.rc == EXIT["usage"] and "--token-cache" in none.err, none.err


def test_auth_token_piped_into_curl_reaches_the_hub(tmp_path, project):
    env = base_env(HAZY_BIN=HAZY, JOBS_URL=f"{HUB}/api/v1/projects/{project}/jobs")
    script = '"$HAZY_BIN" auth token | curl -sS --fail-with-body -H "Authorization: Bearer $(cat)" "$JOBS_URL"'
    proc = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert json.loads(proc.stdout)["items"] == []
    assert_no_secret(proc.stdout, proc.stderr)
    # The token goes to standard output alone, one line; --json wraps it.
    plain = print_token(base_env())
    assert plain.returncode == EXIT["success"] and plain.stderr == ""
    assert plain.stdout.count("\n") == 1 and claims(plain.stdout.strip())["azp"] == "api"
    wrapped = print_token(base_env(), "--json")
    assert json.loads(wrapped.stdout)["token_type"] == "Bearer"


def test_the_default_cache_location_is_made_private(tmp_path, sim):
    agent, home, xdg = new_agent(), tmp_path / "home", tmp_path / "xdg"
    home.mkdir()
    for extra, where in (({"HOME": home}, home / ".cache" / "hazy"), ({"HOME": home, "XDG_CACHE_HOME": xdg}, xdg / "hazy")):
        env = base_env(HAZY_USER_AGENT=agent, **extra)
        if "XDG_CACHE_HOME" not in extra:
            env.pop("XDG_CACHE_HOME", None)
        run = print_token(env, "--token-cache")
        assert run.returncode == EXIT["success"], run.stderr
        assert stat.S_IMODE(where.stat().st_mode) == 0o700
        assert [e["client_id"] for e in entries(where / "tokens.json")] == ["api"]
    assert token_requests(sim, agent) == 2
