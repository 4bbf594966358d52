"""Issue 25, item 1: secrets read from files at every grant, against the real Keycloak.

A dedicated client is made through Keycloak's admin REST API for each test (with a 5-second
token lifespan), so rotating its secret disturbs no other suite sharing the Keycloak."""
import contextlib
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

import hazy_ctypes as hz
from conftest import jwt_claims

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "doctor"))
import keycloak_admin as kc  # noqa: E402  (the admin REST helpers of the doctor suite)

LIFESPAN_S = 5  # the client's access.token.lifespan: renewed 2.5 s after each grant


def token_status(client_id, secret):
    """The HTTP status of a client_credentials request sent by hand (200, or 401 for a bad secret)."""
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client_id,
                                   "client_secret": secret}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(os.environ["HAZY_TEST_TOKEN_URL"], data=form),
                                    timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def regenerate_secret(internal_id):
    """Keycloak makes a new secret for the client; the old one stops working at once."""
    _, _, body = kc._call("POST", f"{kc.keycloak_url()}/admin/realms/{kc.REALM}/clients/{internal_id}/client-secret",
                          kc.admin_token())
    return json.loads(body)["value"]


def write_secret(path: Path, secret: str, mode=0o600):
    """As Vault Agent or kubelet do: a new file renamed over the old one, with a line ending."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(secret + "\n")
    os.chmod(tmp, mode)
    os.replace(tmp, path)


@contextlib.contextmanager
def rotating_keycloak_client(kind):
    """(client_id, internal id, first secret) of a Keycloak client with LIFESPAN_S tokens, made
    for one test (so that rotating its secret disturbs no other suite) and deleted after it."""
    client_id = f"{kind}-{uuid.uuid4().hex[:10]}"
    secret = kc.canary_secret(kind.replace("-", ""))
    rep = kc.client_representation(client_id, secret)
    rep["attributes"] = {"access.token.lifespan": str(LIFESPAN_S)}
    internal_id = kc.create_client(rep)
    try:
        yield client_id, internal_id, secret
    finally:
        kc.delete_client(internal_id)


@pytest.fixture
def rotating_client():
    with rotating_keycloak_client("secret-file") as client:
        yield client


def settings(token_url, hub_url, client_id, path):
    return {"token_url": token_url, "host": hub_url, "client_id": client_id, "client_secret_file": str(path)}


def assert_no_secret(err, *secrets):
    for text in err.texts():
        for secret in secrets:
            assert secret not in text, f"secret leaked into error text {text!r}"


def test_a_rotated_client_secret_file_is_used_at_the_next_renewal(make_client, rotating_client, token_url, hub_url,
                                                                  project, tmp_path):
    client_id, internal_id, old = rotating_client
    path = tmp_path / "client-secret"
    write_secret(path, old)
    c = make_client(settings(token_url, hub_url, client_id, path))
    c.authenticate()
    t_auth = time.monotonic()
    assert c.token_request_count == 1
    assert jwt_claims(c.access_token())["azp"] == client_id
    assert c.jobs_list(project) == []

    new = regenerate_secret(internal_id)
    assert new != old
    assert token_status(client_id, old) == 401, "Keycloak still accepts the old secret"
    write_secret(path, new)

    # The token granted with the old secret stays in use until it is due for renewal.
    time.sleep(max(0.0, t_auth + LIFESPAN_S / 2 + 0.5 - time.monotonic()))
    token = c.access_token()
    # Keycloak accepts only the new secret now: a renewal that succeeds sent the new one.
    assert c.token_request_count == 2, "the renewal did not happen, or needed retries"
    claims = jwt_claims(token)
    assert claims["azp"] == client_id and claims["exp"] > time.time()
    assert c.jobs_list(project) == [], "the renewed token must work on the Hub"


def test_a_missing_secret_file_fails_the_grant_naming_the_path_only(make_client, rotating_client, token_url, hub_url,
                                                                    tmp_path):
    client_id, _, secret = rotating_client
    path = tmp_path / "client-secret"
    write_secret(path, secret)
    c = make_client(settings(token_url, hub_url, client_id, path))
    c.authenticate()
    path.unlink()
    with pytest.raises(hz.HazyError) as e:
        c.authenticate()
    assert e.value.status_name == "INVALID_ARGUMENT", e.value
    assert str(path) in e.value.message and "client_secret_file" in e.value.message, e.value.message
    assert_no_secret(e.value, secret)
    write_secret(path, secret)
    c.authenticate()
    assert c.token_request_count == 2


def test_a_secret_and_its_file_together_are_refused(make_client, token_url, tmp_path):
    path = tmp_path / "client-secret"
    write_secret(path, "CANARY-file-secret-3f9a")
    with pytest.raises(hz.HazyError) as e:
        make_client({"token_url": token_url, "client_id": "api", "client_secret": "CANARY-option-secret-77c1",
                     "client_secret_file": str(path)})
    assert e.value.status_name == "INVALID_ARGUMENT", e.value
    assert "'client_secret'" in e.value.message and "'client_secret_file'" in e.value.message, e.value.message
    assert_no_secret(e.value, "CANARY-file-secret-3f9a", "CANARY-option-secret-77c1")


def test_a_secret_file_others_can_read_is_used_with_a_warning(make_client, rotating_client, token_url, hub_url,
                                                              tmp_path):
    client_id, _, secret = rotating_client
    path = tmp_path / "client-secret"
    write_secret(path, secret, mode=0o644)
    records = []
    c = make_client(settings(token_url, hub_url, client_id, path), log=records.append)
    c.authenticate()
    c.authenticate()
    warnings = [r for r in records if r["event"] == "secret_file.permissions"]
    assert len(warnings) == 1, warnings
    assert warnings[0]["level"].lower() == "warn" and str(path) in warnings[0]["message"], warnings[0]
    for r in records:
        for value in r.values():
            assert not (isinstance(value, str) and secret in value), f"secret in log record {r}"
