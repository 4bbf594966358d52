"""Helpers of the `hazy` command-line suite: running the binary (target/debug/hazy, built by
`make build`) against the real Keycloak and Hub simulator that tests/stack/stack.py started
(their addresses come in HAZY_TEST_* variables), the simulator's test controls, and the
exit-code table of docs/cli.md, which every test reads its expected codes from."""
import json
import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "common"))
import stackenv  # noqa: E402
from stackenv import MINIMAL_CONFIG, Sim  # noqa: E402,F401  (the suite imports Sim from here)

HAZY = Path(os.environ.get("HAZY_CLI_BIN", REPO / "target" / "debug" / "hazy"))
CLI_DOC = REPO / "docs" / "cli.md"  # the CLI's documentation: its -h output and exit-code table
TRAINING_CONFIG = REPO / "examples" / "training-config.json"
REQUIRED_ENV = ("HAZY_TEST_HUB_URL", "HAZY_TEST_KEYCLOAK_URL", "HAZY_TEST_SIM_ADMIN_URL", "HAZY_TEST_CLIENT_SECRET")

# The realm's test clients, as tests/stack/stack.py exports them from tests/realm/hazy-realm.json.
SECRETS = stackenv.client_secrets()
# A wrong secret that no message could contain by chance.
WRONG_SECRET = "wr0ng-Cli-S3cret-" + uuid.uuid4().hex[:12]
ALL_SECRETS = tuple(SECRETS.values()) + (WRONG_SECRET,)

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.")


# ---------------------------------------------------------------- the documented exit codes


def readme_section() -> str:
    """docs/cli.md, the CLI's documentation (it moved there from the top-level README)."""
    return CLI_DOC.read_text()


def readme_exit_codes() -> list:
    """Rows of the exit-code table of docs/cli.md: (code, name, statuses, meaning)."""
    rows = []
    for line in readme_section().splitlines():
        m = re.match(r"^\| (\d+) \| `([a-z-]+)` \| ([^|]*) \| ([^|]*) \|$", line)
        if m:
            statuses = [s.strip(" `") for s in m.group(3).split(",")] if m.group(3).strip() != "-" else []
            rows.append((int(m.group(1)), m.group(2), statuses, m.group(4).strip()))
    return rows


EXIT = {name: code for code, name, _, _ in readme_exit_codes()}


# ---------------------------------------------------------------- running the binary


@dataclass
class Run:
    rc: int
    out: str
    err: str

    def json(self):
        """The single JSON object on stdout."""
        lines = self.out.splitlines()
        assert len(lines) == 1, f"expected one JSON line, got {self.out!r}"
        return json.loads(lines[0])

    def json_lines(self):
        return [json.loads(line) for line in self.out.splitlines()]


def assert_no_secret(*texts):
    for text in texts:
        for secret in ALL_SECRETS:
            assert secret not in text, "a secret appeared in the output"
        assert not JWT.search(text), "a token appeared in the output"


def base_env(client="api", secret=None, **extra):
    """The child's environment: none of the caller's HAZY_* settings, the stack's Hub, and
    client credentials (a secret only ever through the environment)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAZY_")}
    env["HAZY_HUB_HOST"] = os.environ["HAZY_TEST_HUB_URL"].rstrip("/")
    env["HAZY_POLL_INTERVAL_MS"] = "200"
    if client is not None:
        env["HAZY_CLIENT_ID"] = client
        env["HAZY_CLIENT_SECRET"] = secret if secret is not None else SECRETS[client]
    env.update({k: str(v) for k, v in extra.items()})
    return env


def hazy(*args, env=None, input=None, timeout=60) -> Run:
    """Runs the binary to its end; every output is checked for secrets and tokens."""
    proc = subprocess.run([str(HAZY), *map(str, args)], env=env if env is not None else base_env(),
                          input=input, capture_output=True, text=True, timeout=timeout)
    assert_no_secret(proc.stdout, proc.stderr)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def config_file(tmp_path, **overrides) -> Path:
    cfg = json.loads(json.dumps(MINIMAL_CONFIG))
    cfg.update(overrides)
    path = tmp_path / "config.json"
    path.write_text(json.dumps(cfg))
    return path
