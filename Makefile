# libhazy: the entry point for C users and for the README's two commands.
#
#   make demo    build everything, start Keycloak and the Hub simulator, train from C
#   make test    every test: Rust, C under valgrind, and the suites against real services
#
# `make help` lists every public target; the tiers and the order of make test's suites are
# below, in one place.

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

.PHONY: deps all build header example demo check test nightly help test-unit test-with-services test-services \
        test-rust test-c test-c-native test-realm test-c-quickstart test-integration test-contract test-cpp \
        test-go test-java clean

all: build example

# Debian packages the tests need, installed when missing.
deps: ## install what the build and the tests need (Debian packages, Keycloak, toolchains), once
	@bash tests/ensure-deps.sh

# The library (shared with SONAME, static), the simulator, and an uninstalled pkg-config
# file so that bindings and examples build against this tree.
build: ## the library (debug), the simulator and the CLI, in build/lib
	$(CARGO) build --workspace --locked
	@mkdir -p $(LIBDIR)/pkgconfig
	@# Replace, never overwrite in place: a running test may have the old copy mapped.
	@cp -f $(TARGET)/libhazy.so $(LIBDIR)/.libhazy.so.tmp && mv -f $(LIBDIR)/.libhazy.so.tmp $(LIBDIR)/libhazy.so.$(MAJOR)
	@ln -sf libhazy.so.$(MAJOR) $(LIBDIR)/libhazy.so
	@cp -f $(TARGET)/libhazy.a $(LIBDIR)/libhazy.a
	@sed -e 's|@PREFIX@|$(CURDIR)|; s|@LIBDIR@|$(CURDIR)/$(LIBDIR)|; s|@INCLUDEDIR@|$(CURDIR)/include|' \
	     -e 's|@VERSION@|$(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)|' \
	     hazy.pc.in > $(LIBDIR)/pkgconfig/hazy.pc

# Regenerates include/hazy.h from the Rust sources, and the C API reference (docs/reference/,
# a page per function) from the header; commit both.
header: ## regenerate include/hazy.h from the Rust sources, and docs/reference/ from it
	HAZY_WRITE_HEADER=1 $(CARGO) build --locked
	$(PYTHON) scripts/docs/reference.py

example: build ## the C example, build/examples/hazy_train
	@mkdir -p $(BUILD)/examples
	$(CC) $(CWARN) -Iinclude examples/c/train.c -L$(LIBDIR) -lhazy -Wl,-rpath,$(CURDIR)/$(LIBDIR) \
	    -o $(BUILD)/examples/hazy_train

# The demo: Keycloak (downloaded once, cached in .cache/) and the simulator start, the C
# example authenticates with client credentials and trains, the `hazy` command does the same
# from the shell, everything stops.
demo: example $(COBOL_TRAIN) ## build, start Keycloak and the simulator, train from C, COBOL and the CLI
	@$(STACK) sh -c 'export HAZY_HUB_HOST="$$HAZY_TEST_HUB_URL" HAZY_CLIENT_ID="$$HAZY_TEST_CLIENT_ID" \
	    HAZY_CLIENT_SECRET="$$HAZY_TEST_CLIENT_SECRET" && \
	    $(BUILD)/examples/hazy_train demo-project examples/training-config.json && \
	    $(COBOL_DEMO) && \
	    $(TARGET)/hazy train --project demo-project --config examples/training-config.json --wait'

# ---------------------------------------------------------------------------------------------
# The tiers. Each is one command; docs/testing.md has the table.
#
#   make check     before every commit: build, Rust tests, the C API test natively, and the
#                  end-to-end suite (C quick start, ctypes suite) against Keycloak and the
#                  simulator; 5 minutes or less from a warm tree
#   make test      everything CI runs (.ci/run calls it): the two phases below
#   make nightly   long fuzzing, the full Keycloak matrix (21 to 26), Miri
#   make help      every public target with one line
#
# The suites of `make test`, in the order make starts them. Phase 1 needs no service; phase 2
# runs while tests/stack/stack.py holds Keycloak and the simulator up (HAZY_TEST_* set). Each
# suite's recipe lives in the mk/*.mk fragment of its feature; this list is the only place
# that says what runs. make starts prerequisites left to right, so the longest come first:
# the fresh-clone install (a release build from scratch: in phase 2 its load cut the contract's
# time-bounded fuzzing short and slowed valgrind past a job's duration), fuzzing (the ASan build that
# test-c-asan-rust also waits for) and the chain of release builds behind the Windows suite;
# after the stack, Keycloak's oldest release, the CLI, Java and the contract.
UNIT_SUITES := \
    test-dist-fresh-clone test-fuzz test-windows-capi \
    test-rust test-c test-c-asan-rust test-miri test-reference test-abi test-api test-deny \
    test-dist-portability test-dist-capi test-dist-aarch64 test-windows-dll
SERVICE_SUITES := \
    test-keycloak-ci test-cli test-java test-dotnet test-contract test-cobol \
    test-realm test-c-quickstart test-integration test-cpp test-go test-cpp-valgrind \
    test-dist-consumers test-dist-e2e test-doctor test-job-states test-logging \
    test-reliability test-tls test-windows-services test-packages bench-smoke

# Both phases run their suites side by side: most suites spend their time in one thread
# (valgrind, libFuzzer, Miri, qemu, Wine) or waiting on the services, while the builds use
# every core. The service suites mostly wait, so that phase runs more of them at once.
# -Otarget keeps each suite's output together, printed when it ends. DIST_ONE_AT_A_TIME chains
# the release builds (mk/dist.mk) instead of leaving job slots waiting on their lock.
# scripts/time-recipes.sh shows where the time goes.
UNIT_JOBS    ?= 3
SERVICE_JOBS ?= 5

test: deps ## everything CI runs: test-unit, then test-with-services
	$(MAKE) --no-print-directory -j$(UNIT_JOBS) -Otarget DIST_ONE_AT_A_TIME=1 test-unit
	$(MAKE) --no-print-directory test-with-services

test-unit: $(UNIT_SUITES) ## phase 1 of make test: the suites that need no service

# The second phase alone, in a built tree: the stack starts, the service suites run, it stops
# (scripts/compare-service-jobs.sh times this at different SERVICE_JOBS).
test-with-services: build ## phase 2 of make test: start the stack, run the service suites, stop it
	$(STACK) $(MAKE) -k --no-print-directory -j$(SERVICE_JOBS) -Otarget DIST_ONE_AT_A_TIME=1 test-services

test-services: $(SERVICE_SUITES)

# Tier 1. test-rust and test-c-native build first (one cargo build at a time); the stack then
# holds Keycloak and the simulator for the end-to-end suite.
CHECK_SERVICE_SUITES := test-c-quickstart test-integration
check: deps build ## before every commit: build, Rust tests, C API natively, end-to-end suite (<= 5 min)
	$(MAKE) --no-print-directory -j2 -Otarget test-rust test-c-native
	$(STACK) $(MAKE) -k --no-print-directory -j2 -Otarget $(CHECK_SERVICE_SUITES)

nightly: deps ## long fuzzing, the full Keycloak matrix and Miri (hours, not for CI)
	$(MAKE) --no-print-directory fuzz
	$(MAKE) --no-print-directory test-keycloak-matrix
	$(MAKE) --no-print-directory miri

# The tiers and the demo first, then every other target with a `## ` description, by name.
HELP_FIRST := demo check test nightly
help: ## this list
	@echo "libhazy: make TARGET (docs/testing.md explains the tiers)"
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | sort -u | \
	    awk -F':.*## ' -v first="$(HELP_FIRST)" ' \
	        BEGIN { n = split(first, order, " "); for (i = 1; i <= n; i++) rank[order[i]] = i } \
	        { line = sprintf("  %-24s %s", $$1, $$2); if ($$1 in rank) top[rank[$$1]] = line; else rest[++m] = line } \
	        END { for (i = 1; i <= n; i++) print top[i]; print ""; for (i = 1; i <= m; i++) print rest[i] }'

# Each mk/*.mk holds one feature's targets: its suites' recipes, its tools, its dependencies.
-include $(sort $(wildcard mk/*.mk))

# Rust unit and in-process tests; tests/header.rs fails when include/hazy.h is stale. The
# verdict comes from libtest's JUnit reports, like every other suite's.
test-rust: build ## cargo test over the workspace
	$(PYTHON) tests/common/cargo_junit.py $(BUILD)/reports/rust --workspace --locked

# The C API test under valgrind (and its lifetime test under ASan too); test-c-native runs
# the same programs without any checker, for make check.
test-c: example ## the C API tests under valgrind and ASan
	$(MAKE) --no-print-directory -C tests/c LIBDIR=$(CURDIR)/$(LIBDIR) INCLUDE=$(CURDIR)/include

test-c-native: example ## the C API tests, natively
	$(MAKE) --no-print-directory -C tests/c LIBDIR=$(CURDIR)/$(LIBDIR) INCLUDE=$(CURDIR)/include native

test-realm: ## the Keycloak realm export matches what the tests expect
	$(PYTHON) tests/realm/check_realm.py

# The README's C quick start (built by test-c) trains against the simulator.
test-c-quickstart: ## the README's C quick start trains against the simulator
	HAZY_HUB_HOST="$$HAZY_TEST_HUB_URL" HAZY_CLIENT_ID="$$HAZY_TEST_CLIENT_ID" HAZY_CLIENT_SECRET="$$HAZY_TEST_CLIENT_SECRET" \
	    $(BUILD)/tests/quickstart | tee $(BUILD)/tests/quickstart.out
	grep -q '^model ' $(BUILD)/tests/quickstart.out

test-integration: ## the C ABI end to end through ctypes, against Keycloak and the simulator
	$(PYTHON) -m pytest -q tests/integration

test-contract: ## the Hub contract: simulator and OpenAPI, fuzzed with schemathesis
	bash tests/contract/run.sh

test-cpp: ## the C++ binding: GoogleTest suite, ASan+UBSan, consumer projects
	bash bindings/cpp/run-tests.sh

test-go: ## the Go binding: go vet, go test -race
	bash bindings/go/run-tests.sh

test-java: ## the Java binding on JDK 17 (and Temurin 25 where it differs)
	bash bindings/java/run-tests.sh

# install (the optimised release library) and dist are in mk/dist.mk.

clean: ## remove build/ and target/
	rm -rf $(BUILD)
	$(CARGO) clean
