# RPM and DEB packages of the release tarballs (issue 29, items 2 to 4). scripts/dist/rpm.sh and
# scripts/dist/deb.sh repackage dist/libhazy-VERSION-ARCH-linux-gnu.tar.gz, binary-only (no
# compiler runs), and add the packages to dist/SHA256SUMS:
#
#   dist/libhazy-VERSION-1.ARCH.rpm  libhazy-devel-VERSION-1.ARCH.rpm  hazy-VERSION-1.ARCH.rpm
#   dist/libhazy0_VERSION-1_DEBARCH.deb  libhazy-dev_VERSION-1_DEBARCH.deb  hazy_VERSION-1_DEBARCH.deb
#
# for ARCH x86_64 and aarch64 (DEBARCH amd64 and arm64). The spec, control files and copyright
# are in packaging/.
#
#   make packages                       the twelve packages; the tarballs are made first (make dist-ARCH)
#   make packages PACKAGES_FROM_DIST=1  from the tarballs already in dist/, with no release build
#   make test-packages                  (under the stack, in make test) tests/dist/packages.py: RPM
#                                       requirements, a scratch rpm root, lintian, dpkg -i/-r here,
#                                       a C program and the hazy command against the stack
#
# The scripts rebuild nothing when their packages are newer than the tarball and the packaging.
# `make dist` makes them too (as mk/windows.mk and mk/dotnet.mk add theirs).

PACKAGE_ARCHES := x86_64 aarch64
PACKAGES_TARBALL = $(if $(PACKAGES_FROM_DIST),,dist-%)

dist: packages

.PHONY: packages deps-packages $(addprefix packages-,$(PACKAGE_ARCHES)) test-packages

# rpmbuild and the rest (tests/deps.d/packages.sh), installed on first use like deps-dist's.
deps-packages:
	@bash tests/ensure-deps.sh packages

packages: $(addprefix packages-,$(PACKAGE_ARCHES)) ## RPM and DEB packages of the release tarballs, in dist/

# deps-sbom: each package carries its SBOM, made with cargo-cyclonedx (mk/supply-chain.mk).
$(addprefix packages-,$(PACKAGE_ARCHES)): packages-%: deps-packages deps-sbom $(PACKAGES_TARBALL)
	bash scripts/dist/rpm.sh $*
	bash scripts/dist/deb.sh $*

test-packages: packages ## the RPM and DEB packages: requirements, install, lintian, dpkg -i/-r, train
	$(PYTHON) tests/dist/packages.py
