# Fuzzing, sanitizers and Miri (mk/fuzz.mk, mk/sanitizers.mk): cargo-fuzz into .cache/tools,
# Miri and the standard library's sources for the nightly toolchain. Sourced by
# tests/ensure-deps.sh; the nightly toolchain itself comes with the machine. The C sanitizer
# runtimes (libasan, libubsan) come with gcc, which the base list installs.

CARGO_FUZZ_VERSION=0.13.2

after_packages_fuzz() {
    if ! cargo +nightly --version >/dev/null 2>&1; then
        echo "[deps] the nightly Rust toolchain is missing: rustup toolchain install nightly" >&2
        return 1
    fi
    if ! .cache/tools/bin/cargo-fuzz --version 2>/dev/null | grep -qx "cargo-fuzz $CARGO_FUZZ_VERSION"; then
        echo "[deps] installing cargo-fuzz $CARGO_FUZZ_VERSION into .cache/tools"
        # --debug: cargo-fuzz only drives cargo, and its debug build takes half the time.
        cargo install --quiet --locked --debug --force --version "$CARGO_FUZZ_VERSION" --root .cache/tools cargo-fuzz
    fi
    # `cargo miri` needs both the component and its sysroot; `setup` is quick once built.
    if ! rustup +nightly component list --installed 2>/dev/null | grep -q '^miri'; then
        echo "[deps] adding the miri component to the nightly toolchain"
        rustup_locked +nightly component add miri rust-src >/dev/null
    fi
    if ! cargo +nightly miri setup >/dev/null 2>&1; then
        echo "[deps] cargo +nightly miri setup failed" >&2
        return 1
    fi
}
