# Fuzzing (fuzz/, cargo-fuzz and libFuzzer on nightly): the option parser, TrainingConfig
# validation, the token-response parser, the Hub's job/list/problem parsers, and a C-level
# harness over the exported functions. fuzz/run.sh prints the executions each target reached.
#
#   make test-fuzz   (in `make test`) every target for FUZZ_SECONDS from the committed seeds,
#                    in a fresh scratch corpus. 15 s: every defect the fuzzers found has its
#                    reproducer among the seeds, so a regression fails at once; finding new
#                    ones is the long run's job, and make test's time is shared by every suite
#                    (README, "How long it takes")
#   make fuzz        every target for FUZZ_LONG_SECONDS, growing a corpus kept in build/fuzz

FUZZ_SECONDS      ?= 15
FUZZ_LONG_SECONDS ?= 600
FUZZ_TARGETS      ?=

.PHONY: test-fuzz fuzz fuzz-build

# make test's short run builds the targets without optimisation: 40 % less build CPU
# (169 against 275 CPU-seconds at opt-level 1, from scratch), at fewer executions a second;
# `make fuzz` builds them optimised (fuzz/run.sh, HAZY_FUZZ_PROFILE). One nightly build of every
# target (debug assertions, AddressSanitizer); fuzz/run.sh then finds it up to date, and
# test-c-asan-rust (mk/sanitizers.mk) takes its ASan libhazy.so from it.
fuzz-build:
	cd fuzz && PATH="$(CURDIR)/.cache/tools/bin:$$PATH" $(CARGO) +nightly fuzz build --dev

test-fuzz: fuzz-build ## each fuzz target for FUZZ_SECONDS (15)
	@rm -rf $(BUILD)/fuzz/scratch
	HAZY_FUZZ_PROFILE=dev bash fuzz/run.sh $(FUZZ_SECONDS) $(BUILD)/fuzz/scratch $(FUZZ_TARGETS)

fuzz: deps ## each fuzz target for FUZZ_LONG_SECONDS (600), corpus kept in build/fuzz
	bash fuzz/run.sh $(FUZZ_LONG_SECONDS) $(BUILD)/fuzz/corpus $(FUZZ_TARGETS)
