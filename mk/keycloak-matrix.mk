# The Keycloak version matrix (issue 14): the Keycloak authentication suite and a train-and-wait
# through `auth_url`, against one release of each major 21 to 26, each on its own Keycloak and Hub
# simulator (tests/keycloak_matrix/versions.py lists them: layout /auth or root, JDK 17 or 25).
# Releases are downloaded by the dependency step (tests/deps.d/keycloak-matrix.sh), never by tests.
#
#   make test-keycloak-matrix    all six releases, one after another (11-16 min; README
#                                "Keycloak versions"); downloads the four `make deps` skips
#   make test-keycloak-ci        the oldest release at the root, on its own Keycloak, and the
#                                newest: under make test, on the shared stack's Keycloak (that
#                                release, under /auth), where only its own checks run, as
#                                tests/integration covers the rest; part of `make test`
#
# test-keycloak-ci sits in SERVICE_SUITES because it uses the shared stack for the newest release;
# the oldest gets servers of its own.

KEYCLOAK_MATRIX := $(PYTHON) tests/keycloak_matrix/run.py --sim-bin $(TARGET)/hazy-hub-sim

.PHONY: test-keycloak-matrix test-keycloak-ci keycloak-matrix-deps

keycloak-matrix-deps:
	@HAZY_KEYCLOAK_MATRIX_FETCH=all bash tests/ensure-deps.sh

test-keycloak-matrix: keycloak-matrix-deps build ## the Keycloak suite against every release 21 to 26
	$(KEYCLOAK_MATRIX) all

test-keycloak-ci: build ## the oldest and newest Keycloak releases
	$(KEYCLOAK_MATRIX) ci
