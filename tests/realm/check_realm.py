#!/usr/bin/env python3
"""Smoke test of the `hazy` realm against a running Keycloak (stdlib only).

    python3 tests/stack/stack.py run -- python3 tests/realm/check_realm.py [-v]

Makes real token requests for every client/user in hazy-realm.json, decodes the JWT payloads
and checks the claims other suites rely on, plus the HTTP status and `error` of each negative
case. Exit status 0 when everything matches. -v prints a decoded `api` token.
"""
import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

HAZY = {"hazy/TrainJob:create", "hazy/TrainJob:read", "hazy/TrainJob:cancel", "hazy/GenerationJob:create",
        "hazy/GenerationJob:read", "hazy/GenerationJob:cancel", "hazy/Model:read"}
BASE_SCOPES = {"profile", "email"}
AUDIENCE = "hazy-hub-backend"


# The realm's test principals, as tests/stack/stack.py exports them from the realm file.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import stackenv  # noqa: E402

if stackenv.missing(("HAZY_TEST_CLIENT_SECRET", "HAZY_TEST_PASSWORD")):
    sys.exit("the test realm's principals are not set: run under tests/stack/stack.py")
# client_id: (secret, expected hazy scopes, has audience, access token lifespan)
CLIENTS = {client: (secret, scopes, audience, lifespan) for (client, secret), scopes, audience, lifespan in (
    (stackenv.client(), HAZY, True, 300),
    (stackenv.client("SHORT_LIVED"), HAZY, True, 5),
    (stackenv.client("NO_TRAIN"), {"hazy/Model:read"}, True, 300),
    (stackenv.client("NO_AUDIENCE"), HAZY, False, 300),
    (stackenv.client("WILDCARD"), {"hazy/TrainJob:*", "hazy/Model:read"}, True, 300),
)}
NO_SA = stackenv.client("NO_SERVICE_ACCOUNT")
USER, PASSWORD = stackenv.user()
DISABLED_USER, DISABLED_PASSWORD = stackenv.user("DISABLED")

failures = []


def post(url, form, basic=None):
    req = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode())
    if basic:  # RFC 6749 2.3.1: form-encode id and secret before base64
        pair = ":".join(urllib.parse.quote(x, safe="") for x in basic)
        req.add_header("Authorization", "Basic " + base64.b64encode(pair.encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def claims_of(body):
    payload = json.loads(body)["access_token"].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def check(ok, what):
    print(f"  {'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures.append(what)


def check_token(name, status, body, issuer, azp, scopes, audience, lifespan, user=None):
    print(f"{name}: HTTP {status}")
    check(status == 200, f"{name}: status 200")
    if status != 200:
        print(f"    body: {body[:300]!r}")
        return None
    token = json.loads(body)
    c = claims_of(body)
    aud = c.get("aud", [])
    aud = [aud] if isinstance(aud, str) else aud
    check(c.get("iss") == issuer, f"{name}: iss == {issuer} (got {c.get('iss')})")
    check(bool(c.get("sub")), f"{name}: sub present ({c.get('sub')})")
    check(c.get("azp") == azp, f"{name}: azp == {azp}")
    check((AUDIENCE in aud) == audience, f"{name}: aud {'contains' if audience else 'lacks'} {AUDIENCE} (got {aud})")
    got = set(c.get("scope", "").split())
    check(got == scopes, f"{name}: scope == expected (got {sorted(got)})")
    check(all(isinstance(c.get(k), int) for k in ("exp", "iat")), f"{name}: exp and iat present")
    # Keycloak 21-25 compute expires_in from the time of the response: one second less when
    # the response crosses a second boundary.
    check(c.get("exp", 0) - c.get("iat", 0) == lifespan and lifespan - 1 <= token.get("expires_in", -9) <= lifespan,
          f"{name}: lifespan {lifespan} s (exp-iat={c.get('exp', 0) - c.get('iat', 0)}, expires_in={token.get('expires_in')})")
    check(token.get("token_type") == "Bearer", f"{name}: token_type Bearer")
    if user:
        check(c.get("preferred_username") == user, f"{name}: preferred_username == {user}")
        check("refresh_token" in token, f"{name}: refresh_token present")
    return c


def check_error(name, status, body, statuses, error):
    try:
        got = json.loads(body)
    except ValueError:
        got = {}
    print(f"{name}: HTTP {status} error={got.get('error')!r} error_description={got.get('error_description')!r}")
    check(status in statuses, f"{name}: status in {sorted(statuses)}")
    if error:
        check(got.get("error") == error, f"{name}: error == {error}")


def main():
    verbose = "-v" in sys.argv
    issuer = os.environ["HAZY_TEST_ISSUER"]
    token_url = os.environ["HAZY_TEST_TOKEN_URL"]
    api_secret = CLIENTS["api"][0]

    for cid, (secret, hazy, audience, lifespan) in CLIENTS.items():
        status, body = post(token_url, {"grant_type": "client_credentials", "client_id": cid, "client_secret": secret})
        c = check_token(f"client_credentials {cid}", status, body, issuer, cid, BASE_SCOPES | hazy, audience, lifespan)
        if cid == "api" and c and verbose:
            print(json.dumps(c, indent=2, sort_keys=True))

    status, body = post(token_url, {"grant_type": "client_credentials"}, basic=("api", api_secret))
    check_token("client_credentials api (client_secret_basic)", status, body, issuer, "api",
                BASE_SCOPES | HAZY, True, 300)

    # Exactly the seed tutorial's request.
    status, body = post(token_url, {"grant_type": "password", "username": USER, "password": PASSWORD,
                                    "audience": AUDIENCE, "client_id": "api", "client_secret": api_secret})
    c = check_token(f"password {USER} via api", status, body, issuer, "api", BASE_SCOPES | HAZY, True, 300, user=USER)
    if c and verbose:
        print(json.dumps(c, indent=2, sort_keys=True))
    status, body = post(token_url, {"grant_type": "password", "username": USER, "password": PASSWORD,
                                    "client_id": NO_SA[0], "client_secret": NO_SA[1]})
    check_token(f"password {USER} via {NO_SA[0]}", status, body, issuer, NO_SA[0], BASE_SCOPES | HAZY, True, 300,
                user=USER)

    # The tutorial's `audience` parameter does not add an audience: only the mapper does.
    status, body = post(token_url, {"grant_type": "password", "username": USER, "password": PASSWORD,
                                    "audience": AUDIENCE, "client_id": "api-no-audience",
                                    "client_secret": CLIENTS["api-no-audience"][0]})
    check_token(f"password {USER} via api-no-audience (audience={AUDIENCE})", status, body, issuer,
                "api-no-audience", BASE_SCOPES | HAZY, False, 300, user=USER)

    print("negative cases:")
    cc = {"grant_type": "client_credentials"}
    status, body = post(token_url, {**cc, "client_id": "api", "client_secret": "wrong"})
    check_error("wrong client secret", status, body, {400, 401}, "unauthorized_client")
    status, body = post(token_url, {**cc, "client_id": "no-such-client", "client_secret": "x"})
    check_error("unknown client", status, body, {401}, "invalid_client")
    pw = {"grant_type": "password", "client_id": "api", "client_secret": api_secret}
    status, body = post(token_url, {**pw, "username": USER, "password": "wrong"})
    # Keycloak 26.7.3 answers 400 here (older releases: 401).
    check_error("wrong password", status, body, {400, 401}, "invalid_grant")
    status, body = post(token_url, {**pw, "username": "no-such-user", "password": "x"})
    check_error("unknown user", status, body, {400, 401}, "invalid_grant")
    status, body = post(token_url, {**pw, "username": DISABLED_USER, "password": DISABLED_PASSWORD})
    check_error("disabled user", status, body, {400}, "invalid_grant")
    status, body = post(token_url, {**cc, "client_id": NO_SA[0], "client_secret": NO_SA[1]})
    check_error("service accounts off", status, body, {400, 401}, "unauthorized_client")
    status, body = post(token_url, {**cc, "client_id": "api-no-train", "client_secret": CLIENTS["api-no-train"][0],
                                    "scope": "hazy/TrainJob:create"})
    check_error("scope not granted to client (api-no-train asks hazy/TrainJob:create)", status, body, {400},
                "invalid_scope")
    status, body = post(token_url.replace("/realms/hazy/", "/realms/no-such-realm/"),
                        {**cc, "client_id": "api", "client_secret": api_secret})
    check_error("unknown realm", status, body, {404}, None)

    print(f"{len(failures)} failure(s)" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
