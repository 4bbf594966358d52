"""The Keycloak version matrix: one release of each major a Hazy installation may run.

Each row is a release, the relative path it is served under, and the JDK it runs on (chosen by
tests/stack/stack.py's Flavour; named here for the report). The layouts alternate so that
both `{auth_url}` shapes, `http://host:port/auth` and `http://host:port`, are tested; what
`make test` runs (CI below) covers one layout with each of the oldest and the newest. 21.1.x is not
published as keycloak-quarkus-dist, hence 21.0.2.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stack"))

from stack import KEYCLOAK_VERSION  # noqa: E402  the 26.x every other suite runs

ROOT, AUTH = "/", "/auth"

# (version, relative path, JDK)
MATRIX = [
    ("21.0.2", AUTH, "17"),
    ("22.0.5", ROOT, "17"),
    ("23.0.7", AUTH, "17"),
    ("24.0.5", ROOT, "17"),
    ("25.0.6", AUTH, "17"),
    # The shared stack already runs this release under /auth: here it runs at the root.
    (KEYCLOAK_VERSION, ROOT, "25"),
]

# What `make test` runs (`ci`): the oldest major on a Keycloak of its own, served at the root
# (the full matrix serves it under /auth), and the newest on make test's shared stack, which
# serves it under /auth; tests/integration runs the authentication suites against that one
# already, so run.py adds only test_matrix.py there. Run without a shared stack, `ci` starts the
# newest at the root as the full matrix does.
OLDEST_AT_ROOT = (MATRIX[0][0], ROOT, MATRIX[0][2])
CI = [OLDEST_AT_ROOT, MATRIX[-1]]


def select(names):
    """Rows for 'all', 'ci', or versions / majors ('21', '26.7.3')."""
    if names in ([], ["all"]):
        return list(MATRIX)
    if names == ["ci"]:
        return list(CI)
    rows = []
    for name in names:
        hits = [r for r in MATRIX if r[0] == name or r[0].split(".")[0] == name]
        if not hits:
            raise SystemExit(f"keycloak-matrix: {name!r} is not in the matrix "
                             f"({', '.join(r[0] for r in MATRIX)})")
        rows += hits
    return rows
