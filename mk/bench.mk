# `make bench`: libhazy against libcurl, Go (net/http + x/oauth2) and Python requests, and
# against itself with a log callback at `error` and at `debug`, on the test stack with the
# release simulator (bench/README.md). BENCH_ARGS="--only seq" runs the sequential calls only.
# `bench-smoke` runs one short round in `make test` so that the harness cannot rot; it judges
# no figure.

BENCH_DIR     := $(BUILD)/bench
BENCH_LIB     := $(BENCH_DIR)/lib-release
BENCH_CFLAGS  := -std=c99 -O2 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
BENCH_GO_ENV  := GOMODCACHE=$(CURDIR)/.cache/go-mod GOFLAGS=-mod=readonly
# Which libhazy the C contender is linked against; at run time the harness picks one with
# LD_LIBRARY_PATH, so the same binaries serve both.
BENCH_LINK    ?= $(LIBDIR)
# The profile of the reqwest floor (bench/rust/reqwest_floor.rs): release for `make bench`, the
# debug build for the smoke run.
BENCH_PROFILE ?= debug

.PHONY: bench bench-release bench-tools bench-smoke

bench: deps bench-release ## the benchmarks (release build; docs/performance.md)
	$(MAKE) --no-print-directory bench-tools BENCH_LINK=$(BENCH_LIB) BENCH_PROFILE=release
	$(PYTHON) tests/stack/stack.py run --sim-bin target/release/hazy-hub-sim -- \
	    $(PYTHON) bench/run.py --lib-dir $(BENCH_LIB) --lib-label target/release/libhazy.so $(BENCH_ARGS)

# The optimised library and simulator; the library under the SONAME the contender asks for.
bench-release:
	$(CARGO) build --release --locked -p hazy -p hazy-hub-sim
	@mkdir -p $(BENCH_LIB)
	@cp -f target/release/libhazy.so $(BENCH_LIB)/.libhazy.so.tmp && mv -f $(BENCH_LIB)/.libhazy.so.tmp $(BENCH_LIB)/libhazy.so.$(MAJOR)
	@ln -sf libhazy.so.$(MAJOR) $(BENCH_LIB)/libhazy.so

bench-tools:
	@mkdir -p $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) -Iinclude bench/c/hazy_bench.c -L$(BENCH_LINK) -lhazy -lpthread -o $(BENCH_DIR)/hazy_bench
	$(CC) $(BENCH_CFLAGS) bench/c/curl_bench.c $$(pkg-config --cflags --libs libcurl) -lpthread -o $(BENCH_DIR)/curl_bench
	$(CC) $(BENCH_CFLAGS) -shared -fPIC bench/c/alloc_count.c -o $(BENCH_DIR)/alloc_count.so
	cd bench/go && $(BENCH_GO_ENV) go build -o $(CURDIR)/$(BENCH_DIR)/ ./cmd/...
	$(CARGO) build --locked $(if $(filter release,$(BENCH_PROFILE)),--release) --example reqwest_floor
	cp -f target/$(BENCH_PROFILE)/examples/reqwest_floor $(BENCH_DIR)/reqwest_floor

bench-smoke: build ## the benchmarks once each, as a smoke test
	$(MAKE) --no-print-directory bench-tools
	$(PYTHON) bench/run.py --smoke --lib-dir $(LIBDIR) --lib-label "$(LIBDIR) (debug)"
