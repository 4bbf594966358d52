# Supply chain (issue 29, item 6): cargo-deny over Cargo.lock, and a CycloneDX SBOM for every
# release artifact. The tools (cargo-deny, cargo-cyclonedx) are pinned in
# tests/deps.d/supply-chain.sh and installed into .cache/tools on first use.
#
#   make test-deny     cargo deny check licenses, bans and sources (deny.toml), one check per
#                      category; last line `deny: N passed, M failed`. No service, no network.
#   make sboms         dist/ARTIFACT.cdx.json for every artifact of this version in dist/, listed
#                      in dist/SHA256SUMS (scripts/sbom/dist.sh); `make dist` makes them last.
#                      With PACKAGES_FROM_DIST=1 from the artifacts already in dist/, no build.
#
# The advisories check needs the RustSec database, which these machines cannot fetch; where it
# can: `.cache/tools/bin/cargo-deny check advisories` (or `cargo deny check advisories`).

DENY_CHECKS := licenses bans sources
CARGO_DENY  := .cache/tools/bin/cargo-deny

.PHONY: deps-supply-chain deps-sbom test-deny sboms

deps-supply-chain:
	@bash tests/ensure-deps.sh supply-chain

# What the SBOMs need: cargo-cyclonedx only, so that a fresh clone's `make dist` does not also
# build cargo-deny.
deps-sbom:
	@SUPPLY_CHAIN_TOOLS=cargo-cyclonedx bash tests/ensure-deps.sh supply-chain

# --workspace: every member's dependencies (the Hub simulator's too), not only the root crate's.
test-deny: deps-supply-chain ## cargo deny check licenses, bans, sources (deny.toml)
	@passed=0; failed=0; \
	for c in $(DENY_CHECKS); do \
	    if $(CARGO_DENY) --offline --locked --workspace check --hide-inclusion-graph $$c; then \
	        echo "deny: $$c ok"; passed=$$((passed + 1)); \
	    else echo "deny: $$c FAILED"; failed=$$((failed + 1)); fi; \
	done; \
	echo "deny: $$passed passed, $$failed failed"; [ $$failed -eq 0 ]

dist: sboms
SBOM_INPUTS = $(if $(PACKAGES_FROM_DIST),,$(addprefix dist-,$(DIST_ARCHES)) dist-windows dist-nupkg) packages
sboms: deps-sbom $(SBOM_INPUTS) ## dist/*.cdx.json: a CycloneDX SBOM per release artifact, in SHA256SUMS
	bash scripts/sbom/dist.sh
