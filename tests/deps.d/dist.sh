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
    if ! rustup target list --installed 2>/dev/null | grep -qx aarch64-unknown-linux-gnu; then
        echo "[deps] adding the Rust target aarch64-unknown-linux-gnu"
        rustup target add aarch64-unknown-linux-gnu >/dev/null
    fi
    local stamp="$ZIGBUILD_VENV/.installed-$ZIGLANG_VERSION-$CARGO_ZIGBUILD_VERSION"
    if [ ! -e "$stamp" ]; then
        echo "[deps] installing ziglang $ZIGLANG_VERSION and cargo-zigbuild $CARGO_ZIGBUILD_VERSION into $ZIGBUILD_VENV"
        rm -rf "$ZIGBUILD_VENV"
        python3 -m venv "$ZIGBUILD_VENV"
        "$ZIGBUILD_VENV/bin/pip" install --quiet --disable-pip-version-check \
            "ziglang==$ZIGLANG_VERSION" "cargo-zigbuild==$CARGO_ZIGBUILD_VERSION"
        touch "$stamp"
    fi
}
