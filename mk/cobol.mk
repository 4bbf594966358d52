# The COBOL binding (issue 27): the copybook bindings/cobol/HAZY.cpy, the helper programs of
# bindings/cobol/HAZYLIB.cbl and the batch example examples/cobol/TRAIN.cbl, built with
# GnuCOBOL's cobc against the library of `make build` through its uninstalled pkg-config file
# (docs/cobol.md). cobc takes -L and -l but not -Wl,...: -Q hands pkg-config's flags to the link.
#
#   make cobol-example   build/cobol/train
#   make demo-cobol      the stack up, TRAIN.cbl trains, the stack down
#   make test-cobol      the suite (bindings/cobol/run-tests.sh), inside the stack

COBC        ?= cobc
COBOL_TRAIN := $(BUILD)/cobol/train
COBOL_LINK   = -Q "$$(PKG_CONFIG_PATH=$(CURDIR)/$(LIBDIR)/pkgconfig pkg-config --libs hazy)"
# The COBOL example as the demo runs it, after the C one, inside the stack with HAZY_HUB_HOST,
# HAZY_CLIENT_ID and HAZY_CLIENT_SECRET exported.
COBOL_DEMO  := $(COBOL_TRAIN) demo-project examples/training-config.json

.PHONY: deps-cobol cobol-example demo-cobol test-cobol

# GnuCOBOL (tests/deps.d/cobol.sh), installed on first use so that the demo needs no
# `make deps` first; once there it only checks.
deps-cobol:
	@bash tests/ensure-deps.sh cobol

$(COBOL_TRAIN): examples/cobol/TRAIN.cbl bindings/cobol/HAZYLIB.cbl bindings/cobol/HAZY.cpy | build deps-cobol
	@mkdir -p $(dir $@)
	$(COBC) -x -fstatic-call -Wall -I bindings/cobol -o $@ examples/cobol/TRAIN.cbl bindings/cobol/HAZYLIB.cbl \
	    $(COBOL_LINK)

cobol-example: $(COBOL_TRAIN) ## the COBOL example (examples/cobol/TRAIN.cbl), build/cobol/train

demo-cobol: $(COBOL_TRAIN) ## start Keycloak and the simulator, train from COBOL
	@$(STACK) sh -c 'export HAZY_HUB_HOST="$$HAZY_TEST_HUB_URL" HAZY_CLIENT_ID="$$HAZY_TEST_CLIENT_ID" \
	    HAZY_CLIENT_SECRET="$$HAZY_TEST_CLIENT_SECRET" && $(COBOL_DEMO)'

test-cobol: build ## the COBOL binding (GnuCOBOL): copybook against hazy.h, strings, statuses, TRAIN.cbl
	bash bindings/cobol/run-tests.sh
