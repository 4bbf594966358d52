"""Issue 14: private_key_jwt client authentication (RFC 7523) against the real Keycloak, through the
C API. The realm's clients api-jwt (RSA) and api-jwt-ec (EC P-256) authenticate with "Signed JWT";
their key pairs are made when the stack starts and their certificates registered with Keycloak
(tests/stack/signed_jwt.py), which exports HAZY_TEST_JWT[_EC]_CLIENT_ID and _PRIVATE_KEY.

Part of the Keycloak authentication suite: it runs in make test and against every release of
make test-keycloak-matrix."""
import base64
import hashlib
import json
import os
import subprocess
import sys
import time

import pytest

import hazy_ctypes as hz
from conftest import ALL_SCOPES, AUDIENCE, USERS, audiences, config_json, jwt_claims, sleep_until_refresh_is_due

JWT_LIFETIME_S = 10  # access.token.lifespan of api-jwt


def jwt_env(role):
    names = (f"HAZY_TEST_{role}CLIENT_ID", f"HAZY_TEST_{role}PRIVATE_KEY")
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        pytest.fail(f"{', '.join(missing)} not set: run under tests/stack/stack.py, which makes the keys")
    return os.environ[names[0]], os.environ[names[1]]


@pytest.fixture(scope="module")
def rsa_client():
    return jwt_env("JWT_")


@pytest.fixture(scope="module")
def ec_client():
    return jwt_env("JWT_EC_")


def jwt_settings(client_id, key, **extra):
    return {"client_id": client_id, "client_auth": "private_key_jwt", "client_private_key": key, **extra}


def key_fragments(path):
    """Pieces of a PEM key's body: none of them may appear in any error text."""
    body = "".join(line for line in open(path).read().splitlines() if not line.startswith("-----"))
    return [body[i:i + 24] for i in range(0, len(body) - 24, 24)]


def assert_clean(err: hz.HazyError, key_path):
    for text in err.texts():
        for piece in key_fragments(key_path):
            assert piece not in text, f"key material leaked into {text!r}"
        # A signed assertion is three base64url parts starting with a JSON header ("eyJ").
        assert "eyJ" not in text, f"something JWT-shaped leaked into {text!r}"


def keycloak_kid(key_path):
    """The kid Keycloak gives a registered certificate's key: base64url(SHA-256(SubjectPublicKeyInfo)).
    An assertion whose kid differs is refused ("Unable to load public key")."""
    der = subprocess.run(["openssl", "pkey", "-in", key_path, "-pubout", "-outform", "DER"],
                         capture_output=True, check=True).stdout
    return base64.urlsafe_b64encode(hashlib.sha256(der).digest()).decode().rstrip("=")


def new_key(tmp_path, name, newkey=("-newkey", "rsa:2048")):
    key = tmp_path / f"{name}.pem"
    done = subprocess.run(["openssl", "req", "-x509", *newkey, "-nodes", "-keyout", str(key),
                           "-out", str(tmp_path / f"{name}.crt"), "-days", "1", "-subj", f"/CN={name}"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return str(key)


def assert_hub_token(token, issuer, azp):
    claims = jwt_claims(token)
    assert AUDIENCE in audiences(claims), claims.get("aud")
    granted = claims.get("scope", "").split()
    assert all(s in granted for s in ALL_SCOPES), claims.get("scope")
    assert claims["iss"] == issuer and claims["azp"] == azp, claims
    return claims


# ---------------------------------------------------------------- grants


@pytest.mark.parametrize("audience", ["token endpoint", "issuer"])
def test_client_credentials_with_an_rsa_key(audience, rsa_client, make_client, keycloak_url, hub_url, env, project):
    """RS256 by default; aud is the token endpoint, or the issuer when configured so."""
    client_id, key = rsa_client
    extra = {"client_assertion_audience": env["HAZY_TEST_ISSUER"]} if audience == "issuer" else {}
    c = make_client(jwt_settings(client_id, key, auth_url=keycloak_url, host=hub_url, **extra))
    c.authenticate()
    assert c.token_request_count == 1
    claims = assert_hub_token(c.access_token(), env["HAZY_TEST_ISSUER"], client_id)
    assert claims["preferred_username"] == f"service-account-{client_id}"
    # The simulator verifies the token (signature, iss, aud, scope) for real.
    assert c.jobs_list(project) == []


def test_client_credentials_with_an_ec_key(ec_client, make_client, token_url, hub_url, env, project):
    """ES256, picked from the P-256 key, with the kid Keycloak derives for the certificate."""
    client_id, key = ec_client
    c = make_client(jwt_settings(client_id, key, token_url=token_url, host=hub_url, client_key_id=keycloak_kid(key)))
    c.authenticate()
    assert_hub_token(c.access_token(), env["HAZY_TEST_ISSUER"], client_id)
    job = c.train(project, config_json())
    assert job.kind == "train"


def test_refresh_grant_with_a_signed_jwt(rsa_client, make_client, token_url, env):
    """The password grant, then a refresh when due: both authenticate the client with a new
    assertion. Keycloak keeps the user session (sid) for refresh_token; a new password grant
    would open a new one."""
    client_id, key = rsa_client
    c = make_client(jwt_settings(client_id, key, token_url=token_url, username="analyst",
                                 password=USERS["analyst"]))
    t0 = time.monotonic()
    c.authenticate()
    t_auth = time.monotonic()
    first = c.access_token()
    first_claims = assert_hub_token(first, env["HAZY_TEST_ISSUER"], client_id)
    assert first_claims["preferred_username"] == "analyst"
    lifetime = first_claims["exp"] - first_claims["iat"]
    assert lifetime == JWT_LIFETIME_S, f"api-jwt tokens should live {JWT_LIFETIME_S} s, not {lifetime}"
    sleep_until_refresh_is_due(t0, t_auth, lifetime)
    refreshed = c.access_token()
    assert refreshed != first, "the token was not renewed although a refresh was due"
    assert c.token_request_count == 2
    sid = lambda claims: claims.get("sid") or claims.get("session_state")  # noqa: E731
    assert sid(first_claims), f"token has neither sid nor session_state: {sorted(first_claims)}"
    assert sid(jwt_claims(refreshed)) == sid(first_claims), "the password grant was repeated, not refresh_token"


@pytest.mark.parametrize("kid", ["Keycloak's", "another"])
def test_environment_variables(kid, rsa_client, hub_url, env, project):
    """HAZY_CLIENT_AUTH, HAZY_CLIENT_PRIVATE_KEY and HAZY_CLIENT_KEY_ID, through hazy_client_new(NULL).
    Keycloak refuses a kid other than its own for the certificate, which shows the kid is sent."""
    client_id, key = rsa_client
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import hazy_ctypes as hz\n"
        "c = hz.Client(None)\n"
        "c.authenticate()\n"
        "print(json.dumps({'token': c.access_token(), 'jobs': len(c.jobs_list(sys.argv[2]))}))\n"
    )
    clean = {k: v for k, v in os.environ.items() if not (k.startswith("HAZY_") and not k.startswith("HAZY_TEST_"))}
    clean.update(HAZY_HUB_HOST=hub_url, HAZY_AUTH_URL=env["HAZY_TEST_KEYCLOAK_URL"], HAZY_CLIENT_ID=client_id,
                 HAZY_CLIENT_AUTH="private_key_jwt", HAZY_CLIENT_PRIVATE_KEY=key,
                 HAZY_CLIENT_KEY_ID=keycloak_kid(key) if kid == "Keycloak's" else "another-kid")
    done = subprocess.run([sys.executable, "-c", script, str(hz.REPO / "tests" / "integration"), project],
                          env=clean, capture_output=True, text=True, timeout=60)
    if kid == "another":
        assert done.returncode != 0 and "AUTH" in done.stderr and "Unable to load public key" in done.stderr, \
            done.stderr
        return
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert_hub_token(out["token"], env["HAZY_TEST_ISSUER"], client_id)
    assert out["jobs"] == 0


# ---------------------------------------------------------------- refusals


def test_a_key_keycloak_does_not_know_gives_auth_with_keycloaks_error(rsa_client, make_client, token_url, tmp_path):
    client_id, _ = rsa_client
    wrong = new_key(tmp_path, "wrong")
    c = make_client(jwt_settings(client_id, wrong, token_url=token_url))
    with pytest.raises(hz.HazyError) as info:
        c.authenticate()
    err = info.value
    assert err.status == hz.AUTH, err
    assert err.http_status in (400, 401), err
    assert err.oauth_error in ("unauthorized_client", "invalid_client"), err
    assert err.oauth_description, f"Keycloak's error_description is missing: {err}"
    assert err.oauth_description in err.message and client_id in err.message, err.message
    assert_clean(err, wrong)


def test_an_ec_key_for_the_rsa_client_gives_auth(rsa_client, make_client, token_url, tmp_path):
    client_id, _ = rsa_client
    wrong = new_key(tmp_path, "wrong-ec", ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"))
    c = make_client(jwt_settings(client_id, wrong, token_url=token_url))
    with pytest.raises(hz.HazyError) as info:
        c.authenticate()
    assert info.value.status == hz.AUTH, info.value
    assert_clean(info.value, wrong)


@pytest.mark.parametrize("case", ["missing file", "not a key", "SEC1 EC key", "algorithm for another key",
                                  "no key configured"])
def test_unusable_keys_are_invalid_argument_naming_option_and_path(case, rsa_client, token_url, tmp_path):
    client_id, key = rsa_client
    path = str(tmp_path / "key.pem")
    settings = jwt_settings(client_id, path, token_url=token_url)
    named = ["client_private_key", path]
    if case == "missing file":
        pass
    elif case == "not a key":
        (tmp_path / "key.pem").write_text("-----BEGIN PRIVATE KEY-----\nQ0FOQVJZLUtFWS1DT05URU5U\n"
                                          "-----END PRIVATE KEY-----\n")
    elif case == "SEC1 EC key":
        done = subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        named.append("openssl pkcs8")
    elif case == "algorithm for another key":
        settings = jwt_settings(client_id, key, token_url=token_url, client_assertion_alg="ES256")
        named = ["client_assertion_alg", key]
    else:
        del settings["client_private_key"]
        named = ["private_key_jwt", "client_private_key"]
    with pytest.raises(hz.HazyError) as info:
        hz.Client(settings).close()
    err = info.value
    assert err.status == hz.INVALID_ARGUMENT, err
    for fragment in named:
        assert fragment in err.message, f"{case}: message lacks {fragment!r}: {err.message!r}"
    assert "CANARY" not in err.message and "Q0FOQVJZ" not in err.message
    if os.path.exists(path):
        assert_clean(err, path)


# ---------------------------------------------------------------- encrypted keys (issue 25)


def opened_with_its_passphrase_only(client_id, key, passphrase, make_client, token_url, hub_url, env, project, tmp_path):
    """The key (encrypted PKCS#8 or a PKCS#12 bundle) with its passphrase file authenticates at
    Keycloak; with a wrong one it is INVALID_ARGUMENT naming the key, never either passphrase."""
    c = make_client(jwt_settings(client_id, str(key), token_url=token_url, host=hub_url,
                                 client_private_key_passphrase_file=str(passphrase)))
    c.authenticate()
    assert_hub_token(c.access_token(), env["HAZY_TEST_ISSUER"], client_id)
    assert c.jobs_list(project) == []

    wrong = tmp_path / "wrong"
    wrong.write_text("PwrCan-integration-8b1f\n")
    with pytest.raises(hz.HazyError) as info:
        hz.Client(jwt_settings(client_id, str(key), token_url=token_url,
                               client_private_key_passphrase_file=str(wrong))).close()
    err = info.value
    assert err.status == hz.INVALID_ARGUMENT, err
    assert str(key) in err.message and "wrong passphrase?" in err.message, err.message
    right = passphrase.read_text().strip()
    for text in err.texts():
        assert "PwrCan" not in text and right not in text, text


def test_an_encrypted_pkcs8_key_authenticates(rsa_client, make_client, token_url, hub_url, env, project, tmp_path):
    """The stack's RSA key, encrypted by openssl (PBES2, AES-256-CBC) with its passphrase in a file:
    Keycloak accepts the assertion it signs. A wrong passphrase is INVALID_ARGUMENT naming the key's
    path and never the passphrase."""
    client_id, key = rsa_client
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("PasCan-integration-4d2e\n")
    passphrase.chmod(0o600)
    encrypted = tmp_path / "key.p8"
    done = subprocess.run(["openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", key,
                           "-passout", f"file:{passphrase}", "-out", str(encrypted)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "BEGIN ENCRYPTED PRIVATE KEY" in encrypted.read_text()
    opened_with_its_passphrase_only(client_id, encrypted, passphrase, make_client, token_url, hub_url, env, project,
                                    tmp_path)


def test_a_pkcs12_bundle_signs_the_assertions(rsa_client, make_client, token_url, hub_url, env, project, tmp_path):
    """client_private_key may be a PKCS#12 bundle, as `openssl pkcs12 -export` writes one from the
    stack's RSA key, its passphrase in client_private_key_passphrase_file: Keycloak accepts the
    assertion signed with the bundle's key. A wrong passphrase names the bundle, never the passphrase."""
    client_id, key = rsa_client
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("P12Can-integration-31c9\n")
    passphrase.chmod(0o600)
    cert, bundle = tmp_path / "cert.pem", tmp_path / "key.p12"
    for argv in (["openssl", "req", "-x509", "-key", key, "-subj", "/CN=api-jwt", "-days", "1", "-out", str(cert)],
                 ["openssl", "pkcs12", "-export", "-inkey", key, "-in", str(cert), "-passout", f"file:{passphrase}",
                  "-out", str(bundle)]):
        done = subprocess.run(argv, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    opened_with_its_passphrase_only(client_id, bundle, passphrase, make_client, token_url, hub_url, env, project,
                                    tmp_path)
