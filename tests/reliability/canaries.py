#!/usr/bin/env python3
"""Live canaries: distinct fake secrets, passwords, tokens and private keys driven through every error path
the real Keycloak and the Hub simulator can produce, then searched for in everything libhazy
said: each error's message, oauth_error, oauth_description and field, and the process's stderr.

    python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- \
        python3 tests/reliability/canaries.py

The error paths run in a child process (this file with --drive) so that its stderr is captured
whole. The driver runs with logging at its most detailed: HAZY_LOG=trace writes every record to
its stderr, and every client also has a log callback at trace level whose records are scanned
too. Every client sets insecure_skip_tls_verify (harmless over plain HTTP), so its warning
proves the stderr scan sees libhazy's writer. A panic's message would also go to stderr
(RUST_BACKTRACE=full adds the backtrace). The search looks for each canary literally,
form-urlencoded, percent-encoded (either hex case), base64 (alone and as `id:secret` with id and
secret raw or form-encoded, standard and URL-safe alphabets), and for the first 6 characters of
each of those: a secret cut before it is redacted survives as a prefix.
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass

import rel
from rel import hz
from secret_forms import forms

# Six leading characters unique to each canary, so a prefix hit names its canary.
LONG = "+/=&" * 8 + "x" * 40


def _long(tag, n):
    return (tag + "-" + (LONG * (n // len(LONG) + 1)))[:n]


SECRETS = {
    "secret_short": "Kq3vXa-SECRET+/=&x9",
    "secret_300": _long("Lw8nYb", 310),       # straddles the 300-character description cut
    "secret_2048": _long("Mx2pZc", 2100),     # straddles the 2,048-character message cut
    "secret_unknown_client": "Nr5tWd-SECRET=&+/",
    "secret_bad_realm": "Ps6uVe-SECRET/+&=",
    "secret_password_grant": "Gf3hJk-SECRET&=+/",
    "secret_explicit": "Wq8rTy-SECRET+&/=",          # hazy_authenticate_client_credentials
    "secret_env": "Ez4xCv-SECRET=/+&",               # from HAZY_CLIENT_SECRET
    "secret_unreachable": "Yh6nMj-SECRET/&=+",       # token endpoint down, hung or not TLS
}
PASSWORDS = {
    "password_short": "Hj4kLm-PW+/=&%20?#",
    "password_400": _long("Bn7mQw", 400),
    "password_unknown_user": "Cv2xZa-PW=&/+",
    "password_explicit": "Dk9pLo-PW&+/=",             # hazy_authenticate_password
}
TOKENS = {
    "bearer_short": "Tb9cQe-TOKEN.eyJhbGciOiJSUzI1NiJ9.Zm9v+/=",
    "bearer_long": _long("Ud4rSy", 3000),
    "bearer_bad_chars": "Fg7hJu-TOKEN\twith a tab",   # refused before anything is sent
    "bearer_hub_down": "Iu3yTr-TOKEN.eyJ4In0.c2ln",   # the Hub unreachable
}
REAL = {"secret_api": rel.API[1], "secret_no_train": rel.NO_TRAIN[1], "password_analyst": rel.USER[1]}
UNKNOWN_CLIENT = "rel-unknown-client"
# private_key_jwt (issue 14): a key Keycloak does not know for the realm's Signed JWT client, and a
# key file holding a canary. main() makes both at run time and passes their paths to the driver.
JWT_KEY_VAR, JWT_BAD_KEY_VAR = "HAZY_CANARY_JWT_KEY", "HAZY_CANARY_JWT_BAD_KEY"
KEY_FILE_CANARY = "Qz5wEr-KEYFILE-CANARY"
# A signed assertion (or any JWT): base64url JSON header, then claims.
JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")


def client(creds=rel.API, **settings):
    """rel.client with the one stderr writer libhazy has turned on."""
    return rel.client(creds, insecure_skip_tls_verify="true", **settings)


def closed_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Case:
    name: str
    expect: tuple   # statuses that prove the path was reached
    client_id: str  # for the base64 id:secret forms


def cases():
    """(Case, function(client factory) -> raises HazyError) pairs; every one must fail."""
    api, notrain = rel.API, rel.NO_TRAIN
    kc_token = rel.TOKEN_URL
    hub_token = f"{rel.HUB}/auth/realms/hazy/protocol/openid-connect/token"  # via the sim's proxy
    bad_realm = kc_token.replace("/realms/hazy/", "/realms/rel-no-such-realm/")
    out = []

    def add(name, expect, cid, fn):
        out.append((Case(name, expect, cid), fn))

    for via, url in (("keycloak", kc_token), ("hub-proxy", hub_token)):
        for auth in ("post", "basic"):
            for key in ("secret_short", "secret_300", "secret_2048"):
                add(f"wrong secret {key} {auth} via {via}", (hz.AUTH,), api[0],
                    lambda k=key, u=url, a=auth: client((api[0], SECRETS[k]), token_url=u, client_auth=a)
                    .authenticate())
        for key in ("password_short", "password_400"):
            add(f"wrong password {key} via {via}", (hz.AUTH,), api[0],
                lambda k=key, u=url: client(api, token_url=u, username=rel.USER[0], password=PASSWORDS[k],
                                                audience="hazy-hub-backend").authenticate())
    add("wrong client secret, password grant", (hz.AUTH,), api[0],
        lambda: client((api[0], SECRETS["secret_password_grant"]), username=rel.USER[0],
                           password=rel.USER[1]).authenticate())
    add("unknown user", (hz.AUTH,), api[0],
        lambda: client(api, username="rel-nobody", password=PASSWORDS["password_unknown_user"]).authenticate())
    for auth in ("post", "basic"):
        add(f"unknown client {auth}", (hz.AUTH,), UNKNOWN_CLIENT,
            lambda a=auth: client((UNKNOWN_CLIENT, SECRETS["secret_unknown_client"]), client_auth=a)
            .authenticate())
    add("bad realm", (hz.NOT_FOUND,), api[0],
        lambda: client((api[0], SECRETS["secret_bad_realm"]), token_url=bad_realm).authenticate())
    add("invalid scope", (hz.FORBIDDEN,), api[0],
        lambda: client(api, scope="hazy/NoSuchScope:x").authenticate())
    add("forbidden: train without the scope", (hz.FORBIDDEN,), notrain[0],
        lambda: _shared(notrain).train(rel.unique("canary"), rel.CONFIG))
    add("validation: local check", (hz.VALIDATION,), api[0],
        lambda: _shared(api).train(rel.unique("canary"), '{"data_schema": {}}'))
    add("validation: Hub 422", (hz.VALIDATION,), api[0],
        lambda: _shared(api).train(rel.unique("canary"), json.dumps(
            {"data_schema": {"tables": [{"name": "t"}]}, "data_input": [{"name": "t"}],
             "model_parameters": {"generator": {"epsilon": "not a number"}}})))
    add("not found: job", (hz.NOT_FOUND,), api[0],
        lambda: _shared(api).job_get("00000000-0000-4000-8000-000000000000"))
    add("not found: model", (hz.NOT_FOUND,), api[0],
        lambda: _shared(api).generate(rel.unique("canary"), "00000000-0000-4000-8000-000000000000", 10))
    for key in ("bearer_short", "bearer_long"):
        add(f"401 with bearer {key}", (hz.AUTH, hz.PROTOCOL, hz.VALIDATION), api[0],
            lambda k=key: _bearer(TOKENS[k]).job_get("00000000-0000-4000-8000-000000000000"))
    # The other entry points: explicit credentials, the environment, a refused bearer token.
    add("explicit client credentials", (hz.AUTH,), api[0],
        lambda: client(api).authenticate_client_credentials(api[0], SECRETS["secret_explicit"]))
    add("explicit password grant", (hz.AUTH,), api[0],
        lambda: client(api).authenticate_password(api[0], api[1], rel.USER[0], PASSWORDS["password_explicit"]))
    add("environment: wrong HAZY_CLIENT_SECRET", (hz.AUTH,), api[0], _from_env)
    add("bearer token with control characters", (hz.INVALID_ARGUMENT,), api[0],
        lambda: _bearer(TOKENS["bearer_bad_chars"]))
    # Transport failures with a secret in flight.
    unreachable = (api[0], SECRETS["secret_unreachable"])
    add("token endpoint unreachable", (hz.NETWORK,), api[0],
        lambda: client(unreachable, token_url=f"http://127.0.0.1:{closed_port()}/token", retry_max_attempts=1)
        .authenticate())
    add("token endpoint not TLS", (hz.TLS, hz.NETWORK, hz.PROTOCOL), api[0],
        lambda: client(unreachable, token_url=kc_token.replace("http://", "https://"), retry_max_attempts=1)
        .authenticate())
    add("token endpoint hangs", (hz.TIMEOUT,), api[0], lambda: _silent_token_endpoint(unreachable))
    add("Hub unreachable", (hz.NETWORK,), api[0],
        lambda: _bearer(TOKENS["bearer_hub_down"], host=f"http://127.0.0.1:{closed_port()}", retry_max_attempts=1)
        .job_get("00000000-0000-4000-8000-000000000000"))
    # private_key_jwt: Keycloak refuses the signed assertion (directly, and through the Hub's
    # /auth proxy, where the audience is wrong too), and an unusable key file.
    jwt_id = os.environ.get("HAZY_TEST_JWT_CLIENT_ID", "api-jwt")
    for via, url in (("keycloak", kc_token), ("hub-proxy", hub_token)):
        add(f"private_key_jwt, unregistered key, via {via}", (hz.AUTH,), jwt_id,
            lambda u=url: client((jwt_id, ""), token_url=u, client_auth="private_key_jwt",
                                 client_private_key=os.environ[JWT_KEY_VAR]).authenticate())
    add("private_key_jwt, key file holding a canary", (hz.INVALID_ARGUMENT,), jwt_id,
        lambda: client((jwt_id, ""), client_auth="private_key_jwt", client_private_key=os.environ[JWT_BAD_KEY_VAR]))
    # Hub faults while the real token is in use: 503 to the end, every attempt dropped, too slow.
    for kind, status, extra in (("status", hz.SERVER, {"status": 503, "retry_after_s": 0, "count": 2}),
                                ("drop", hz.NETWORK, {"count": 2}),
                                ("latency", hz.TIMEOUT, {"latency_ms": 3000, "count": 2})):
        add(f"Hub fault {kind}", (status,), api[0], lambda k=kind, x=extra: _hub_fault(k, x))
    return out


def _from_env():
    env = {"HAZY_HUB_HOST": rel.HUB, "HAZY_TOKEN_URL": rel.TOKEN_URL, "HAZY_CLIENT_ID": rel.API[0],
           "HAZY_CLIENT_SECRET": SECRETS["secret_env"], "HAZY_INSECURE_SKIP_TLS_VERIFY": "true"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        hz.Client(load_env=True).authenticate()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k)
            else:
                os.environ[k] = v


def _silent_token_endpoint(creds):
    from netfaults import Silent
    silent = Silent()
    try:
        client(creds, token_url=f"http://127.0.0.1:{silent.port}/token", request_timeout_ms=500,
               retry_max_attempts=1).authenticate()
    finally:
        silent.close()


def _hub_fault(kind, extra):
    project = rel.unique(f"canary-{kind}")
    rel.fault(rel.train_path(project), kind, method="POST", **extra)
    c = _shared(rel.API)
    # A client of its own for the timeout, on the shared client's (canary) token.
    if kind == "latency":
        c = _bearer(c.access_token(), request_timeout_ms=500, retry_max_attempts=2, retry_base_delay_ms=20)
    else:
        c = _bearer(c.access_token(), retry_max_attempts=2, retry_base_delay_ms=20)
    c.train(project, rel.CONFIG)


_SHARED = {}


def _shared(creds):
    """One client per credentials for the Hub cases, so the driver can report the real access
    token those errors were made with (a canary too)."""
    if creds not in _SHARED:
        _SHARED[creds] = client(creds)
    return _SHARED[creds]


def _bearer(token, host=None, **settings):
    c = hz.Client({"host": host or rel.HUB, "insecure_skip_tls_verify": "true",
                   **{k: str(v) for k, v in settings.items()}})
    c.authenticate_bearer(token)
    return c


LOGGED = []


def log_every_client():
    """Gives every client the driver makes a log callback at trace level that keeps each
    record, for the scan."""
    original = hz.Client.__init__

    def with_log(self, settings=None, load_env=False, log=None):
        original(self, settings, load_env=load_env, log=log or LOGGED.append)

    hz.Client.__init__ = with_log


def drive():
    """Child: runs every case and prints one JSON record per error on stdout, then the log
    records its callbacks received."""
    log_every_client()
    for case, fn in cases():
        try:
            fn()
            rec = {"case": case.name, "status": hz.OK}
        except hz.HazyError as e:
            rec = {"case": case.name, "status": e.status, "message": e.message, "oauth_error": e.oauth_error,
                   "oauth_description": e.oauth_description, "field": e.field}
        print(json.dumps(rec), flush=True)
    print(json.dumps({"tokens": [c.access_token() for c in _SHARED.values()]}), flush=True)
    for record in LOGGED:
        print(json.dumps({"log": record}), flush=True)


# The realm's password of `analyst` starts with its user name, which messages name on
# purpose: its 6-character prefixes would match the user name, so only its full forms count.
PREFIX_EXEMPT = {"password_analyst"}


def scan(haystacks, canaries):
    """Occurrences of any form of any canary, as (canary, form, where) tuples."""
    hits = []
    for name, (canary, cid) in canaries.items():
        for form, needle, ci in forms(canary, cid):
            if name in PREFIX_EXEMPT and form.endswith("prefix"):
                continue
            for where, text in haystacks:
                if needle and (needle.lower() in text.lower() if ci else needle in text):
                    hits.append((name, form, where))
    return hits


def self_test():
    """The scan must see what it is looking for: a cut secret, a form-encoded one and a Basic
    header built the way libhazy builds it."""
    secret = SECRETS["secret_short"]
    pair = f"api:{urllib.parse.quote_plus(secret)}".encode()
    planted = [("cut", "client_secret=" + secret[:8]), ("form", urllib.parse.quote_plus(secret)),
               ("basic", "authorization: Basic " + base64.b64encode(pair).decode())]
    found = {where for _, _, where in scan(planted, {"secret_short": (secret, "api")})}
    if found != {"cut", "form", "basic"}:
        raise SystemExit(f"canaries: the scan missed planted canaries (found only in {sorted(found)})")
    if not JWT_SHAPE.search("client_assertion=eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJhcGktand0In0.c2ln"):
        raise SystemExit("canaries: the JWT-shape scan missed a planted assertion")


def make_jwt_keys(directory):
    """The unregistered RSA key and the canary key file; returns canaries from the real key's
    material (slices past the fixed ASN.1 header of its PEM body)."""
    key = os.path.join(directory, "unregistered.pem")
    done = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                           "-out", key], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"canaries: openssl could not make a key (make deps installs it): {done.stderr}")
    bad = os.path.join(directory, "canary.pem")
    with open(bad, "w") as f:
        f.write(f"-----BEGIN PRIVATE KEY-----\n{base64.b64encode(KEY_FILE_CANARY.encode()).decode()}\n"
                "-----END PRIVATE KEY-----\n")
    os.environ[JWT_KEY_VAR], os.environ[JWT_BAD_KEY_VAR] = key, bad
    body = "".join(line for line in open(key).read().splitlines() if not line.startswith("-----"))
    return {f"jwt_key_bytes_{i}": body[i:i + 32] for i in (64, 400, 1000, 1500)}


def main():
    if "--drive" in sys.argv:
        return drive()
    self_test()
    key_dir = tempfile.mkdtemp(prefix="hazy-canary-keys-")
    try:
        key_canaries = make_jwt_keys(key_dir)
        return run_and_scan(key_canaries)
    finally:
        shutil.rmtree(key_dir, ignore_errors=True)


def run_and_scan(key_canaries):
    env = dict(os.environ, RUST_BACKTRACE="full", HAZY_LOG="trace")
    env.pop("HAZY_LOG_FILE", None)
    proc = subprocess.run([sys.executable, __file__, "--drive"], env=env, capture_output=True, text=True,
                          timeout=600)
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    real_tokens = [t for r in records for t in r.get("tokens", [])]
    logged = [r["log"] for r in records if "log" in r]
    records = [r for r in records if "case" in r]
    expected = {c.name: c for c, _ in cases()}
    failures = []
    if proc.returncode != 0:
        failures.append(f"the driver exited with {proc.returncode}")
    reached = 0
    for r in records:
        case = expected.pop(r["case"])
        if r["status"] in case.expect:
            reached += 1
        else:
            failures.append(f"{r['case']}: {hz.status_name(r['status'])}, expected "
                            f"{'/'.join(hz.status_name(s) for s in case.expect)}: {r.get('message')}")
    failures += [f"{name}: never ran" for name in expected]
    haystacks = [(f"{r['case']}: {field}", r[field]) for r in records if "case" in r
                 for field in ("message", "oauth_error", "oauth_description", "field") if r.get(field)]
    haystacks += [(f"log record {r['event']}", json.dumps(r)) for r in logged]
    haystacks.append(("stderr", proc.stderr))
    log_lines = sum(1 for line in proc.stderr.splitlines() if " libhazy " in line)
    if not logged or not log_lines:
        failures.append(f"{len(logged)} callback records and {log_lines} HAZY_LOG lines: the log scan saw nothing")
    ids = {c.name: c.client_id for c, _ in cases()}
    canaries = {name: (value, rel.API[0]) for name, value in {**SECRETS, **PASSWORDS, **TOKENS, **REAL}.items()}
    canaries["secret_unknown_client"] = (SECRETS["secret_unknown_client"], UNKNOWN_CLIENT)
    canaries["secret_no_train"] = (REAL["secret_no_train"], rel.NO_TRAIN[0])
    jwt_id = os.environ.get("HAZY_TEST_JWT_CLIENT_ID", "api-jwt")
    for name, value in key_canaries.items():
        canaries[name] = (value, jwt_id)
    canaries["jwt_key_file"] = (KEY_FILE_CANARY, jwt_id)
    for i, token in enumerate(real_tokens):
        canaries[f"real_access_token_{i}"] = (token, rel.API[0])
    if len(real_tokens) != 2:
        failures.append(f"the driver reported {len(real_tokens)} real access tokens, expected 2")
    warnings = proc.stderr.count("TLS certificate verification is DISABLED")
    if warnings == 0:
        failures.append("stderr holds no insecure-mode warning: the stderr scan did not see libhazy's writer")
    hits = scan(haystacks, canaries)
    hits += [("a JWT (signed assertion or token)", "JWT shape", where) for where, text in haystacks
             if JWT_SHAPE.search(text)]
    n_forms = sum(len(forms(v, c)) for v, c in canaries.values())
    for name, form, where in hits:
        print(f"  FOUND {name} ({form}) in {where}")
    for f in failures:
        print(f"  FAIL {f}")
    print(f"canaries: {len(canaries)} canaries ({n_forms} forms) through {len(records)} error paths "
          f"({reached} reached their expected status; {len(ids)} cases); scanned {len(haystacks) - 1} "
          f"error fields, {len(logged)} log records and {len(proc.stderr)} bytes of stderr ({log_lines} "
          f"HAZY_LOG=trace lines, {warnings} warnings): "
          f"{len(hits)} occurrences found")
    raise SystemExit(1 if hits or failures or not records else 0)


if __name__ == "__main__":
    main()
