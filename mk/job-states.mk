# Job states the Hub may spell differently (issue 30): wait_states.c waits on a job whose GETs
# the simulator answers with SUCCEEDED, completed, canceled or an unknown word; run.py checks
# the outcome and the unknown-state rule (README, "Training and jobs").

WAIT_STATES := $(BUILD)/tests/wait_states

.PHONY: test-job-states

$(WAIT_STATES): tests/job_states/wait_states.c tests/common/json_string.h include/hazy.h $(LIBDIR)/libhazy.so
	@mkdir -p $(dir $@)
	$(CC) $(CWARN) -g -Iinclude -Itests/common $< -L$(LIBDIR) -lhazy -Wl,-rpath,$(CURDIR)/$(LIBDIR) -o $@

test-job-states: build $(WAIT_STATES) ## job states, synonyms and unknown states through the C API
	$(PYTHON) tests/job_states/run.py $(WAIT_STATES)
