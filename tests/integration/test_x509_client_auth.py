"""Issue 14: Keycloak's "X509 certificate" client authentication (RFC 8705 tls_client_auth) over
Keycloak's own HTTPS, which the stack starts with `--https-client-auth=request` and a test CA
made at start (tests/stack/keycloak_tls.py). The client `api-x509` accepts the certificate whose
subject is CN=api-x509; libhazy presents it with client_cert/client_key and sends only the client
id (client_auth=tls_client_auth)."""
import os
from urllib.parse import urlsplit

import pytest

import hazy_ctypes as hz
from conftest import AUDIENCE, audiences, jwt_claims

TOKEN_PATH = "/realms/hazy/protocol/openid-connect/token"
VARS = ("HAZY_TEST_KEYCLOAK_HTTPS_URL", "HAZY_TEST_KEYCLOAK_CA", "HAZY_TEST_X509_CLIENT_ID",
        "HAZY_TEST_X509_CLIENT_CERT", "HAZY_TEST_X509_CLIENT_KEY", "HAZY_TEST_X509_OTHER_CERT",
        "HAZY_TEST_X509_OTHER_KEY")


@pytest.fixture(scope="module")
def x509():
    missing = [v for v in VARS if not os.environ.get(v)]
    if missing:
        pytest.fail(f"{', '.join(missing)} not set: run under tests/stack/stack.py, which starts Keycloak's HTTPS")
    return {v: os.environ[v] for v in VARS}


def settings(x509, cert=None, key=None, **extra):
    s = {"token_url": x509["HAZY_TEST_KEYCLOAK_HTTPS_URL"] + TOKEN_PATH, "ca_bundle": x509["HAZY_TEST_KEYCLOAK_CA"],
         "client_id": x509["HAZY_TEST_X509_CLIENT_ID"], "client_auth": "tls_client_auth", **extra}
    if cert:
        s.update(client_cert=cert, client_key=key)
    return s


def test_the_client_certificate_authenticates(x509, make_client, env):
    c = make_client(settings(x509, x509["HAZY_TEST_X509_CLIENT_CERT"], x509["HAZY_TEST_X509_CLIENT_KEY"]))
    c.authenticate()
    claims = jwt_claims(c.access_token())
    assert claims["azp"] == x509["HAZY_TEST_X509_CLIENT_ID"], claims
    assert AUDIENCE in audiences(claims), claims
    # 25 and later pin the whole public URL, so `iss` is the stack's issuer. 21 to 24 (hostname v1)
    # take its scheme from the request, so a token fetched over HTTPS names https:// (README,
    # "Mutual TLS"): same host and realm path. The Hub simulator trusts one issuer, so the Hub is
    # not called here (the TLS suite sends a client certificate to the Hub).
    got, want = urlsplit(claims["iss"]), urlsplit(env["HAZY_TEST_ISSUER"])
    assert (got.hostname, got.path) == (want.hostname, want.path), claims["iss"]


@pytest.mark.parametrize("case", ["no certificate", "another subject"])
def test_keycloak_refuses_a_client_without_its_certificate(case, x509, make_client):
    if case == "no certificate":
        c = make_client(settings(x509))
    else:
        c = make_client(settings(x509, x509["HAZY_TEST_X509_OTHER_CERT"], x509["HAZY_TEST_X509_OTHER_KEY"]))
    with pytest.raises(hz.HazyError) as info:
        c.authenticate()
    err = info.value
    assert err.status == hz.AUTH, err
    assert err.oauth_error in ("unauthorized_client", "invalid_client"), err
    assert x509["HAZY_TEST_X509_CLIENT_ID"] in err.message, err.message
