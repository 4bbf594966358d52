# The C API reference (issue 24): a page per exported function, generated from include/hazy.h
# by scripts/docs/reference.py into docs/reference/ (Markdown) and docs/reference/man3/ (man
# pages, shipped under share/man/man3 by the tarball and make install). The pages are committed.
#
#   make reference        regenerate docs/reference/ alone (`make header` runs it too; commit)
#   make test-reference   every hazy_* symbol of build/lib/libhazy.so and every prototype of
#                         hazy.h has its pages, they are up to date (--check), and every man page
#                         renders without a groff warning

.PHONY: reference test-reference

reference: ## regenerate docs/reference/ (a page per C function, Markdown and man) from include/hazy.h
	$(PYTHON) scripts/docs/reference.py

test-reference: build ## every exported C function has an up-to-date reference page that man renders cleanly
	$(PYTHON) -m pytest -q tests/reference
