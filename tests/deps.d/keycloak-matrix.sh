# The Keycloak version matrix (mk/keycloak-matrix.mk, tests/keycloak_matrix): JDK 17 for
# Keycloak 21-25 (26 runs on the Temurin 25 the stack already needs), and the releases
# downloaded once into .cache/keycloak (~170 MB each) by Maven, like the stack's own 26.
# `make test` needs only the two it runs (HAZY_KEYCLOAK_MATRIX_FETCH=ci, the default);
# `make test-keycloak-matrix` asks for all six. Sourced by tests/ensure-deps.sh; the test
# runs themselves never download.
want_file /usr/lib/jvm/java-17-openjdk-amd64/bin/java openjdk-17-jdk-headless

after_packages_keycloak_matrix() {
    python3 tests/keycloak_matrix/run.py fetch "${HAZY_KEYCLOAK_MATRIX_FETCH:-ci}"
}
