# Sanitizers and Miri, beside valgrind's run of the C suite (test-c). The C++ suite
# (bindings/cpp, test-cpp) is already built with -fsanitize=address,undefined.
#
#   make test-c-asan        (in `make test`) tests/c/test_capi.c with AddressSanitizer and
#                           UndefinedBehaviorSanitizer, twice: against the library as built
#                           (build/lib), and against a libhazy whose Rust code is itself
#                           ASan-instrumented (nightly -Zsanitizer=address, target/asan), so that
#                           a bad access inside the library is caught where it happens
#   make test-miri          (in `make test`) the C ABI's boundary (fuzz/miri) and the library's
#                           unit tests that Miri can run quickly
#   make miri               the same plus the slow ones (redaction, token responses)

UNIT_SUITES += test-c-asan test-miri

SAN_DIR    := $(BUILD)/sanitizers
SAN_TRIPLE := x86_64-unknown-linux-gnu
SAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Leaks are errors, with no suppressions: the Rust runtime's process-lived state stays
# reachable from globals and is not reported.
SAN_ENV    := ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_string_checks=1 \
              UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The instrumented library, staged under its SONAME as `make build` stages the normal one.
ASAN_LIB   := $(SAN_DIR)/rust/lib

.PHONY: test-c-asan test-c-asan-lib test-c-asan-rust test-miri

test-c-asan: test-c-asan-lib test-c-asan-rust

# The test program is linked by SONAME; the rpath picks which libhazy.so it loads.
$(SAN_DIR)/%/test_capi: tests/c/test_capi.c include/hazy.h
	@mkdir -p $(dir $@)
	$(CC) -std=c99 -Wall -Wextra -Werror -pedantic -g -O1 $(SAN_FLAGS) -Iinclude $< \
	    -L$(LIBDIR_$*) -lhazy -Wl,-rpath,$(CURDIR)/$(LIBDIR_$*) -o $@

LIBDIR_lib  := $(LIBDIR)
LIBDIR_rust := $(ASAN_LIB)

test-c-asan-lib: build
	@rm -f $(SAN_DIR)/lib/test_capi
	$(MAKE) --no-print-directory $(SAN_DIR)/lib/test_capi
	$(SAN_ENV) $(SAN_DIR)/lib/test_capi

# Only the library, for the host triple (so build scripts and proc macros stay uninstrumented),
# in a target dir of its own so the ordinary build is untouched.
test-c-asan-rust:
	RUSTFLAGS="-Zsanitizer=address -Cforce-frame-pointers=yes" \
	    $(CARGO) +nightly build --locked -p hazy --target $(SAN_TRIPLE) --target-dir target/asan
	@mkdir -p $(ASAN_LIB)
	@cp -f target/asan/$(SAN_TRIPLE)/debug/libhazy.so $(ASAN_LIB)/libhazy.so.$(MAJOR)
	@ln -sf libhazy.so.$(MAJOR) $(ASAN_LIB)/libhazy.so
	@rm -f $(SAN_DIR)/rust/test_capi
	$(MAKE) --no-print-directory $(SAN_DIR)/rust/test_capi
	$(SAN_ENV) $(SAN_DIR)/rust/test_capi

# Miri runs what needs no socket and no HTTP client (rustls with ring and the root store
# take more than 10 minutes to build a client under Miri): the FFI boundary tests in fuzz/miri,
# and the library's unit tests of options, config validation, Hub problems, retries and the
# tokio runtime. `make miri` adds redaction and the token-response parser, whose regex and
# encodings take about 5 minutes under Miri here. Isolation is off so that the tests'
# environment variables and clocks are the real ones. The fuzz workspace's lock file follows
# the library's dependencies (cargo-fuzz updates it too), so it is not --locked.
MIRI_FAST := config:: hub::validate:: hub::problem:: retry:: runtime::
MIRI_SLOW := redact:: auth::token_endpoint::
MIRI_ENV  := MIRIFLAGS="-Zmiri-disable-isolation"

.PHONY: miri

test-miri:
	cd fuzz && $(MIRI_ENV) $(CARGO) +nightly miri test -p hazy-ffi-miri
	$(MIRI_ENV) $(CARGO) +nightly miri test --locked -p hazy --lib -- $(MIRI_FAST)

miri: deps
	cd fuzz && $(MIRI_ENV) $(CARGO) +nightly miri test -p hazy-ffi-miri
	$(MIRI_ENV) $(CARGO) +nightly miri test --locked -p hazy --lib -- $(MIRI_FAST) $(MIRI_SLOW)
