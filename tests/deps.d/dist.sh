# Release artifacts for glibc 2.17 on x86_64 and aarch64 (mk/dist.mk). Sourced by
# tests/ensure-deps.sh. Debian gives the aarch64 cross compiler, its sysroot and qemu-user;
# rustup the aarch64 standard library; PyPI zig and cargo-zigbuild, into .cache/zigbuild.
want qemu-aarch64 qemu-user
want aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
want_file /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 libc6-arm64-cross
# The cross compiler only recommends the arm64 C headers and crt files (apt skips recommends).
want_file /usr/aarch64-linux-gnu/include/stdio.h libc6-dev-arm64-cross
want objcopy binutils
want readelf binutils

# Versions pinned so that every machine links the same way.
ZIGBUILD_VENV=.cache/zigbuild
ZIGLANG_VERSION=0.17.1
CARGO_ZIGBUILD_VERSION=0.24.1

after_packages_dist() {
    rust_target aarch64-unknown-linux-gnu
    venv_install "$ZIGBUILD_VENV" "ziglang==$ZIGLANG_VERSION" "cargo-zigbuild==$CARGO_ZIGBUILD_VERSION"
}
