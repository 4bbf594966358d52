"""The misconfigured clients of the doctor suite, made in the stack's Keycloak through its admin
REST API for one test and deleted after it: the realm file stays as it is, and every run gets
clients of its own with secrets made now (which the canary scan then looks for).

The admin account is the stack's (tests/stack/stack.py, overridable as there with
HAZY_TEST_KEYCLOAK_ADMIN_USER and HAZY_TEST_KEYCLOAK_ADMIN_PASSWORD).
"""
import json
import os
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stack"))
import stack  # noqa: E402

REALM = "hazy"
HUB_AUDIENCE = "hazy-hub-backend"
# Every scope libhazy's operations need (contract/hub-api.yaml), as the realm defines them.
HUB_SCOPES = ["hazy/TrainJob:create", "hazy/TrainJob:read", "hazy/TrainJob:cancel", "hazy/GenerationJob:create",
              "hazy/GenerationJob:read", "hazy/GenerationJob:cancel", "hazy/Model:read"]
AUDIENCE_MAPPER = {
    "name": f"audience {HUB_AUDIENCE}", "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper",
    "config": {"included.client.audience": HUB_AUDIENCE, "access.token.claim": "true", "id.token.claim": "false"},
}


def canary_secret(tag):
    """A client secret whose leading characters no report could hold by chance."""
    return f"Dq{secrets.token_hex(2)}-{tag}-{secrets.token_urlsafe(18)}"


def keycloak_url():
    return os.environ["HAZY_TEST_KEYCLOAK_URL"].rstrip("/")


def _call(method, url, token=None, form=None, body=None):
    headers, data = {}, None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        raise AssertionError(f"{method} {url}: HTTP {e.code} {e.read()[:300]!r}") from None


def admin_token():
    """A fresh one each time: the master realm's tokens last a minute, a suite longer."""
    user = os.environ.get("HAZY_TEST_KEYCLOAK_ADMIN_USER", stack.ADMIN_USER)
    password = os.environ.get("HAZY_TEST_KEYCLOAK_ADMIN_PASSWORD", stack.ADMIN_PASSWORD)
    _, _, body = _call("POST", f"{keycloak_url()}/realms/master/protocol/openid-connect/token",
                       form={"grant_type": "password", "client_id": "admin-cli", "username": user, "password": password})
    return json.loads(body)["access_token"]


def client_representation(client_id, secret, scopes=HUB_SCOPES, audience=True, public=False):
    """A client as the tutorial makes it (client credentials, the Audience mapper, the Hub's
    scopes), less whatever a test takes away."""
    rep = {
        "clientId": client_id, "protocol": "openid-connect", "enabled": True,
        "publicClient": public, "serviceAccountsEnabled": True,
        "standardFlowEnabled": False, "directAccessGrantsEnabled": False,
        "defaultClientScopes": ["basic", "profile", "email", "service_account", *scopes],
        "optionalClientScopes": [],
        "protocolMappers": [AUDIENCE_MAPPER] if audience else [],
    }
    if not public:
        rep.update(clientAuthenticatorType="client-secret", secret=secret)
    return rep


def create_client(rep):
    """Creates the client; returns its internal id, for delete_client."""
    _, headers, _ = _call("POST", f"{keycloak_url()}/admin/realms/{REALM}/clients", admin_token(), body=rep)
    return headers["Location"].rstrip("/").rsplit("/", 1)[1]


def delete_client(internal_id):
    _call("DELETE", f"{keycloak_url()}/admin/realms/{REALM}/clients/{internal_id}", admin_token())


def client_credentials_token(client_id, secret):
    _, _, body = _call("POST", os.environ["HAZY_TEST_TOKEN_URL"],
                       form={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
    return json.loads(body)["access_token"]


def create_user(name, password):
    """A user of the realm made for one test (so that its sessions are the test's alone), with
    the profile Keycloak needs for the password grant; returns its internal id, for delete_user."""
    rep = {"username": name, "enabled": True, "firstName": "Test", "lastName": "User", "email": f"{name}@example.com",
           "emailVerified": True, "credentials": [{"type": "password", "value": password, "temporary": False}]}
    _, headers, _ = _call("POST", f"{keycloak_url()}/admin/realms/{REALM}/users", admin_token(), body=rep)
    return headers["Location"].rstrip("/").rsplit("/", 1)[1]


def delete_user(internal_id):
    _call("DELETE", f"{keycloak_url()}/admin/realms/{REALM}/users/{internal_id}", admin_token())


def user_sessions(internal_id):
    """The user's sessions as Keycloak's admin API lists them."""
    _, _, body = _call("GET", f"{keycloak_url()}/admin/realms/{REALM}/users/{internal_id}/sessions", admin_token())
    return json.loads(body)


def refresh_grant(refresh_token, client_id, secret):
    """(HTTP status, answer) of a refresh_token grant sent by hand."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id, "client_secret": secret}
    request = urllib.request.Request(os.environ["HAZY_TEST_TOKEN_URL"], data=urllib.parse.urlencode(form).encode())
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())
