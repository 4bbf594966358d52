# The public Go and Java APIs against their committed baselines (issue 29): scripts/api/api.py
# runs Go's apidiff over bindings/go (loaded from source with cgo, against build/lib's hazy.pc and
# include/hazy.h) and japicmp over bindings/java's classes (compiled for Java 8, without the
# native libraries). tests/deps.d/api.sh installs both.
#
#   make test-api        both APIs match api/go/hazy.export and api/java/libhazy-api.jar, and the
#                        comparison fails on scratch copies with something removed, retyped or added
#   make api-baseline    rewrite both baselines after a deliberate change and print it (commit them,
#                        with a CHANGELOG.md entry)

.PHONY: test-api api-baseline

test-api: build ## the public Go and Java APIs match api/ (apidiff, japicmp), and the check catches mutants
	$(PYTHON) scripts/api/api.py check

api-baseline: build ## rewrite api/go/hazy.export and api/java/libhazy-api.jar (commit them with a CHANGELOG entry)
	$(PYTHON) scripts/api/api.py baseline
