"""hazy_logout through the C ABI, without a token cache (issue 26): the Keycloak session of a
password grant ends when the program says so, not at Keycloak's idle timeout. With the token
cache, between processes, `hazy auth logout` is tested by tests/cli/test_token_cache.py.

A user is made for each test through Keycloak's admin REST API, so that the sessions the test
counts are its own."""
import sys
import uuid
from pathlib import Path

import pytest

import hazy_ctypes as hz
from conftest import SECRETS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "doctor"))
import keycloak_admin as kc  # noqa: E402  (the admin REST helpers of the doctor suite)


@pytest.fixture
def user():
    name, password = f"logout-{uuid.uuid4().hex[:10]}", kc.canary_secret("pw")
    user_id = kc.create_user(name, password)
    yield name, password, user_id
    kc.delete_user(user_id)


def test_logout_ends_the_password_grants_session_and_the_client_can_start_anew(make_client, hub_settings, project, user):
    name, password, user_id = user
    c = make_client(dict(hub_settings, client_id="api", client_secret=SECRETS["api"], username=name, password=password))
    c.authenticate()
    assert len(kc.user_sessions(user_id)) == 1
    c.logout()
    assert kc.user_sessions(user_id) == [], "the session outlived hazy_logout"
    # The next call authenticates anew, with a new session, which a second logout ends.
    assert c.jobs_list(project) == []
    assert len(kc.user_sessions(user_id)) == 1 and c.token_request_count == 2
    c.logout()
    assert kc.user_sessions(user_id) == []


def test_logout_without_a_session(make_client, hub_settings):
    # client_credentials: no refresh token, so nothing to revoke, and no request.
    c = make_client(dict(hub_settings, client_id="api", client_secret=SECRETS["api"]))
    c.authenticate()
    c.logout()
    assert c.token_request_count == 1
    bearer = make_client(dict(hub_settings, access_token=c.access_token()))
    with pytest.raises(hz.HazyError) as info:
        bearer.logout()
    assert info.value.status == hz.INVALID_ARGUMENT and "bearer token" in info.value.message
    with pytest.raises(hz.HazyError) as info:
        make_client(hub_settings).logout()
    assert info.value.status == hz.INVALID_ARGUMENT and "no credentials" in info.value.message
