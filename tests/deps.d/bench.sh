# The benchmark (mk/bench.mk, bench/): libcurl's headers for the libcurl contender, wrk as
# the load generator against the Hub simulator, `requests` for the Python contender (PyPI,
# into .cache/bench-venv) and golang.org/x/oauth2 for the Go one (into .cache/go-mod).
# Sourced by tests/ensure-deps.sh.
want_file /usr/include/x86_64-linux-gnu/curl/curl.h libcurl4-openssl-dev
want wrk wrk

BENCH_VENV=.cache/bench-venv
BENCH_REQUESTS_VERSION=2.34.2

after_packages_bench() {
    venv_install "$BENCH_VENV" "requests==$BENCH_REQUESTS_VERSION"
    # Modules pinned by bench/go/go.sum; a no-op once they are in the cache.
    (cd bench/go && GOMODCACHE="$PWD/../../.cache/go-mod" GOFLAGS=-mod=readonly go mod download)
}
