# Fuzzing (fuzz/, cargo-fuzz and libFuzzer on nightly): the option parser, TrainingConfig
# validation, the token-response parser, the Hub's job/list/problem parsers, and a C-level
# harness over the exported functions. fuzz/run.sh prints the executions each target reached.
#
#   make test-fuzz   (in `make test`) every target for FUZZ_SECONDS from the committed seeds,
#                    in a fresh scratch corpus
#   make fuzz        every target for FUZZ_LONG_SECONDS, growing a corpus kept in build/fuzz

UNIT_SUITES += test-fuzz
FUZZ_SECONDS      ?= 60
FUZZ_LONG_SECONDS ?= 600
FUZZ_TARGETS      ?=

.PHONY: test-fuzz fuzz

test-fuzz:
	@rm -rf $(BUILD)/fuzz/scratch
	bash fuzz/run.sh $(FUZZ_SECONDS) $(BUILD)/fuzz/scratch $(FUZZ_TARGETS)

fuzz: deps
	bash fuzz/run.sh $(FUZZ_LONG_SECONDS) $(BUILD)/fuzz/corpus $(FUZZ_TARGETS)
