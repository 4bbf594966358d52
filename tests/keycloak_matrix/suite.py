#!/usr/bin/env python3
"""The suite the matrix runs against one Keycloak, inside tests/stack/stack.py:

1. the Keycloak authentication suite, tests/integration/test_keycloak_auth.py (issue 3), through
   the C API, with the Hub simulator verifying the tokens: every grant, refusals, expiry, the
   `host` / `auth_url` / `token_url` layouts, timeouts, the environment;
   with tests/integration/test_private_key_jwt.py (issue 14): private_key_jwt with RSA and EC
   keys, the refresh grant, a key Keycloak does not know; and test_x509_client_auth.py: the
   "X509 certificate" client over Keycloak's own HTTPS;
2. tests/keycloak_matrix/test_matrix.py: the release, JDK and layout asked for, and a
   train-and-wait through `auth_url`.

tests/realm/check_realm.py is not run here: it requires `expires_in` to equal the lifespan
exactly, and Keycloak 21-25 compute it as exp minus the time of the response, one second less
when the response crosses a second (seen on 24.0.5 on a busy machine).

On make test's shared stack (HAZY_MATRIX_SHARED_STACK=1, set by run.py) only the second runs:
tests/integration runs the first's files against that Keycloak already.

Exit status 0 only when all pass and nothing was skipped. The last line is the summary.
"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTEST_FILES = ["tests/integration/test_keycloak_auth.py", "tests/integration/test_private_key_jwt.py",
                "tests/integration/test_x509_client_auth.py", "tests/keycloak_matrix/test_matrix.py"]


def junit_counts(path):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    return {k: sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors", "skipped")}


def main():
    version = os.environ.get("HAZY_MATRIX_VERSION", "?")
    files = PYTEST_FILES[-1:] if os.environ.get("HAZY_MATRIX_SHARED_STACK") == "1" else PYTEST_FILES
    with tempfile.TemporaryDirectory(prefix="kc-matrix-") as tmp:
        xml = Path(tmp) / "junit.xml"
        tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                                f"--junitxml={xml}", *files], cwd=REPO)
        counts = junit_counts(xml) if xml.exists() else None
    if counts is None:
        print(f"keycloak {version}: pytest wrote no report (exit {tests.returncode})")
        return 1
    passed = counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"]
    ok = tests.returncode == 0 and passed > 0 and passed == counts["tests"]
    print(f"keycloak {version}: {passed} passed, {counts['failures'] + counts['errors']} failed, "
          f"{counts['skipped']} skipped (a skip fails the run) -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
