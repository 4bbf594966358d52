"""TLS and proxies through real servers (issue 10): libhazy's C API against nginx terminating TLS
in front of the real Keycloak and the Hub simulator, with a test CA made at run time, and
through tinyproxy as a CONNECT proxy.

Run under tests/stack/stack.py (it sets HAZY_TEST_KEYCLOAK_URL, HAZY_TEST_HUB_URL, ...):
    python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- python3 tests/tls/run.py

Each case runs one client in a child process (tests/tls/client.py) with its own environment
(HTTPS_PROXY, NO_PROXY) and captured stderr, and is checked against the servers' own logs.
Prints `tls: N passed, M failed` and exits non-zero on any failure.
"""
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fixture  # noqa: E402
from fixture import Site  # noqa: E402

HERE = Path(__file__).resolve().parent
CLIENT = HERE / "client.py"
CASE_TIMEOUT_S = 120
INSECURE_WARNING = "libhazy: WARNING: TLS certificate verification is DISABLED"
PROXY_VARS = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")
TOKEN_PATH = "/realms/hazy/protocol/openid-connect/token"


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Failed(AssertionError):
    pass


def expect(cond, what):
    if not cond:
        raise Failed(what)


class Suite:
    def __init__(self, fx: fixture.Fixture, env: dict):
        self.fx = fx
        self.kc_url = env["HAZY_TEST_KEYCLOAK_URL"].rstrip("/")  # http://127.0.0.1:P/auth
        self.hub_url = env["HAZY_TEST_HUB_URL"].rstrip("/")
        self.plain_token_url = env["HAZY_TEST_TOKEN_URL"]
        self.kc_path = urlsplit(self.kc_url).path  # "/auth": nginx passes paths through unchanged

        ca = fx.make_ca("server-ca")
        good = fx.make_cert(ca, "localhost", ["IP:127.0.0.1", "DNS:localhost"])
        wrong = fx.make_cert(ca, "wrong-name", ["DNS:wrong-name.invalid"])
        client_ca = fx.make_ca("client-ca")
        self.ca, self.client_ca = ca, client_ca
        self.client_cert = fx.make_client_cert(client_ca, "client-1")
        kc, hub = origin(self.kc_url), self.hub_url
        self.nginx = fx.start_nginx([
            Site("keycloak", good, kc), Site("hub", good, hub),
            Site("keycloak-wrong-name", wrong, kc), Site("hub-wrong-name", wrong, hub),
            Site("keycloak-mtls", good, kc, client_ca=client_ca), Site("hub-mtls", good, hub, client_ca=client_ca),
            Site("hub-mtls-no-keepalive", good, hub, client_ca=client_ca, keepalive=False),
        ])
        self.proxy = fx.start_tinyproxy()
        # Proxies with Basic authentication (issue 25): the passwords are canaries, never to be
        # seen in a message or a log line.
        self.auth_proxies = []
        for i in (1, 2):
            user, password = f"proxyuser{i}", f"CANARY-proxy-pw-{i}-{uuid.uuid4().hex[:12]}"
            server = fx.start_tinyproxy(f"tinyproxy-auth-{i}", basic_auth=(user, password))
            pw_file = fx.dir / f"proxy-password-{i}"
            pw_file.write_text(password + "\n")
            pw_file.chmod(0o600)
            self.auth_proxies.append((server, user, password, pw_file))
        # A clean environment for the clients: no proxy the caller happens to have set.
        self.base_env = {k: v for k, v in os.environ.items()
                         if k.upper() not in PROXY_VARS and not k.startswith("HAZY_")}
        self.project = f"tls-{uuid.uuid4()}"

    # -- helpers

    def token_url(self, site: str) -> str:
        return self.nginx.url(site) + self.kc_path + TOKEN_PATH

    def run_client(self, case: str, settings: dict, steps, env=None, rotate=None) -> dict:
        """Runs one client; returns its JSON result plus "stderr". Requests carry the case's
        User-Agent, so that nginx's access logs say which case they came from."""
        spec = {"settings": {"client_id": os.environ["HAZY_TEST_CLIENT_ID"], "client_secret": os.environ["HAZY_TEST_CLIENT_SECRET"], "poll_interval_ms": "100",
                             "retry_base_delay_ms": "50", "user_agent": self.agent(case), **settings},
                "steps": steps, "project": self.project, "rotate": rotate or []}
        done = subprocess.run([sys.executable, str(CLIENT), json.dumps(spec)], capture_output=True, text=True,
                              env={**self.base_env, **(env or {})}, timeout=CASE_TIMEOUT_S)
        lines = done.stdout.strip().splitlines()
        expect(done.returncode == 0 and lines,
               f"client process exited {done.returncode}: {done.stdout[-500:]}{done.stderr[-1500:]}")
        result = json.loads(lines[-1])
        result["stderr"] = done.stderr
        return result

    @staticmethod
    def agent(case: str) -> str:
        return f"libhazy-tls-test/{case}"

    def hits(self, site: str, case: str, wait: bool = False):
        """nginx access-log entries of one case on one site (wait: expecting some)."""
        return self.nginx.entries(site, self.agent(case), wait)

    def expect_ok(self, r: dict, steps):
        expect(r["ok"], f"expected OK, got {r.get('status')} at {r.get('step')}: {r.get('message')}")
        expect(r["done"] == list(steps), f"steps done {r['done']} != {list(steps)}")

    def expect_error(self, r: dict, status: str, step: str, *fragments):
        expect(not r["ok"], f"expected {status} at {step}, got OK")
        expect((r["status"], r["step"]) == (status, step),
               f"expected {status} at {step}, got {r['status']} at {r['step']}: {r['message']}")
        for frag in fragments:
            expect(frag in r["message"], f"message lacks {frag!r}: {r['message']!r}")

    def expect_no_warning(self, r: dict):
        expect(INSECURE_WARNING not in r["stderr"], f"insecure warning printed in a verifying case: {r['stderr']!r}")

    # -- the cases (each returns a short note for the summary)

    def case_unknown_ca_keycloak(self):
        case = "unknown-ca-keycloak"
        url = self.token_url("keycloak")
        r = self.run_client(case, {"token_url": url, "host": self.hub_url}, ["authenticate"])
        self.expect_error(r, "TLS", "authenticate", url, "UnknownIssuer")
        expect(not self.hits("keycloak", case), "a request got past the TLS handshake")
        self.expect_no_warning(r)
        return r["message"]

    def case_unknown_ca_hub(self):
        case = "unknown-ca-hub"
        r = self.run_client(case, {"token_url": self.plain_token_url, "host": self.nginx.url("hub")},
                            ["authenticate", "jobs_list"])
        self.expect_error(r, "TLS", "jobs_list", self.project, "UnknownIssuer")
        expect(not self.hits("hub", case), "a request got past the TLS handshake")
        return r["message"]

    def case_ca_bundle(self):
        case = "ca-bundle"
        steps = ["authenticate", "train_wait"]
        r = self.run_client(case, {"token_url": self.token_url("keycloak"), "host": self.nginx.url("hub"),
                                   "ca_bundle": str(self.ca.cert)}, steps)
        self.expect_ok(r, steps)
        expect(r["job"]["state"] == "succeeded" and r["job"]["model_id"], f"job did not succeed: {r['job']}")
        self.expect_no_warning(r)
        kc, hub = self.hits("keycloak", case, wait=True), self.hits("hub", case, wait=True)
        expect(any(TOKEN_PATH in h[1] and h[2] == "200" for h in kc), f"no token request via nginx: {kc}")
        expect(any("/train-jobs" in h[1] and h[2] == "201" for h in hub), f"no train request via nginx: {hub}")
        expect(all(h[4].startswith("TLSv1.") for h in kc + hub), "a request without TLS")
        return f"trained {r['job']['id']} over TLS: {len(kc)} Keycloak + {len(hub)} Hub requests via nginx"

    def case_wrong_host_keycloak(self):
        case = "wrong-host-keycloak"
        url = self.token_url("keycloak-wrong-name")
        r = self.run_client(case, {"token_url": url, "host": self.hub_url, "ca_bundle": str(self.ca.cert)},
                            ["authenticate"])
        self.expect_error(r, "TLS", "authenticate", url, "not valid for name", "wrong-name.invalid")
        expect(not self.hits("keycloak-wrong-name", case), "a request got past the TLS handshake")
        return r["message"]

    def case_wrong_host_hub(self):
        case = "wrong-host-hub"
        r = self.run_client(case, {"token_url": self.plain_token_url, "host": self.nginx.url("hub-wrong-name"),
                                   "ca_bundle": str(self.ca.cert)}, ["authenticate", "jobs_list"])
        self.expect_error(r, "TLS", "jobs_list", "not valid for name")
        expect(not self.hits("hub-wrong-name", case), "a request got past the TLS handshake")
        return r["message"]

    def case_insecure(self):
        case = "insecure"
        steps = ["authenticate", "jobs_list"]
        # Unknown CA and the wrong name at once: only skipping verification lets this through.
        r = self.run_client(case, {"token_url": self.token_url("keycloak-wrong-name"),
                                   "host": self.nginx.url("hub-wrong-name"), "insecure_skip_tls_verify": "true"},
                            steps)
        self.expect_ok(r, steps)
        warnings = [line for line in r["stderr"].splitlines() if INSECURE_WARNING in line]
        expect(len(warnings) == 1, f"expected one warning line on stderr, got: {r['stderr']!r}")
        expect(self.hits("keycloak-wrong-name", case, wait=True) and self.hits("hub-wrong-name", case, wait=True),
               "requests did not reach nginx")
        return warnings[0]

    def case_https_proxy_used(self):
        case = "https-proxy"
        steps = ["authenticate", "jobs_list"]
        before, accepted_before = len(self.proxy.connect_lines()), len(self.proxy.accept_lines())
        r = self.run_client(case, {"token_url": self.token_url("keycloak"), "host": self.nginx.url("hub"),
                                   "ca_bundle": str(self.ca.cert)}, steps, env={"HTTPS_PROXY": self.proxy.url})
        self.expect_ok(r, steps)
        tunnels = self.proxy.connect_lines()[before:]
        # no_proxy_bypasses counts these lines: they must show up when the proxy is used.
        accepted = len(self.proxy.accept_lines()) - accepted_before
        expect(accepted >= len(tunnels) > 0, f"{accepted} accepted connections logged for {len(tunnels)} tunnels")
        for site in ("keycloak", "hub"):
            target = f"CONNECT 127.0.0.1:{self.nginx.ports[site]} "
            expect(any(target in line for line in tunnels), f"no {target.strip()} at the proxy: {tunnels}")
            expect(self.hits(site, case, wait=True), f"no request reached nginx's {site} site")
        return f"{len(tunnels)} CONNECT tunnels through tinyproxy"

    # -- per-client proxies (issue 25): the proxy option, Basic authentication, 407

    def proxy_settings(self, i: int, credentials: bool = True) -> dict:
        server, user, _, pw_file = self.auth_proxies[i]
        settings = {"proxy": server.url, "token_url": self.token_url("keycloak"), "host": self.nginx.url("hub"),
                    "ca_bundle": str(self.ca.cert), "retry_max_attempts": "3"}
        if credentials:
            settings.update({"proxy_username": user, "proxy_password_file": str(pw_file)})
        return settings

    def expect_no_canary(self, *texts):
        """Every secret of this suite (proxy passwords, key and bundle passphrases) holds "CANARY-"."""
        for text in texts:
            expect("CANARY-" not in text, f"a secret leaked: {text!r}")

    def case_proxy_auth_required(self):
        server = self.auth_proxies[0][0]
        before = len(server.connect_lines())
        r = self.run_client("proxy-407", self.proxy_settings(0, credentials=False), ["authenticate"])
        self.expect_error(r, "PROXY_AUTH", "authenticate", server.url, "407")
        expect(r["http_status"] == 407, f"http_status {r['http_status']}, expected 407")
        tunnels = server.connect_lines()[before:]
        expect(len(tunnels) == 1, f"expected one refused CONNECT (no retry), got {tunnels}")
        expect(not self.hits("keycloak", "proxy-407"), "a request got past the proxy")
        # A plain-http token URL: the 407 is the proxy's answer to the request itself.
        plain = self.run_client("proxy-407-http", {**self.proxy_settings(0, credentials=False),
                                                   "token_url": self.plain_token_url}, ["authenticate"])
        self.expect_error(plain, "PROXY_AUTH", "authenticate", server.url)
        expect(plain["http_status"] == 407, f"http_status {plain['http_status']}, expected 407")
        # Wrong credentials are not a case here: tinyproxy answers them with 401, not 407, which
        # hyper-util reports only as "tunnel error: unsuccessful" (NETWORK).
        self.expect_no_canary(r["message"], r["stderr"], plain["message"])
        return r["message"]

    def case_proxy_basic_auth(self):
        case = "proxy-basic-auth"
        server = self.auth_proxies[0][0]
        steps = ["authenticate", "train_wait"]
        before = len(server.connect_lines())
        r = self.run_client(case, self.proxy_settings(0), steps, env={"HAZY_LOG": "debug"})
        self.expect_ok(r, steps)
        tunnels = server.connect_lines()[before:]
        for site in ("keycloak", "hub"):
            target = f"CONNECT 127.0.0.1:{self.nginx.ports[site]} "
            expect(any(target in line for line in tunnels), f"no {target.strip()} at {server.name}: {tunnels}")
            expect(self.hits(site, case, wait=True), f"no request reached nginx's {site} site")
        expect(f"through the proxy {server.url}" in r["stderr"], "no proxy.chosen record naming the proxy")
        self.expect_no_canary(r["stderr"], json.dumps(r))
        return f"trained {r['job']['id']}: {len(tunnels)} authenticated CONNECTs through {server.name}"

    def case_two_clients_two_proxies(self):
        # Two clients in one process, each with its own proxy and credentials: a client sent
        # through the other's proxy would be refused (407); each proxy's log must show tunnels.
        (one, *_), (two, *_) = self.auth_proxies
        before = [len(one.connect_lines()), len(two.connect_lines())]
        steps = ["authenticate", "jobs_list", "authenticate", "jobs_list"]
        spec = {"clients": [{"client_id": os.environ["HAZY_TEST_CLIENT_ID"],
                             "client_secret": os.environ["HAZY_TEST_CLIENT_SECRET"],
                             "user_agent": self.agent(f"two-proxies-{i}"), **self.proxy_settings(i)} for i in (0, 1)],
                "steps": steps, "project": self.project}
        done = subprocess.run([sys.executable, str(CLIENT), json.dumps(spec)], capture_output=True, text=True,
                              env={**self.base_env, "HTTPS_PROXY": self.proxy.url}, timeout=CASE_TIMEOUT_S)
        lines = done.stdout.strip().splitlines()
        expect(done.returncode == 0 and lines, f"client process exited {done.returncode}: {done.stderr[-1500:]}")
        for i, result in enumerate(json.loads(lines[-1])["results"]):
            expect(result["ok"], f"client {i + 1}: {result.get('status')} at {result.get('step')}: {result.get('message')}")
        new = [one.connect_lines()[before[0]:], two.connect_lines()[before[1]:]]
        for server, tunnels in zip((one, two), new):
            for site in ("keycloak", "hub"):
                target = f"CONNECT 127.0.0.1:{self.nginx.ports[site]} "
                expect(any(target in line for line in tunnels), f"no {target.strip()} at {server.name}: {tunnels}")
        self.expect_no_canary(done.stdout, done.stderr)
        return f"{len(new[0])} CONNECTs through {one.name}, {len(new[1])} through {two.name}, none refused"

    def case_proxy_option_overrides_env(self):
        case = "proxy-option-over-env"
        steps = ["authenticate", "jobs_list"]
        dead = f"http://127.0.0.1:{fixture.closed_port()}"
        before = len(self.proxy.connect_lines())
        r = self.run_client(case, {"proxy": self.proxy.url, "token_url": self.token_url("keycloak"),
                                   "host": self.nginx.url("hub"), "ca_bundle": str(self.ca.cert)}, steps,
                            env={"HTTPS_PROXY": dead, "HTTP_PROXY": dead})
        self.expect_ok(r, steps)
        tunnels = self.proxy.connect_lines()[before:]
        expect(len(tunnels) >= 2, f"the proxy option was not used: {tunnels}")
        return f"HTTPS_PROXY={dead} ignored; {len(tunnels)} CONNECTs through the option's tinyproxy"

    def case_no_proxy_bypasses(self):
        case = "no-proxy"
        steps = ["authenticate", "jobs_list"]
        # Connections accepted, not every log line: the previous case's tunnels may still be
        # logging their close (seen on a loaded machine).
        before = len(self.proxy.accept_lines())
        r = self.run_client(case, {"token_url": self.token_url("keycloak"), "host": self.nginx.url("hub"),
                                   "ca_bundle": str(self.ca.cert)}, steps,
                            env={"HTTPS_PROXY": self.proxy.url, "NO_PROXY": "127.0.0.1"})
        self.expect_ok(r, steps)
        new = self.proxy.accept_lines()[before:]
        expect(not new, f"the proxy accepted connections despite NO_PROXY: {new}")
        expect(self.hits("keycloak", case, wait=True) and self.hits("hub", case, wait=True), "requests did not reach nginx")
        return "0 connections to the proxy; requests reached nginx directly"

    def _dead_proxy(self, case, settings, step, site):
        dead = f"http://127.0.0.1:{fixture.closed_port()}"
        lines_before = len(self.nginx.access_lines(site))
        r = self.run_client(case, {**settings, "ca_bundle": str(self.ca.cert), "retry_max_attempts": "2"},
                            ["authenticate", "jobs_list"], env={"HTTPS_PROXY": dead})
        self.expect_error(r, "NETWORK", step, "refused")
        expect(len(self.nginx.access_lines(site)) == lines_before,
               f"a request reached nginx's {site} site directly: {self.nginx.access_lines(site)[lines_before:]}")
        return r["message"]

    def case_dead_proxy_keycloak(self):
        return self._dead_proxy("dead-proxy-keycloak", {"token_url": self.token_url("keycloak"),
                                                        "host": self.nginx.url("hub")}, "authenticate", "keycloak")

    def case_dead_proxy_hub(self):
        # The token URL is plain http, which HTTPS_PROXY does not cover: authentication works
        # directly, and only the Hub call must go (and fail) through the dead proxy.
        return self._dead_proxy("dead-proxy-hub", {"token_url": self.plain_token_url,
                                                   "host": self.nginx.url("hub")}, "jobs_list", "hub")

    def case_mtls_fixture_accepts_client_cert(self):
        # Proves the mutual-TLS site works, so the refusals below are about the missing cert.
        ctx = ssl.create_default_context(cafile=str(self.ca.cert))
        ctx.load_cert_chain(str(self.client_cert.cert), str(self.client_cert.key))
        url = self.nginx.url("keycloak-mtls") + self.kc_path + "/realms/hazy/.well-known/openid-configuration"
        req = urllib.request.Request(url, headers={"User-Agent": self.agent("mtls-with-cert")})
        with urllib.request.urlopen(req, context=ctx, timeout=30) as resp:
            expect(resp.status == 200, f"HTTP {resp.status}")
            expect("token_endpoint" in json.loads(resp.read()), "not Keycloak's discovery document")
        hits = self.hits("keycloak-mtls", "mtls-with-cert", wait=True)
        expect(hits and hits[-1][5] == "SUCCESS" and hits[-1][6] != "-", f"nginx did not verify and proxy: {hits}")
        return "a client with a certificate from the client CA gets through"

    def _mtls_refused(self, case, settings, step, site, fragment, extra=None):
        r = self.run_client(case, {**settings, "ca_bundle": str(self.ca.cert), **(extra or {})},
                            ["authenticate", "jobs_list"])
        self.expect_error(r, "TLS", step, fragment)
        expect(r["http_status"] == 400, f"expected nginx's HTTP 400, got {r['http_status']}")
        hits = self.hits(site, case, wait=True)
        verify = "NONE" if extra is None else "FAILED"
        expect(hits and all(h[2] == "400" and h[5].startswith(verify) and h[6] == "-" for h in hits),
               f"nginx did not refuse the client itself: {hits}")
        return f"{r['status']} (HTTP 400 after the handshake): {r['message']}"

    # nginx's `ssl_verify_client on` completes the handshake and then answers HTTP 400 ("No
    # required SSL certificate was sent", "The SSL certificate error"); libhazy reports that as
    # TLS, the status of a refusal in the handshake (case_handshake_refusal_*).
    def case_mtls_no_client_cert_keycloak(self):
        return self._mtls_refused("mtls-no-cert-keycloak", {"token_url": self.token_url("keycloak-mtls"),
                                                            "host": self.hub_url},
                                  "authenticate", "keycloak-mtls", "set client_cert and client_key")

    def case_mtls_no_client_cert_hub(self):
        return self._mtls_refused("mtls-no-cert-hub", {"token_url": self.plain_token_url,
                                                       "host": self.nginx.url("hub-mtls")},
                                  "jobs_list", "hub-mtls", "set client_cert and client_key")

    def case_mtls_untrusted_client_cert(self):
        rogue = self.fx.make_client_cert(self.fx.make_ca("rogue-client-ca"), "rogue-client")
        return self._mtls_refused("mtls-untrusted-cert", {"token_url": self.token_url("keycloak-mtls"),
                                                          "host": self.hub_url},
                                  "authenticate", "keycloak-mtls", "refused the TLS client certificate",
                                  extra={"client_cert": str(rogue.cert), "client_key": str(rogue.key)})

    def case_mtls_client_cert(self):
        """client_cert and client_key: Keycloak and the Hub behind nginx, both requiring a
        certificate from the client CA, authenticate and train."""
        case = "mtls-client-cert"
        steps = ["authenticate", "train_wait"]
        r = self.run_client(case, {"token_url": self.token_url("keycloak-mtls"), "host": self.nginx.url("hub-mtls"),
                                   "ca_bundle": str(self.ca.cert), "client_cert": str(self.client_cert.cert),
                                   "client_key": str(self.client_cert.key)}, steps)
        self.expect_ok(r, steps)
        expect(r["job"]["state"] == "succeeded", f"job did not succeed: {r['job']}")
        kc, hub = self.hits("keycloak-mtls", case, wait=True), self.hits("hub-mtls", case, wait=True)
        expect(any(TOKEN_PATH in h[1] and h[2] == "200" for h in kc), f"no token request via nginx: {kc}")
        expect(any("/train-jobs" in h[1] and h[2] == "201" for h in hub), f"no train request via nginx: {hub}")
        expect(all(h[5] == "SUCCESS" for h in kc + hub), f"nginx did not verify every request's certificate: {kc + hub}")
        return f"trained {r['job']['id']}: {len(kc)} Keycloak + {len(hub)} Hub requests with a verified client certificate"

    def case_mtls_unusable_files(self):
        other = self.fx.make_client_cert(self.client_ca, "client-2")
        missing = str(self.fx.dir / "no-such-cert.pem")
        notes = []
        for settings, fragments in [
            ({"client_cert": missing, "client_key": str(self.client_cert.key)}, ["client_cert", missing]),
            ({"client_cert": str(self.client_cert.cert), "client_key": str(self.client_cert.cert)},
             ["client_key", str(self.client_cert.cert)]),
            ({"client_cert": str(self.client_cert.cert), "client_key": str(other.key)},
             ["not a usable pair", str(other.key)]),
            ({"client_cert": str(self.client_cert.cert)}, ["client_cert is set without client_key"]),
        ]:
            r = self.run_client("mtls-files", {"token_url": self.token_url("keycloak-mtls"), **settings},
                                ["authenticate"])
            self.expect_error(r, "INVALID_ARGUMENT", "client_new", *fragments)
            key_body = "".join(self.client_cert.key.read_text().splitlines()[1:-1])
            expect(key_body[:16] not in r["message"] and other.key.read_text().splitlines()[1][:16] not in r["message"],
                   f"key material in {r['message']!r}")
            notes.append(r["message"])
        return notes[-2]

    # -- keys as enterprises hold them, and their rotation (issue 25)

    def serial(self, cert: Path) -> str:
        out = subprocess.run(["openssl", "x509", "-noout", "-serial", "-in", str(cert)],
                             capture_output=True, text=True, check=True).stdout
        return out.strip().split("=", 1)[1].upper()

    def secret(self, name: str, text: str) -> Path:
        path = self.fx.dir / name
        path.write_text(text + "\n")
        path.chmod(0o600)
        return path

    def _mtls_ok(self, case, identity):
        steps = ["authenticate", "jobs_list"]
        r = self.run_client(case, {"token_url": self.token_url("keycloak-mtls"), "host": self.nginx.url("hub-mtls"),
                                   "ca_bundle": str(self.ca.cert), **identity}, steps)
        self.expect_ok(r, steps)
        hits = self.hits("keycloak-mtls", case, wait=True) + self.hits("hub-mtls", case, wait=True)
        expect(len(hits) >= 2 and all(h[5] == "SUCCESS" and h[7] == self.serial(self.client_cert.cert) for h in hits),
               f"nginx did not verify client-1's certificate on every request: {hits}")
        return hits

    def case_mtls_encrypted_client_key(self):
        """client_key as encrypted PKCS#8 (openssl pkcs8 -topk8 -v2 aes-256-cbc), its passphrase
        in client_key_passphrase_file; a wrong passphrase is INVALID_ARGUMENT naming the key's path."""
        passphrase = self.secret("client-key-pass", "CANARY-keypass-5e1a")
        encrypted = self.fx.dir / "client-1.p8"
        fixture._run(["openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", str(self.client_cert.key),
                      "-passout", f"file:{passphrase}", "-out", str(encrypted)])
        hits = self._mtls_ok("mtls-encrypted-key", {"client_cert": str(self.client_cert.cert), "client_key": str(encrypted),
                                                    "client_key_passphrase_file": str(passphrase)})
        wrong = self.secret("client-key-wrong", "CANARY-keywrong-77c0")
        r = self.run_client("mtls-encrypted-key-wrong", {"client_cert": str(self.client_cert.cert), "client_key": str(encrypted),
                                                         "client_key_passphrase_file": str(wrong)}, ["authenticate"])
        self.expect_error(r, "INVALID_ARGUMENT", "client_new", str(encrypted), str(wrong), "wrong passphrase?")
        self.expect_no_canary(r["message"], r["stderr"])
        return f"{len(hits)} requests with the decrypted key; wrong passphrase: {r['message']}"

    def case_mtls_pkcs12_bundle(self):
        """client_cert_p12: a bundle from `openssl pkcs12 -export` (OpenSSL 3's AES-256 default)
        with the client CA in its chain."""
        passphrase = self.secret("client-p12-pass", "CANARY-p12pass-0b3f")
        bundle = self.fx.dir / "client-1.p12"
        fixture._run(["openssl", "pkcs12", "-export", "-inkey", str(self.client_cert.key), "-in", str(self.client_cert.cert),
                      "-certfile", str(self.client_ca.cert), "-passout", f"file:{passphrase}", "-out", str(bundle)])
        hits = self._mtls_ok("mtls-pkcs12", {"client_cert_p12": str(bundle), "client_cert_p12_passphrase_file": str(passphrase)})
        r = self.run_client("mtls-pkcs12-no-pass", {"client_cert_p12": str(bundle)}, ["authenticate"])
        self.expect_error(r, "INVALID_ARGUMENT", "client_new", str(bundle), "client_cert_p12_passphrase_file")
        self.expect_no_canary(r["message"], r["stderr"])
        return f"{len(hits)} requests with the bundle's key and certificate; without its passphrase: {r['message']}"

    def case_mtls_rotated_client_cert(self):
        """The certificate and key files are replaced while the client runs: the next new connection
        presents the new certificate (nginx logs its serial), without a new client."""
        case = "mtls-rotation"
        second = self.fx.make_client_cert(self.client_ca, "client-rotated")
        live_cert, live_key = self.fx.dir / "live-client.crt", self.fx.dir / "live-client.key"
        shutil.copyfile(self.client_cert.cert, live_cert)
        shutil.copyfile(self.client_cert.key, live_key)
        live_key.chmod(0o600)
        steps = ["authenticate", "jobs_list", "jobs_list", "rotate", "jobs_list", "jobs_list"]
        spec_rotate = [[str(second.key), str(live_key)], [str(second.cert), str(live_cert)]]
        r = self.run_client(case, {"token_url": self.plain_token_url, "host": self.nginx.url("hub-mtls-no-keepalive"),
                                   "ca_bundle": str(self.ca.cert), "client_cert": str(live_cert), "client_key": str(live_key)},
                            steps, rotate=spec_rotate)
        self.expect_ok(r, steps)
        hits = self.hits("hub-mtls-no-keepalive", case, wait=True)
        serials = [h[7] for h in hits]
        old, new = self.serial(self.client_cert.cert), self.serial(second.cert)
        expect(old != new, "the two certificates have the same serial")
        expect(serials == [old, old, new, new], f"expected serials {[old, old, new, new]}, nginx logged {serials}")
        expect(all(h[5] == "SUCCESS" for h in hits), f"nginx did not verify every certificate: {hits}")
        return f"serials logged by nginx: {serials[0]} twice, then {serials[-1]} twice"

    def case_new_threads_share_a_connection(self):
        """Ten calls, each on a new thread of one client: the threads' calls run on the shared
        runtime (src/runtime/), so they reuse one connection and one TLS session, as libcurl
        with a share handle does; with a pool per thread each would open its own connection."""
        case = "new-threads"
        steps = ["authenticate", "jobs_list_new_threads"]
        r = self.run_client(case, {"token_url": self.plain_token_url, "host": self.nginx.url("hub"),
                                   "ca_bundle": str(self.ca.cert)}, steps)
        self.expect_ok(r, steps)
        hits = self.hits("hub", case, wait=True)
        expect(len(hits) == 10 and all(h[2] == "200" for h in hits), f"expected 10 answered calls: {hits}")
        connections = {h[9] for h in hits}
        expect(len(connections) == 1, f"10 new threads opened {len(connections)} connections: {hits}")
        expect(hits[0][8] == ".", f"the first connection's handshake should be a full one: {hits[0]}")
        return f"10 calls on 10 new threads over TLS: 1 connection, 1 handshake"

    def _handshake_refusal(self, tls12):
        """A server (Python's ssl, i.e. OpenSSL) that refuses a client without a certificate in
        the handshake itself, as Keycloak's own HTTPS with https-client-auth=required does."""
        with HandshakeServer(self.fx, self.ca, self.client_ca, tls12) as url:
            r = self.run_client("handshake-no-cert", {"token_url": url, "ca_bundle": str(self.ca.cert),
                                                      "retry_max_attempts": "1"}, ["authenticate"])
            alert = "HandshakeFailure" if tls12 else "CertificateRequired"
            self.expect_error(r, "TLS", "authenticate", alert)
            if not tls12:
                expect("set client_cert and client_key" in r["message"], f"no hint: {r['message']}")
            ok = self.run_client("handshake-cert", {"token_url": url, "ca_bundle": str(self.ca.cert),
                                                    "client_cert": str(self.client_cert.cert),
                                                    "client_key": str(self.client_cert.key)}, ["authenticate"])
            self.expect_ok(ok, ["authenticate"])
        return f"without: {r['message']}; with the certificate: authenticated"

    def case_handshake_refusal_tls13(self):
        return self._handshake_refusal(tls12=False)

    def case_handshake_refusal_tls12(self):
        return self._handshake_refusal(tls12=True)


class HandshakeServer:
    """A TLS token endpoint in a thread that requires a client certificate from `client_ca` and
    answers a fixed token response to a client that presented one."""
    TOKEN = json.dumps({"access_token": "a.b.c", "token_type": "Bearer", "expires_in": 60}).encode()

    def __init__(self, fx, ca, client_ca, tls12):
        cert = fx.make_cert(ca, f"handshake-{uuid.uuid4().hex[:6]}", ["IP:127.0.0.1"])
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(str(cert.cert), str(cert.key))
        self.ctx.load_verify_locations(str(client_ca.cert))
        self.ctx.verify_mode = ssl.CERT_REQUIRED
        if tls12:
            self.ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            try:
                conn.settimeout(10)
                with self.ctx.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(65536)
                    tls.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
                                b"content-length: " + str(len(self.TOKEN)).encode() + b"\r\n\r\n" + self.TOKEN)
            except (OSError, ssl.SSLError):
                conn.close()

    def __enter__(self):
        self.thread.start()
        return f"https://127.0.0.1:{self.sock.getsockname()[1]}/token"

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


def main() -> int:
    missing = [v for v in ("HAZY_TEST_KEYCLOAK_URL", "HAZY_TEST_HUB_URL", "HAZY_TEST_TOKEN_URL") if not os.environ.get(v)]
    if missing:
        print(f"tls: {', '.join(missing)} not set; run under tests/stack/stack.py (see this file's docstring)",
              file=sys.stderr)
        return 2
    passed = failed = 0
    started = time.monotonic()
    with fixture.Fixture() as fx:
        suite = Suite(fx, os.environ)
        print(f"tls: nginx {suite.nginx.ports} tinyproxy {suite.proxy.port}, test CA in {fx.dir}", flush=True)
        cases = [name for name in vars(Suite) if name.startswith("case_")]
        for name in cases:
            t0 = time.monotonic()
            try:
                note = getattr(suite, name)()
                passed += 1
                print(f"  ok   {name[5:]} ({time.monotonic() - t0:.1f} s): {note}", flush=True)
            except Exception as e:  # noqa: BLE001 -- any error fails this case, not the suite
                failed += 1
                print(f"  FAIL {name[5:]} ({time.monotonic() - t0:.1f} s): {e}", flush=True)
        for server in fx.servers:
            if not server.alive():
                failed += 1
                print(f"  FAIL {server.name} died during the run:\n{fixture.tail(server.log)}", flush=True)
        servers = list(fx.servers)
    leftovers = [s.name for s in servers if fixture.group_alive(s.proc.pid)]
    if leftovers:
        failed += 1
        print(f"  FAIL cleanup: processes left running: {leftovers}", flush=True)
    print(f"tls: {passed} passed, {failed} failed ({time.monotonic() - started:.1f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("tls: interrupted; servers stopped", file=sys.stderr)
        sys.exit(130)
