"""What the Python suites that run under tests/stack/stack.py share: the HAZY_TEST_* variables it
exports (the services' addresses and the realm's test principals), the simulator's /_sim/ admin
API, and a minimal training config.

The realm file is the one place that holds the test secrets; stack.py reads them from it, so no
suite repeats one (README, "Tests and Keycloak").

    sys.path.insert(0, str(REPO / "tests" / "common")); import stackenv
"""
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request

ADDRESSES = ("HAZY_TEST_KEYCLOAK_URL", "HAZY_TEST_HUB_URL", "HAZY_TEST_TOKEN_URL", "HAZY_TEST_ISSUER")

# In the shapes Hazy publishes for its configurator's TrainingConfig (contract/hub-api.yaml
# marks which members are Hazy's and which are modelled): the generator nested under
# model_parameters, data_input a list of DataLocationInput objects, data types as objects.
MINIMAL_CONFIG = {
    "data_schema": {"tables": [{"name": "t", "dtypes": [{"type": "int", "col": "a"}]}]},
    "data_input": [{"name": "t", "location": "s3://b/t.csv"}],
    "model_parameters": {"generator": {"generator_type": "priv_bayes", "epsilon": 1000.0}},
}


def missing(names=ADDRESSES):
    """The variables of `names` that are not set (a suite's pytest_configure reports them)."""
    return [v for v in names if not os.environ.get(v)]


def require(names, suite, target):
    """For a suite's pytest_configure: stop with how to run it when the stack's variables are missing."""
    import pytest

    gone = missing(names)
    if gone:
        raise pytest.UsageError(
            f"{', '.join(gone)} not set: {suite} needs a real Keycloak and the Hub simulator. Run it with "
            f"`make test`, or\n    python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- "
            f"make build {target}")


def url(name):
    return os.environ[name].rstrip("/")


def _pairs(id_suffix, value_suffix):
    pairs = {}
    for key, ident in os.environ.items():
        m = re.fullmatch(rf"HAZY_TEST_(\w*){id_suffix}", key)
        if m and f"HAZY_TEST_{m.group(1)}{value_suffix}" in os.environ:
            pairs[ident] = os.environ[f"HAZY_TEST_{m.group(1)}{value_suffix}"]
    return pairs


def client_secrets():
    """{client id: secret} of every confidential test client of the realm."""
    return _pairs("CLIENT_ID", "CLIENT_SECRET")


def user_passwords():
    """{user name: password} of the realm's test users."""
    return _pairs("USERNAME", "PASSWORD")


def client(role=""):
    """(client id, secret) of a test client: role "" is `api`, else e.g. "NO_TRAIN"."""
    prefix = f"HAZY_TEST_{role}_" if role else "HAZY_TEST_"
    return os.environ[prefix + "CLIENT_ID"], os.environ[prefix + "CLIENT_SECRET"]


def user(role=""):
    """(user name, password) of a test user: role "" is `analyst`, "DISABLED" the disabled one."""
    prefix = f"HAZY_TEST_{role}_" if role else "HAZY_TEST_"
    return os.environ[prefix + "USERNAME"], os.environ[prefix + "PASSWORD"]


def config_json(**overrides):
    cfg = json.loads(json.dumps(MINIMAL_CONFIG))
    cfg.update(overrides)
    return json.dumps(cfg)


class Sim:
    """The simulator's admin API (unauthenticated; hub-sim/README.md). Never resets: suites share it."""

    def __init__(self, base=None):
        self.base = (base or os.environ["HAZY_TEST_SIM_ADMIN_URL"]).rstrip("/")

    def request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                text = resp.read()
        except urllib.error.HTTPError as e:
            raise AssertionError(f"{method} {path} -> {e.code}: {e.read()[:500]!r}") from None
        return json.loads(text) if text else None

    def set_job_duration(self, project_id, ms):
        got = self.request("PUT", f"/projects/{project_id}", {"job_duration_ms": ms})
        assert got["job_duration_ms"] == ms, got

    def add_fault(self, **spec):
        return self.request("POST", "/faults", spec)

    def faults(self):
        return self.request("GET", "/faults")["items"]

    def stats(self, project_id=None, user_agent=None):
        """Request counts: every request, one project's, or those sent with one User-Agent.
        Suites share the simulator side by side, so a test that counts requests scopes them."""
        scope = {k: v for k, v in (("project_id", project_id), ("user_agent", user_agent)) if v is not None}
        q = "?" + urllib.parse.urlencode(scope) if scope else ""
        return self.request("GET", "/stats" + q)

    def requests(self, **filters):
        """What the simulator received, in order: method, path, status, and the X-Request-ID
        and traceparent headers (filters: user_agent, project_id, trace_id)."""
        q = "?" + urllib.parse.urlencode(filters) if filters else ""
        return self.request("GET", "/requests" + q)["requests"]
