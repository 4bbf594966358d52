"""Running `hazy doctor` for the doctor suite, and the canary scan every run goes through.

Every secret a test hands the doctor, and every token it could have seen, is registered here
(`watch`); each run's standard output and standard error (with -vv, so libhazy's log lines too)
are searched for them in every encoding libhazy could leak them in (tests/common/secret_forms.py, which
tests/reliability/canaries.py uses too).
"""
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "common"))
import stackenv  # noqa: E402,F401  (conftest takes it from here)
from secret_forms import forms  # noqa: E402

HAZY = Path(os.environ.get("HAZY_CLI_BIN", REPO / "target" / "debug" / "hazy"))
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")

# (client id, secret or token) of everything the scan looks for.
WATCHED = []
SCANNED = {"runs": 0, "bytes": 0}


def watch(client_id, secret):
    WATCHED.append((client_id, secret))


def scan(*texts):
    """(client id, form) of every watched secret found in `texts`, and whether a JWT is there."""
    hits = []
    for client_id, secret in WATCHED:
        for form, needle, ci in forms(secret, client_id):
            for text in texts:
                if needle and (needle.lower() in text.lower() if ci else needle in text):
                    hits.append((client_id, form))
    return hits, any(JWT.search(t) for t in texts)


@dataclass
class Run:
    rc: int
    report: dict
    text: str
    err: str

    def step(self, name):
        return next(s for s in self.report["steps"] if s["step"] == name)

    def results(self):
        return {s["step"]: s["result"] for s in self.report["steps"]}

    def failed(self):
        return [s["step"] for s in self.report["steps"] if s["result"] == "fail"]


def env(client="api", secret=None, **settings):
    """A child environment without the caller's HAZY_* settings or proxies: the stack's Hub, the
    tutorial's layout (Keycloak under {host}/auth, which the simulator proxies), and a client."""
    out = {k: v for k, v in os.environ.items()
           if not k.startswith("HAZY_") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    out["HAZY_HUB_HOST"] = os.environ["HAZY_TEST_HUB_URL"].rstrip("/")
    if client is not None:
        out["HAZY_CLIENT_ID"] = client
        out["HAZY_CLIENT_SECRET"] = secret if secret is not None else stackenv.client_secrets()[client]
    out.update({k: str(v) for k, v in settings.items() if v is not None})
    return out


def doctor(environment, *args):
    """`hazy doctor` twice, as text and as JSON: both scanned, the JSON parsed, and the two
    checked to tell the same story."""
    runs = []
    for json_flag in ([], ["--json"]):
        proc = subprocess.run([str(HAZY), "-vv", *json_flag, "doctor", *args], env=environment,
                              capture_output=True, text=True, timeout=180)
        hits, jwt = scan(proc.stdout, proc.stderr)
        SCANNED["runs"] += 1
        SCANNED["bytes"] += len(proc.stdout) + len(proc.stderr)
        assert not hits, f"secrets in the doctor's output: {hits}"
        assert not jwt, "something shaped like a JWT in the doctor's output"
        runs.append(proc)
    text, js = runs
    assert text.returncode == js.returncode, (text.returncode, js.returncode)
    lines = js.stdout.splitlines()
    assert len(lines) == 1, js.stdout
    report = json.loads(lines[0])
    assert report["exit_code"] == js.returncode
    for step in report["steps"]:
        mark = {"pass": "✓", "fail": "✗", "skipped": "-"}[step["result"]]
        assert f"{mark} {step['title']}" in text.stdout, (step, text.stdout)
    return Run(js.returncode, report, text.stdout, text.stderr)
