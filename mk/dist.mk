# Release artifacts (issue 11): optimised libraries for glibc 2.17 on x86_64 and aarch64, built
# with cargo-zigbuild, packaged as tarballs, installed by `make install`, and tested unpacked.
#
#   make dist                 dist/libhazy-VERSION-{x86_64,aarch64}-linux-gnu{,-debug}.tar.gz, SHA256SUMS
#   make install PREFIX=...   the optimised library of this machine's architecture, from its tarball tree
#
# One release build per architecture (target/<arch>-unknown-linux-gnu/release) serves the
# tarballs, `make install`, the Java jar and every suite below; cargo rebuilds only on change.

DIST_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
DIST_ARCHES  := x86_64 aarch64
HOST_ARCH    := $(shell uname -m)
DIST_TREE     = $(BUILD)/dist/libhazy-$(DIST_VERSION)-$(1)-linux-gnu
DIST_TARBALL  = dist/libhazy-$(DIST_VERSION)-$(1)-linux-gnu.tar.gz

.PHONY: dist deps-dist $(addprefix dist-,$(DIST_ARCHES)) install test-dist-fresh-clone \
        test-dist-portability test-dist-capi test-dist-aarch64 test-dist-consumers test-dist-e2e

# package.sh writes dist/SHA256SUMS beside the tarballs.
dist: $(addprefix dist-,$(DIST_ARCHES)) ## release tarballs (glibc 2.17, x86_64 and aarch64) and the Windows zip in dist/
	@ls -l dist

# The build toolchain (tests/deps.d/dist.sh: zig and cargo-zigbuild into .cache/zigbuild, the
# aarch64 Rust target, binutils), installed on first use so that `make install` and `make dist`
# need no `make deps` first; the tests' own packages stay in `make deps`. Once all is there it
# only checks, in well under a second: make test reaches this from several suites.
deps-dist:
	@bash tests/ensure-deps.sh dist

$(addprefix dist-,$(DIST_ARCHES)): dist-%: deps-dist
	bash scripts/dist/build.sh $*
	bash scripts/dist/package.sh $*

# make test (DIST_ONE_AT_A_TIME) builds the architectures one after another, as the lock in
# scripts/dist/build.sh would anyway, so that no job slot of make -j sits waiting on it.
ifdef DIST_ONE_AT_A_TIME
dist-aarch64: | dist-x86_64
endif

# The tree the host's tarball was made from: bin/, lib/, include/ and share/man/man3/.
# Files are replaced, not overwritten in place: a running program may have the old library mapped.
install: dist-$(HOST_ARCH) ## install the release build into PREFIX (default /usr/local)
	install -d $(DESTDIR)$(PREFIX)
	cd $(call DIST_TREE,$(HOST_ARCH)) && for d in bin lib include share; do \
	    [ ! -d $$d ] || cp -RP --preserve=mode --remove-destination $$d $(DESTDIR)$(PREFIX)/ || exit 1; done
	@echo "installed libhazy $(DIST_VERSION) (release, $(HOST_ARCH)) into $(DESTDIR)$(PREFIX)"

# The Java jar bundles the three release libraries (bindings/java/pom.xml): test-java packs
# what the release builds just made, never a stale copy, and writes the jar's SBOM with
# cargo-cyclonedx. Not all of `make dist`: the packages, the nupkg and the SBOMs in dist/ are
# not in the jar, and waiting for them held the suite back in make test.
test-java: $(addprefix dist-,$(DIST_ARCHES)) dist-windows deps-sbom

test-dist-portability: $(addprefix dist-,$(DIST_ARCHES)) ## the tarballs: glibc floor, SONAME, exports, file list
	$(PYTHON) tests/dist/check_portability.py $(foreach a,$(DIST_ARCHES),$(call DIST_TARBALL,$(a)))

# Each test waits only for the tarball it unpacks, so that it can start while the other
# architectures still build (make test runs suites side by side).
test-dist-capi: dist-$(HOST_ARCH) ## the C API test against the x86_64 release tarball
	bash tests/dist/capi.sh $(call DIST_TARBALL,$(HOST_ARCH))

test-dist-aarch64: dist-aarch64 ## the C API test against the aarch64 tarball under qemu
	bash tests/dist/capi.sh --qemu $(call DIST_TARBALL,aarch64)

test-dist-consumers: dist-$(HOST_ARCH) ## pkg-config and CMake consumers of the installed tarball
	bash tests/dist/consumers.sh $(call DIST_TARBALL,$(HOST_ARCH))

test-dist-e2e: dist-$(HOST_ARCH) ## the release CLI and library end to end
	bash tests/dist/e2e.sh $(call DIST_TARBALL,$(HOST_ARCH))

# `make install` in a copy of this tree with no .cache/, build/ or target/, as a fresh clone.
test-dist-fresh-clone: ## make install and make dist from a fresh clone
	bash tests/dist/fresh_clone.sh
