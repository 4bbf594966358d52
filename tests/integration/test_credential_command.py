"""Issue 25, item 2: a credential command (as AWS's credential_process), against the real Keycloak.

A dedicated client is made through Keycloak's admin REST API for each test (with a 5-second
token lifespan), so rotating its secret disturbs no other suite sharing the Keycloak. The
command is a script of the test that prints the secret it finds in a file."""
import json
import os
import sys
import time

import pytest

import hazy_ctypes as hz
from conftest import jwt_claims
from test_secret_files import (LIFESPAN_S, assert_no_secret, regenerate_secret, rotating_keycloak_client,
                               token_status, write_secret)

# Printed by the failing commands on stdout and stderr: it must appear in no error text.
CANARY = "CmdCan-5d1e-CANARY-0b7f"

PRINT_SECRET = """\
import json, sys
print("fetching the secret for " + sys.argv[1] + " " + open(sys.argv[1]).read().strip(), file=sys.stderr)
with open(sys.argv[2], "a") as runs:
    runs.write("run\\n")
print(json.dumps({"client_secret": open(sys.argv[1]).read().strip()}))
"""


@pytest.fixture
def rotating_client():
    with rotating_keycloak_client("cred-command") as client:
        yield client


def sh_script(tmp_path, name, body):
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o700)
    return path


def test_the_command_runs_at_each_grant_and_a_rotated_secret_is_used(make_client, rotating_client, token_url,
                                                                       hub_url, project, tmp_path):
    client_id, internal_id, old = rotating_client
    secret_path, runs = tmp_path / "client-secret", tmp_path / "runs"
    write_secret(secret_path, old)
    script = tmp_path / "print_secret.py"
    script.write_text(PRINT_SECRET)
    # A JSON array: the words as they are, whatever spaces the paths hold.
    command = json.dumps([sys.executable, str(script), str(secret_path), str(runs)])
    c = make_client({"token_url": token_url, "host": hub_url, "client_id": client_id, "credential_command": command})
    c.authenticate()
    t_auth = time.monotonic()
    assert c.token_request_count == 1
    assert runs.read_text().count("run") == 1
    assert jwt_claims(c.access_token())["azp"] == client_id
    assert c.jobs_list(project) == []
    assert runs.read_text().count("run") == 1, "a fresh token is used without running the command"

    new = regenerate_secret(internal_id)
    assert new != old
    assert token_status(client_id, old) == 401, "Keycloak still accepts the old secret"
    write_secret(secret_path, new)

    time.sleep(max(0.0, t_auth + LIFESPAN_S / 2 + 0.5 - time.monotonic()))
    token = c.access_token()
    # Keycloak accepts only the new secret now: a renewal that succeeds ran the command again.
    assert c.token_request_count == 2, "the renewal did not happen, or needed retries"
    assert runs.read_text().count("run") == 2
    claims = jwt_claims(token)
    assert claims["azp"] == client_id and claims["exp"] > time.time()
    assert c.jobs_list(project) == [], "the renewed token must work on the Hub"


def test_an_access_token_printed_by_the_command_is_used_until_expires_at(make_client, rotating_client, token_url,
                                                                           hub_url, project, tmp_path):
    client_id, _, secret = rotating_client
    # The command gets its token from Keycloak itself, as a broker would, and says when it expires.
    body = f"""import json, time, urllib.parse, urllib.request
form = urllib.parse.urlencode({{"grant_type": "client_credentials", "client_id": {client_id!r},
                               "client_secret": {secret!r}}}).encode()
grant = json.load(urllib.request.urlopen(urllib.request.Request({token_url!r}, data=form), timeout=30))
open({str(tmp_path / "runs")!r}, "a").write("run\\n")
print(json.dumps({{"access_token": grant["access_token"], "expires_at": int(time.time()) + grant["expires_in"]}}))
"""
    script = tmp_path / "broker.py"
    script.write_text(body)
    c = make_client({"host": hub_url, "credential_command": f"'{sys.executable}' '{script}'"})
    first = c.access_token()
    assert jwt_claims(first)["azp"] == client_id
    assert c.jobs_list(project) == []
    assert c.token_request_count == 0, "libhazy made no grant of its own"
    time.sleep(LIFESPAN_S / 2 + 1)
    second = c.access_token()
    assert second != first, "the command ran again shortly before expires_at"
    assert (tmp_path / "runs").read_text().count("run") == 2
    assert c.jobs_list(project) == []


@pytest.mark.parametrize("name,body,status,words", [
    ("exit", f'echo \'{{"client_secret": "{CANARY}"}}\'; echo "{CANARY}" >&2; exit 1', "AUTH",
     "exited with status 1"),
    ("json", f'echo \'{{"client_secret": "{CANARY}"\'; echo "{CANARY}" >&2', "INVALID_ARGUMENT", "not a JSON object"),
    ("neither", f'echo \'{{"secret": "{CANARY}"}}\'', "INVALID_ARGUMENT", "neither"),
    ("timeout", f'echo \'{{"client_secret": "{CANARY}"}}\'; echo "{CANARY}" >&2; exec sleep 30', "TIMEOUT",
     "did not finish within 700 ms"),
])
def test_failures_give_the_documented_status_and_no_output(make_client, token_url, tmp_path, name, body, status,
                                                           words):
    script = sh_script(tmp_path, f"{name}.sh", body)
    c = make_client({"token_url": token_url, "client_id": "api", "credential_command": f"/bin/sh '{script}'",
                     "credential_command_timeout_ms": "700"})
    started = time.monotonic()
    with pytest.raises(hz.HazyError) as e:
        c.authenticate()
    assert time.monotonic() - started < 10
    assert e.value.status_name == status, e.value
    assert "credential_command" in e.value.message and words in e.value.message, e.value.message
    assert_no_secret(e.value, CANARY)
    assert c.token_request_count == 0


def test_the_shell_runs_only_when_asked(make_client, rotating_client, token_url, tmp_path):
    client_id, _, secret = rotating_client
    secret_path = tmp_path / "client-secret"
    write_secret(secret_path, secret)
    command = f"""printf '{{"client_secret": "%s"}}' "$(cat '{secret_path}')" | cat"""
    # Without a shell the words are printf's literal arguments ("$(cat ...)", "|", "cat"), and
    # printf repeats its format for each: not one JSON object.
    with pytest.raises(hz.HazyError) as e:
        make_client({"token_url": token_url, "client_id": client_id, "credential_command": command}).authenticate()
    assert e.value.status_name == "INVALID_ARGUMENT", e.value
    assert_no_secret(e.value, secret)
    c = make_client({"token_url": token_url, "client_id": client_id, "credential_command": command,
                     "credential_command_shell": "true"})
    c.authenticate()
    assert jwt_claims(c.access_token())["azp"] == client_id


def test_the_command_and_a_secret_together_are_refused(make_client, token_url):
    with pytest.raises(hz.HazyError) as e:
        make_client({"token_url": token_url, "client_id": "api", "client_secret": CANARY,
                     "credential_command": "/usr/bin/get-secret --json"})
    assert e.value.status_name == "INVALID_ARGUMENT", e.value
    assert "'credential_command'" in e.value.message and "'client_secret'" in e.value.message, e.value.message
    assert_no_secret(e.value, CANARY)
