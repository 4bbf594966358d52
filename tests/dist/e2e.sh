#!/usr/bin/env bash
# The Keycloak and Hub end-to-end suite (tests/integration) against the unpacked release
# tarball's library (HAZY_TEST_LIB), not the development build. Run under tests/stack/stack.py.
source "$(dirname "$0")/lib.sh"
: "${HAZY_TEST_HUB_URL:?run under tests/stack/stack.py (make test-dist-e2e does)}"
unpack "${1:?usage: e2e.sh TARBALL}"
cd "$REPO"
HAZY_TEST_LIB="$PREFIX_DIR/lib/libhazy.so" python3 -m pytest -q -rs tests/integration
