# Release builds of the Linux tarballs for glibc 2.17 on x86_64 and aarch64 (mk/dist.mk). Sourced
# by tests/ensure-deps.sh, also alone (`make deps-dist`) before every release build, so that
# `make install` and `make dist` work in a fresh clone: this fragment holds only what building
# and packaging need. Zig links for both CPUs against its own glibc stubs, so no cross compiler
# or sysroot is needed to build; what only the tests need is in dist-tests.sh. Debian gives the
# binutils that scripts/dist/package.sh splits and strips with (the aarch64 ones for aarch64),
# rustup the aarch64 standard library, PyPI zig and cargo-zigbuild, into .cache/zigbuild.
want objcopy binutils
want strip binutils
want aarch64-linux-gnu-objcopy binutils-aarch64-linux-gnu
want aarch64-linux-gnu-strip binutils-aarch64-linux-gnu

# Versions pinned so that every machine links the same way.
ZIGBUILD_VENV=.cache/zigbuild
ZIGLANG_VERSION=0.17.1
CARGO_ZIGBUILD_VERSION=0.24.1

after_packages_dist() {
    rust_target aarch64-unknown-linux-gnu
    venv_install "$ZIGBUILD_VENV" "ziglang==$ZIGLANG_VERSION" "cargo-zigbuild==$CARGO_ZIGBUILD_VERSION"
}
