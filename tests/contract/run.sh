#!/usr/bin/env bash
# Conformance of a running Hub (normally hazy-hub-sim) to contract/hub-api.yaml.
#
#   HAZY_TEST_HUB_URL=http://127.0.0.1:P HAZY_TEST_TOKEN_URL=.../protocol/openid-connect/token \
#     tests/contract/run.sh
#
# or, with the test stack starting Keycloak and the simulator:
#
#   python3 tests/stack/stack.py run --sim-bin target/sim/debug/hazy-hub-sim -- tests/contract/run.sh
#
# Steps: (1) the contract is a valid OpenAPI 3.0 document; (2) schemathesis checks status
# codes, content types, response headers and response bodies of every Hub operation
# (the simulator-only /_sim/ operations excluded) against the contract, including that
# authentication is enforced; (3) pytest checks what schemathesis cannot: real Keycloak
# tokens without the scope or the audience, tampered tokens, idempotent retries after a
# dropped connection, the job lifecycle and the /auth proxy.
#
# Tools are installed idempotently into <repo>/.cache/venv, pinned below.
# Bounded: schemathesis gets SCHEMATHESIS_MAX_TIME seconds (default 60).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$REPO/tests/contract"
VENV="$REPO/.cache/venv"
REQUIREMENTS="$HERE/requirements.txt"

: "${HAZY_TEST_HUB_URL:?set HAZY_TEST_HUB_URL to the Hub or simulator base URL}"
: "${HAZY_TEST_TOKEN_URL:?set HAZY_TEST_TOKEN_URL to Keycloak realm hazy token endpoint}"
export HAZY_TEST_HUB_URL="${HAZY_TEST_HUB_URL%/}"

# -- 0. tools ---------------------------------------------------------------------------
stamp="$VENV/.requirements.sha256"
want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [[ ! -x "$VENV/bin/python" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
    echo "[contract] installing $(tr '\n' ' ' < "$REQUIREMENTS")into $VENV"
    [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    echo "$want" > "$stamp"
fi
PY="$VENV/bin/python"

# -- 1. the document itself -------------------------------------------------------------
"$VENV/bin/openapi-spec-validator" "$REPO/contract/hub-api.yaml"

# -- 2. schemathesis --------------------------------------------------------------------
# The token goes to schemathesis through the environment (its config file expands
# ${VARS}), not argv, so it shows up in no process listing.
HAZY_CONTRACT_TOKEN="$("$PY" "$HERE/kc_token.py" api api-Sup3r-S3cret-0001)"
export HAZY_CONTRACT_TOKEN

# A clean simulator, so earlier runs' jobs do not matter. A real Hub has no /_sim/.
curl -fsS -o /dev/null -X POST "$HAZY_TEST_HUB_URL/_sim/reset" 2>/dev/null \
    || echo "[contract] $HAZY_TEST_HUB_URL has no /_sim/reset (not the simulator?)"

# HAZY_CONTRACT_REPORT_DIR=DIR keeps a JUnit report of the schemathesis run there.
report=()
[[ -n "${HAZY_CONTRACT_REPORT_DIR:-}" ]] && report=(--report junit --report-dir "$HAZY_CONTRACT_REPORT_DIR")
echo "[contract] schemathesis against $HAZY_TEST_HUB_URL"
(
    cd "$HERE"  # picks up schemathesis.toml
    "$VENV/bin/schemathesis" run "$REPO/contract/hub-api.yaml" \
        --url "$HAZY_TEST_HUB_URL" \
        --exclude-tag simulator \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection,positive_data_acceptance,ignored_auth,unsupported_method \
        --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-40}" \
        --max-time "${SCHEMATHESIS_MAX_TIME:-60}" \
        --seed "${SCHEMATHESIS_SEED:-20261127}" \
        --request-timeout 10 \
        "${report[@]}" \
        --no-color
)

# -- 3. what schemathesis cannot check --------------------------------------------------
echo "[contract] pytest: tokens, idempotency, lifecycle"
"$PY" -m pytest -q -p no:cacheprovider "$HERE"
