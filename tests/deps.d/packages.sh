# The RPM and DEB packages of the release tarballs (issue 29; mk/packages.mk, scripts/dist/rpm.sh
# and deb.sh) and their test (tests/dist/packages.py). Sourced by tests/ensure-deps.sh: with every
# fragment by `make deps`, and alone by `make deps-packages` before the packages are built, so that
# `make packages` needs no `make deps` first. Debian's rpm package gives rpmbuild (binary-only
# packaging: no compiler) and rpm, which the test also installs into a scratch root with;
# dpkg-deb comes with dpkg itself and needs no fakeroot (--root-owner-group); lintian checks the
# .deb files; readelf (binutils) reads the ELF files of either CPU. The test's other tools (cc,
# cmake, ninja, pkg-config, qemu-aarch64) come with `make deps` from the base list and
# dist-tests.sh.
want rpmbuild rpm
want rpm rpm
want lintian lintian
want readelf binutils
