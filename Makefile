# libhazy: the entry point for C users and for the README's two commands.
#
#   make demo    build everything, start Keycloak and the Hub simulator, train from C
#   make test    every test: Rust, C under valgrind, and the suites against real services
#
# Other targets: build, header, example, dist, install PREFIX=..., clean.

CARGO     ?= cargo
PYTHON    ?= python3
PREFIX    ?= /usr/local
BUILD     := build
LIBDIR    := $(BUILD)/lib
TARGET    := target/debug
MAJOR     := $(shell sed -n 's/^version = "\([0-9]*\)\..*/\1/p' Cargo.toml | head -n1)
CC        ?= cc
CWARN     := -std=c99 -Wall -Wextra -Werror -pedantic
STACK     := $(PYTHON) tests/stack/stack.py run --sim-bin $(TARGET)/hazy-hub-sim --

.PHONY: deps all build header check-header example demo test test-unit test-with-services test-rust test-c \
        test-services test-realm test-c-quickstart test-integration test-contract test-cpp test-go test-java install clean

all: build example

# Debian packages the tests need, installed when missing.
deps:
	@bash tests/ensure-deps.sh

# The library (shared with SONAME, static), the simulator, and an uninstalled pkg-config
# file so that bindings and examples build against this tree.
build:
	$(CARGO) build --workspace --locked
	@mkdir -p $(LIBDIR)/pkgconfig
	@# Replace, never overwrite in place: a running test may have the old copy mapped.
	@cp -f $(TARGET)/libhazy.so $(LIBDIR)/.libhazy.so.tmp && mv -f $(LIBDIR)/.libhazy.so.tmp $(LIBDIR)/libhazy.so.$(MAJOR)
	@ln -sf libhazy.so.$(MAJOR) $(LIBDIR)/libhazy.so
	@cp -f $(TARGET)/libhazy.a $(LIBDIR)/libhazy.a
	@sed -e 's|@PREFIX@|$(CURDIR)|; s|@LIBDIR@|$(CURDIR)/$(LIBDIR)|; s|@INCLUDEDIR@|$(CURDIR)/include|' \
	     -e 's|@VERSION@|$(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)|' \
	     hazy.pc.in > $(LIBDIR)/pkgconfig/hazy.pc

# Regenerates include/hazy.h from the Rust sources (commit the result).
header:
	HAZY_WRITE_HEADER=1 $(CARGO) build --locked

example: build
	@mkdir -p $(BUILD)/examples
	$(CC) $(CWARN) -Iinclude examples/c/train.c -L$(LIBDIR) -lhazy -Wl,-rpath,$(CURDIR)/$(LIBDIR) \
	    -o $(BUILD)/examples/hazy_train

# The demo: Keycloak (downloaded once, cached in .cache/) and the simulator start, the C
# example authenticates with client credentials and trains, the `hazy` command does the same
# from the shell, everything stops.
demo: example
	@$(STACK) sh -c 'export HAZY_HUB_HOST="$$HAZY_TEST_HUB_URL" HAZY_CLIENT_ID="$$HAZY_TEST_CLIENT_ID" \
	    HAZY_CLIENT_SECRET="$$HAZY_TEST_CLIENT_SECRET" && \
	    $(BUILD)/examples/hazy_train demo-project examples/training-config.json && \
	    $(TARGET)/hazy train --project demo-project --config examples/training-config.json --wait'

# Both phases run their suites side by side: most suites spend their time in one thread
# (valgrind, libFuzzer, Miri, qemu, Wine) or waiting on the services, while the builds use
# every core. The service suites mostly wait (about 1.3 of 2 cores busy at -j3), so that
# phase runs more of them at once. -Otarget keeps each suite's output together, printed when
# it ends. DIST_ONE_AT_A_TIME chains the release builds (mk/dist.mk) instead of leaving job
# slots waiting on their lock. scripts/time-recipes.sh shows where the time goes.
UNIT_JOBS    ?= 3
SERVICE_JOBS ?= 5
test: deps
	$(MAKE) --no-print-directory -j$(UNIT_JOBS) -Otarget DIST_ONE_AT_A_TIME=1 test-unit
	$(MAKE) --no-print-directory test-with-services

# The second phase alone, in a built tree: the stack starts, the service suites run, it stops
# (scripts/compare-service-jobs.sh times this at different SERVICE_JOBS).
test-with-services:
	$(STACK) $(MAKE) -k --no-print-directory -j$(SERVICE_JOBS) -Otarget DIST_ONE_AT_A_TIME=1 test-services

# Each mk/*.mk adds its suites to these lists (and its own targets), so that features
# live in their own file and the top of this Makefile stays the index.
UNIT_SUITES     :=
SERVICE_SUITES  :=
-include $(sort $(wildcard mk/*.mk))

# make starts prerequisites left to right, so the suites that take longest come first and
# none is left running alone at the end: fuzzing (the nightly ASan build, which the ASan C
# test also waits for, then 75 s on one core) and the chain of release builds behind the
# Windows suite; after the stack, Keycloak's release runs, the CLI, Java (two JDKs) and the
# contract.
test-unit: $(filter test-dist-fresh-clone test-fuzz test-windows-capi,$(UNIT_SUITES)) test-rust test-c $(UNIT_SUITES)

# Rust unit and in-process tests; tests/header.rs fails when include/hazy.h is stale.
test-rust: build
	$(CARGO) test --workspace --locked

test-c: example
	$(MAKE) --no-print-directory -C tests/c LIBDIR=$(CURDIR)/$(LIBDIR) INCLUDE=$(CURDIR)/include

# Suites that need Keycloak and the simulator (run under tests/stack/stack.py).
test-services: $(filter test-keycloak-ci test-cli,$(SERVICE_SUITES)) test-java test-contract \
               test-realm test-c-quickstart test-integration test-cpp test-go $(SERVICE_SUITES)

test-realm:
	$(PYTHON) tests/realm/check_realm.py

# The README's C quick start (built by test-c) trains against the simulator.
test-c-quickstart:
	HAZY_HUB_HOST="$$HAZY_TEST_HUB_URL" HAZY_CLIENT_ID="$$HAZY_TEST_CLIENT_ID" HAZY_CLIENT_SECRET="$$HAZY_TEST_CLIENT_SECRET" \
	    $(BUILD)/tests/quickstart | tee $(BUILD)/tests/quickstart.out
	grep -q '^model ' $(BUILD)/tests/quickstart.out

test-integration:
	$(PYTHON) -m pytest -q tests/integration

test-contract:
	bash tests/contract/run.sh

test-cpp:
	bash bindings/cpp/run-tests.sh

test-go:
	bash bindings/go/run-tests.sh

test-java:
	bash bindings/java/run-tests.sh

# install (the optimised release library) and dist are in mk/dist.mk.

clean:
	rm -rf $(BUILD)
	$(CARGO) clean
