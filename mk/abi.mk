# The ABI of libhazy.so.0 against its committed baseline (issue 29): scripts/abi/abi.py runs
# libabigail's abidw and abidiff over the debug library, whose DWARF describes every exported
# function's parameters and the status and state enums.
#
#   make test-abi        the built library matches abi/libhazy.so.0.abi, and abidiff sees the
#                        mutants (a removed function, a retyped parameter, a renumbered status)
#   make abi-baseline    rewrite the baseline after a deliberate change (commit it, with a
#                        CHANGELOG.md entry; an incompatible change also moves the SONAME)

.PHONY: test-abi abi-baseline

test-abi: build ## libhazy.so.0's ABI matches the committed baseline (abidiff), and the check catches mutants
	$(PYTHON) scripts/abi/abi.py check $(LIBDIR)/libhazy.so.$(MAJOR)

abi-baseline: build ## rewrite abi/libhazy.so.0.abi from the built library (commit it with a CHANGELOG entry)
	$(PYTHON) scripts/abi/abi.py baseline $(LIBDIR)/libhazy.so.$(MAJOR)
