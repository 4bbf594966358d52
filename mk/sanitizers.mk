# Sanitizers, valgrind and Miri. The C suite runs under valgrind in test-c and under
# ASan+UBSan here; the C++ suite runs under ASan+UBSan in test-cpp (bindings/cpp/tests is built
# with -fsanitize=address,undefined) and under valgrind here.
#
#   make test-c-asan-rust   (in `make test`) tests/c/test_capi.c with AddressSanitizer and
#                           UndefinedBehaviorSanitizer against a libhazy whose Rust code is
#                           itself ASan-instrumented, so that a bad access inside the library is
#                           caught where it happens, and one in the C test too. That library is the
#                           fuzz build's (mk/fuzz.mk): cargo builds every crate type of libhazy for
#                           the fuzz targets, the cdylib included, with ASan (and libFuzzer's
#                           coverage hooks, which the ASan runtime answers when no fuzzer is
#                           linked), so one nightly ASan build of the dependencies serves both
#   make test-cpp-valgrind  (in `make test`, under the stack) the lifetime tests of the C++
#                           binding's GoogleTest suite, built without sanitizers, under valgrind:
#                           no memory error, no definite leak (close-time bounds loosened to
#                           2 s, as for tests/c)
#   make test-miri          (in `make test`) the C ABI's boundary: the tests in fuzz/miri
#   make miri               the same, and the library's unit tests that need no socket (Miri
#                           builds the library's dependencies a second time for them: about
#                           2 CPU-minutes, which make test leaves out)

SAN_DIR    := $(BUILD)/sanitizers
SAN_TRIPLE := x86_64-unknown-linux-gnu
SAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Leaks are errors, with no suppressions: the Rust runtime's process-lived state stays
# reachable from globals and is not reported.
SAN_ENV    := ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_string_checks=1 \
              UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The instrumented library, staged under its SONAME as `make build` stages the normal one.
ASAN_LIB   := $(SAN_DIR)/rust/lib

.PHONY: test-c-asan-rust test-cpp-valgrind test-miri

# The test program is linked by SONAME; the rpath picks which libhazy.so it loads.
$(SAN_DIR)/%/test_capi: tests/c/test_capi.c tests/common/check.h include/hazy.h
	@mkdir -p $(dir $@)
	$(CC) -std=c99 -Wall -Wextra -Werror -pedantic -g -O1 $(SAN_FLAGS) -Iinclude $< \
	    -L$(LIBDIR_$*) -lhazy -Wl,-rpath,$(CURDIR)/$(LIBDIR_$*) -o $@

LIBDIR_rust := $(ASAN_LIB)

# Unoptimised, as make test's fuzz targets are (mk/fuzz.mk).
ASAN_RUST_SO := fuzz/target/$(SAN_TRIPLE)/debug/deps/libhazy.so

test-c-asan-rust: fuzz-build ## the C API test with ASan+UBSan, Rust included
	@test -f $(ASAN_RUST_SO) || { echo "test-c-asan-rust: the fuzz build made no $(ASAN_RUST_SO)"; exit 1; }
	@mkdir -p $(ASAN_LIB)
	@cp -f $(ASAN_RUST_SO) $(ASAN_LIB)/.libhazy.so.tmp && mv -f $(ASAN_LIB)/.libhazy.so.tmp $(ASAN_LIB)/libhazy.so.$(MAJOR)
	@ln -sf libhazy.so.$(MAJOR) $(ASAN_LIB)/libhazy.so
	@rm -f $(SAN_DIR)/rust/test_capi
	$(MAKE) --no-print-directory $(SAN_DIR)/rust/test_capi
	$(SAN_ENV) $(SAN_DIR)/rust/test_capi

# The same valgrind settings as tests/c. Only the lifetime tests (moves, jobs that outlive their
# client, close() while other threads are inside calls) run here; the whole suite runs once, under
# ASan+UBSan, in test-cpp. The verdict comes from gtest's XML report (tests/common/verdict.py):
# a failed or skipped test, or none, fails the run, and so does a valgrind error (exit 99).
CPP_VG_DIR    := $(BUILD)/cpp-valgrind
CPP_VG        := valgrind --quiet --error-exitcode=99 --leak-check=full \
                 --errors-for-leak-kinds=definite --show-leak-kinds=definite
CPP_VG_FILTER := Lifetime.*

test-cpp-valgrind: build ## the C++ lifetime tests under valgrind
	cmake -S bindings/cpp/tests -B $(CPP_VG_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHAZY_ROOT=$(CURDIR) \
	    -DHAZY_LIB_DIR=$(CURDIR)/$(LIBDIR) -DHAZY_SANITIZE=OFF >/dev/null
	cmake --build $(CPP_VG_DIR) --target hazy_cpp_tests
	@rm -f $(CPP_VG_DIR)/report.xml; status=0; \
	    HAZY_TEST_CLOSE_BOUND_MS=2000 $(CPP_VG) $(CPP_VG_DIR)/hazy_cpp_tests --gtest_brief=1 \
	        --gtest_filter='$(CPP_VG_FILTER)' --gtest_output=xml:$(CPP_VG_DIR)/report.xml || status=$$?; \
	    [ $$status -ne 99 ] || echo "cpp-valgrind: valgrind found a memory error or a definite leak"; \
	    $(PYTHON) tests/common/verdict.py cpp-valgrind $(CPP_VG_DIR)/report.xml || status=1; \
	    exit $$status

# Miri runs what needs no socket and no HTTP client (rustls with ring and the root store
# take more than 10 minutes to build a client under Miri): in make test, the FFI boundary tests
# in fuzz/miri, where the unsafe code is; `make miri` adds the library's unit tests of options,
# config validation, Hub problems, retries and the tokio runtime, and redaction and the
# token-response parser, whose regex and encodings take about 5 minutes under Miri here.
# Isolation is off so that the tests' environment variables and clocks are the real ones. The
# fuzz workspace's lock file follows the library's dependencies (cargo-fuzz updates it too), so
# it is not --locked.
MIRI_FAST := config:: hub::validate:: hub::problem:: retry:: runtime::
MIRI_SLOW := redact:: auth::token_endpoint::
MIRI_ENV  := MIRIFLAGS="-Zmiri-disable-isolation"

.PHONY: miri

test-miri: ## the C ABI boundary under Miri
	cd fuzz && $(MIRI_ENV) $(CARGO) +nightly miri test -p hazy-ffi-miri

miri: deps ## Miri over the ABI boundary and the unit tests that need no socket
	cd fuzz && $(MIRI_ENV) $(CARGO) +nightly miri test -p hazy-ffi-miri
	$(MIRI_ENV) $(CARGO) +nightly miri test --locked -p hazy --lib -- $(MIRI_FAST) $(MIRI_SLOW)
