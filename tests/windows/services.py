"""The C example (examples/c/train.c: authenticate with client credentials, train, wait with
progress) cross-compiled with mingw-w64 against the release zip and run under Wine against the
real Keycloak and Hub simulator of tests/stack/stack.py on Linux loopback (Wine programs share
the host's network):

  plain        over HTTP, straight to the stack;
  ca_bundle    over TLS through nginx with a test CA made at run time (tests/tls/fixture.py),
               trusted through HAZY_CA_BUNDLE as a Windows path (src/tls/windows.rs: Windows'
               chain engine, Wine's crypt32 here, refuses the CA, then webpki accepts it from
               the bundle); nginx's logs prove every request went over TLS;
  wrong name   a certificate from the same CA for another host name: the bundle trusts the CA,
               but the name must still be checked, so the Hub call fails with a TLS error;
  unknown CA   as ca_bundle without HAZY_CA_BUNDLE: the test CA is in no system store, so the
               handshake must fail with a TLS error and no request reaches nginx's upstream.

Run under the stack (make test-windows-services does):
    python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- \\
        python3 tests/windows/services.py dist/libhazy-VERSION-x86_64-windows-gnu.zip
"""
import os
import re
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tls"))
import wine  # noqa: E402
import fixture  # noqa: E402
from fixture import Site  # noqa: E402

TOKEN_PATH = "/realms/hazy/protocol/openid-connect/token"
CONFIG = wine.REPO / "examples" / "training-config.json"
TIMEOUT_S = 180


class Failed(AssertionError):
    pass


def expect(cond, what):
    if not cond:
        raise Failed(what)


def origin(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}"


class Suite:
    def __init__(self, exe: Path, fx: fixture.Fixture):
        e = os.environ
        for name in ("HAZY_TEST_HUB_URL", "HAZY_TEST_KEYCLOAK_URL", "HAZY_TEST_TOKEN_URL",
                     "HAZY_TEST_CLIENT_ID", "HAZY_TEST_CLIENT_SECRET"):
            if not e.get(name):
                raise SystemExit(f"windows services: {name} is not set: run under tests/stack/stack.py "
                                 "(make test-windows-services does)")
        self.exe, self.fx = exe, fx
        self.hub, self.token_url = e["HAZY_TEST_HUB_URL"].rstrip("/"), e["HAZY_TEST_TOKEN_URL"]
        kc = e["HAZY_TEST_KEYCLOAK_URL"].rstrip("/")
        self.kc_path = urlsplit(kc).path
        self.ca = fx.make_ca("server-ca")
        cert = fx.make_cert(self.ca, "localhost", ["IP:127.0.0.1", "DNS:localhost"])
        wrong = fx.make_cert(self.ca, "wrong-name", ["DNS:wrong-name.invalid"])
        self.nginx = fx.start_nginx([Site("keycloak", cert, origin(kc)), Site("hub", cert, self.hub),
                                     Site("hub-wrong-name", wrong, self.hub)])
        # Only the settings of each case reach the program: none the caller happens to have.
        self.base = {k: v for k, v in e.items() if not k.startswith("HAZY_") and
                     k.upper() not in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")}
        self.base.update(HAZY_CLIENT_ID=e["HAZY_TEST_CLIENT_ID"], HAZY_CLIENT_SECRET=e["HAZY_TEST_CLIENT_SECRET"],
                         HAZY_POLL_INTERVAL_MS="200", HAZY_RETRY_BASE_DELAY_MS="50")
        self.seconds = {}

    def train(self, case: str, settings: dict):
        project = f"wine-{case}-{uuid.uuid4().hex[:8]}"
        settings = {**settings, "HAZY_USER_AGENT": f"libhazy-wine-test/{case}"}
        done = wine.wine(self.exe, [project, wine.windows_path(CONFIG)], extra_env=settings, base_env=self.base,
                         timeout=TIMEOUT_S)
        self.seconds[case] = done.seconds
        return done

    def hits(self, site: str, case: str, wait: bool = False):
        return self.nginx.entries(site, f"libhazy-wine-test/{case}", wait)

    def expect_trained(self, done, case):
        out = done.stdout.replace("\r\n", "\n")
        expect(done.returncode == 0, f"exit {done.returncode}:\n{out}{done.stderr[-2000:]}")
        expect("authenticated with Keycloak" in out, f"no authentication line:\n{out}")
        expect(re.search(r"^submitted training job \S+ to project wine-", out, re.M), f"no job submitted:\n{out}")
        expect(re.search(r"^\s+succeeded\s+100%$", out, re.M), f"no progress line at 100%:\n{out}")
        progress = re.findall(r"^\s+(\w+)\s+(\d+)%$", out, re.M)
        expect(len(progress) >= 2, f"fewer than two progress lines:\n{out}")
        m = re.search(r"^training succeeded: model id (\S+)$", out, re.M)
        expect(m, f"no model id:\n{out}")
        return m.group(1), progress

    # -- the cases

    def case_plain(self):
        done = self.train("plain", {"HAZY_HUB_HOST": self.hub, "HAZY_TOKEN_URL": self.token_url})
        model, progress = self.expect_trained(done, "plain")
        return f"model {model}, {len(progress)} progress lines, {done.seconds:.1f} s"

    def case_ca_bundle(self):
        case = "ca-bundle"
        done = self.train(case, {"HAZY_HUB_HOST": self.nginx.url("hub"),
                                 "HAZY_TOKEN_URL": self.nginx.url("keycloak") + self.kc_path + TOKEN_PATH,
                                 "HAZY_CA_BUNDLE": wine.windows_path(self.ca.cert)})
        model, progress = self.expect_trained(done, case)
        kc, hub = self.hits("keycloak", case, wait=True), self.hits("hub", case, wait=True)
        expect(any(TOKEN_PATH in h[1] and h[2] == "200" for h in kc), f"no token request via nginx: {kc}")
        expect(any("/train-jobs" in h[1] and h[2] == "201" for h in hub), f"no train request via nginx: {hub}")
        expect(all(h[4].startswith("TLSv1.") for h in kc + hub), f"a request without TLS: {kc + hub}")
        return (f"model {model} over TLS ({kc[0][4]}): {len(kc)} Keycloak + {len(hub)} Hub requests via nginx, "
                f"{done.seconds:.1f} s")

    def case_wrong_name(self):
        case = "wrong-name"
        done = self.train(case, {"HAZY_HUB_HOST": self.nginx.url("hub-wrong-name"),
                                 "HAZY_TOKEN_URL": self.nginx.url("keycloak") + self.kc_path + TOKEN_PATH,
                                 "HAZY_CA_BUNDLE": wine.windows_path(self.ca.cert)})
        err = done.stderr.replace("\r\n", "\n")
        expect(done.returncode == 1, f"exit {done.returncode} (want 1):\n{done.stdout}{err[-2000:]}")
        m = re.search(r"^error: submitting the training job failed: TLS: (.*)$", err, re.M)
        expect(m, f"no TLS error from submitting the job:\n{err[-2000:]}")
        expect("wrong-name.invalid" in m.group(1), f"the message does not name the certificate's name: {m.group(1)}")
        expect(self.hits("keycloak", case, wait=True), "the token request (trusted through the bundle) did not reach nginx")
        expect(not self.hits("hub-wrong-name", case), "a request got past the TLS handshake")
        return m.group(1)[:300]

    def case_unknown_ca(self):
        case = "unknown-ca"
        done = self.train(case, {"HAZY_HUB_HOST": self.nginx.url("hub"),
                                 "HAZY_TOKEN_URL": self.nginx.url("keycloak") + self.kc_path + TOKEN_PATH})
        err = done.stderr.replace("\r\n", "\n")
        expect(done.returncode == 1, f"exit {done.returncode} (want 1):\n{done.stdout}{err[-2000:]}")
        m = re.search(r"^error: authenticating failed: TLS: (.*)$", err, re.M)
        expect(m, f"no TLS error from authenticating:\n{err[-2000:]}")
        expect(not self.hits("keycloak", case), "a request got past the TLS handshake")
        return m.group(1)[:300]


def main():
    zip_path, out = wine.begin(__doc__, "services")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="hazy-win-svc-") as tmp, fixture.Fixture() as fx:
        root = wine.unpack(zip_path, Path(tmp))
        exe = wine.compile_exe([wine.REPO / "examples" / "c" / "train.c"], root, out / "hazy_train.exe")
        wine.stage(out, root)
        suite = Suite(exe, fx)
        cases = ("plain", "ca_bundle", "wrong_name", "unknown_ca")
        for name in cases:
            try:
                print(f"ok   {name}: {getattr(suite, 'case_' + name)()}", flush=True)
            except Failed as e:
                failed += 1
                print(f"FAIL {name}: {e}", flush=True)
    print(f"windows services: {len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
