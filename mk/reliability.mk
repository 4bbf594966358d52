# Reliability suite (tests/reliability/): the fault matrix, live canaries and stress, against
# the real Keycloak and the Hub simulator. Run under the stack (HAZY_TEST_* set).
#
#   make test-reliability   (in `make test`) faults, restart (defect 3 of issue 10 end to end),
#                           canaries, and stress at a reduced size
#   make stress             stress at full size: 64 threads x 10,000 calls, 1,000 client cycles
#
# The other defects of issue 10 have in-process regression tests in tests/defects.rs (test-rust).

REL_DIR     := tests/reliability
REL_STRESS  := $(BUILD)/tests/rel_stress
# RSS growth allowed after warm-up, in KiB; a leak of 8 bytes per call over 576,000 calls
# would already exceed the full run's limit.
REL_RSS_KIB ?= 4096
# Reduced sizes for `make test`; `make stress` overrides them.
REL_THREADS ?= 64
REL_CALLS   ?= 1000
REL_CYCLES  ?= 300

.PHONY: test-reliability reliability-faults reliability-restart reliability-canaries reliability-stress stress

$(REL_STRESS): $(REL_DIR)/stress.c include/hazy.h $(LIBDIR)/libhazy.so
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -pedantic -g -O1 -pthread -Iinclude $< -L$(LIBDIR) -lhazy \
	    -Wl,-rpath,$(CURDIR)/$(LIBDIR) -o $@

test-reliability: reliability-faults reliability-restart reliability-canaries reliability-stress ## faults, restarts, secret canaries and stress
reliability-faults: build
	cd $(REL_DIR) && $(PYTHON) faults.py

reliability-restart: build
	cd $(REL_DIR) && $(PYTHON) restart.py

reliability-canaries: build
	cd $(REL_DIR) && $(PYTHON) canaries.py

reliability-stress: build $(REL_STRESS)
	$(REL_STRESS) calls $(REL_THREADS) $(REL_CALLS) $(REL_RSS_KIB)
	$(REL_STRESS) cycles $(REL_CYCLES) $(REL_RSS_KIB)

stress: build ## the stress test, ten times longer
	$(STACK) $(MAKE) --no-print-directory reliability-stress REL_CALLS=10000 REL_CYCLES=1000
