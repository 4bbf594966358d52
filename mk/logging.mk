# Logging and tracing (issue 23), end to end: tests/logging/log_events.c registers a log
# callback and drives the fault cases (503 with Retry-After, a dropped submission, a 401
# replay, a Keycloak restart, a failed call's request id, re-entry, a slow callback) against
# the real stack; tests/logging/run.py arms the faults and checks the records and what the
# simulator received. The events' unit tests are in src/logging and src/trace (test-rust).

LOG_EVENTS := $(BUILD)/tests/log_events

.PHONY: test-logging

$(LOG_EVENTS): tests/logging/log_events.c tests/common/json_string.h include/hazy.h $(LIBDIR)/libhazy.so
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -pedantic -g -pthread -Iinclude -Itests/common $< -L$(LIBDIR) -lhazy \
	    -Wl,-rpath,$(CURDIR)/$(LIBDIR) -o $@

test-logging: build $(LOG_EVENTS) ## log callback events and trace ids against the stack
	$(PYTHON) tests/logging/run.py $(LOG_EVENTS)
